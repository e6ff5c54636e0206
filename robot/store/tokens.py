"""API tokens and the browser sessions opened with them.

A token is `rc_` + 43 URL-safe characters (256 random bits). Only its SHA-256 is stored: with
that much randomness a slow password hash adds nothing, and lookups stay one index probe. The
token is returned once, by `create`; nothing can show it again. Revoking a token ends its
sessions. Session cookies hold a second random secret, also stored hashed, with a CSRF secret
that forms must echo.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from robot.domain.access import Role
from robot.errors import StoreError, UsageError
from robot.ports import Clock
from robot.store.engine import read_tx, store_error, write_tx
from robot.store.schema import api_tokens, console_sessions

T = TypeVar("T")
TOKEN_PREFIX = "rc_"
NAME_MAX = 100
SESSION_TTL = timedelta(hours=12)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ApiToken:
    """What the store keeps about a token (never the token itself)."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    once: bool = False

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser: the token it signed in with and the CSRF secret of its forms."""

    token: ApiToken
    csrf: str
    expires_at: datetime


def _token(row: sa.Row[Any]) -> ApiToken:
    m = row._mapping
    return ApiToken(
        id=int(m["id"]),
        name=str(m["name"]),
        role=Role(m["role"]),
        prefix=str(m["prefix"]),
        created_at=m["created_at"],
        created_by=str(m["created_by"]),
        last_used_at=m["last_used_at"],
        revoked_at=m["revoked_at"],
        revoked_by=m["revoked_by"],
        once=bool(m["once"]),
    )


def check_name(name: str) -> str:
    """Token names are shown on pages and in the audit log: printable, short, one line."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > NAME_MAX or not cleaned.isprintable():
        raise UsageError(
            f"token name {name!r} must be 1 to {NAME_MAX} printable characters "
            "(e.g. the person or CI job that uses it: alice, ci-nightly)"
        )
    return cleaned


class SqlTokens:
    def __init__(self, engine: sa.Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def _guard(self, what: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except SQLAlchemyError as exc:
            raise store_error(what, exc, self._engine.url) from exc

    # --- tokens ---------------------------------------------------------------------------

    def create(
        self, name: str, role: Role, *, created_by: str, once: bool = False
    ) -> tuple[ApiToken, str]:
        """A new token; returns it with its secret, which is never shown again. A `once` token
        signs one browser in (a link to give a person) and is not an API token."""
        name = check_name(name)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self._clock.now()

        def action() -> ApiToken:
            with write_tx(self._engine) as conn:
                taken = conn.execute(
                    sa.select(api_tokens.c.id).where(
                        api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None)
                    )
                ).first()
                if taken is not None:
                    raise UsageError(
                        f"a token named {name!r} exists already; revoke it first "
                        f"(`ringcheck tokens revoke {name}`) or choose another name"
                    )
                values = {
                    "name": name,
                    "role": Role(role).value,
                    "token_hash": digest(secret),
                    "prefix": secret[: len(TOKEN_PREFIX) + 6],
                    "created_at": now,
                    "created_by": created_by[:200],
                    "once": once,
                }
                new_id = conn.execute(
                    sa.insert(api_tokens).values(values).returning(api_tokens.c.id)
                ).scalar_one()
            return ApiToken(
                id=int(new_id),
                name=name,
                role=Role(role),
                prefix=str(values["prefix"]),
                created_at=now,
                created_by=created_by[:200],
                once=once,
            )

        return self._guard(f"cannot create token {name!r}", action), secret

    def list(self, *, include_revoked: bool = True) -> list[ApiToken]:
        stmt = sa.select(api_tokens).order_by(api_tokens.c.id)
        if not include_revoked:
            stmt = stmt.where(api_tokens.c.revoked_at.is_(None))

        def action() -> list[ApiToken]:
            with read_tx(self._engine) as conn:
                return [_token(r) for r in conn.execute(stmt)]

        return self._guard("cannot list tokens", action)

    def revoke(self, ref: str, *, by: str) -> ApiToken:
        """Revoke the active token named `ref` (or with id `ref`) and end its sessions."""
        now = self._clock.now()

        def action() -> ApiToken:
            with write_tx(self._engine) as conn:
                where = api_tokens.c.name == ref
                if ref.isdigit():
                    where = sa.or_(where, api_tokens.c.id == int(ref))
                row = conn.execute(
                    sa.select(api_tokens).where(where, api_tokens.c.revoked_at.is_(None))
                ).first()
                if row is None:
                    active = conn.execute(
                        sa.select(api_tokens.c.name).where(api_tokens.c.revoked_at.is_(None))
                    ).scalars()
                    names = ", ".join(sorted(active)) or "none"
                    raise UsageError(f"no active token {ref!r} (active tokens: {names})")
                conn.execute(
                    sa.update(api_tokens)
                    .where(api_tokens.c.id == row.id)
                    .values(revoked_at=now, revoked_by=by[:200])
                )
                conn.execute(
                    sa.delete(console_sessions).where(console_sessions.c.token_id == row.id)
                )
                token = _token(row)
            return dataclasses.replace(token, revoked_at=now, revoked_by=by[:200])

        return self._guard(f"cannot revoke token {ref!r}", action)

    def verify(self, secret: str) -> ApiToken | None:
        """The active token with this secret, or None (unknown, malformed or revoked)."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        stmt = sa.select(api_tokens).where(
            api_tokens.c.token_hash == digest(secret),
            api_tokens.c.revoked_at.is_(None),
            api_tokens.c.once.is_(False),
        )

        def action() -> ApiToken | None:
            with read_tx(self._engine) as conn:
                row = conn.execute(stmt).first()
            return _token(row) if row is not None else None

        return self._guard("cannot check a token", action)

    def redeem_once(self, secret: str) -> ApiToken | None:
        """The one-time token with this secret, used up: its hash is replaced by that of a
        secret nobody knows, so the link cannot sign in again while its session lives on."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None

        def action() -> ApiToken | None:
            with write_tx(self._engine) as conn:
                used = conn.execute(
                    sa.update(api_tokens)
                    .where(
                        api_tokens.c.token_hash == digest(secret),
                        api_tokens.c.revoked_at.is_(None),
                        api_tokens.c.once.is_(True),
                    )
                    .values(
                        token_hash=digest(secrets.token_urlsafe(32)),
                        last_used_at=self._clock.now(),
                    )
                    .returning(api_tokens.c.id)
                ).first()
                if used is None:
                    return None
                row = conn.execute(sa.select(api_tokens).where(api_tokens.c.id == used.id)).one()
            return _token(row)

        return self._guard("cannot use a sign-in link", action)

    def touch(self, token_id: int) -> None:
        """Note that the token was used now (callers throttle this: it is a write)."""

        def action() -> None:
            with write_tx(self._engine) as conn:
                conn.execute(
                    sa.update(api_tokens)
                    .where(api_tokens.c.id == token_id)
                    .values(last_used_at=self._clock.now())
                )

        self._guard("cannot record token use", action)

    # --- browser sessions -----------------------------------------------------------------

    def open_session(self, token: ApiToken, ttl: timedelta = SESSION_TTL) -> tuple[str, Session]:
        """A new session for a signed-in browser: its cookie secret and its record."""
        if not token.active:
            raise StoreError(f"token {token.name!r} is revoked")
        secret = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = self._clock.now()
        expires = now + ttl

        def action() -> None:
            with write_tx(self._engine) as conn:
                conn.execute(sa.delete(console_sessions).where(console_sessions.c.expires_at < now))
                conn.execute(
                    sa.insert(console_sessions).values(
                        id_hash=digest(secret),
                        token_id=token.id,
                        csrf=csrf,
                        created_at=now,
                        expires_at=expires,
                    )
                )

        self._guard("cannot open a session", action)
        return secret, Session(token, csrf, expires)

    def session(self, secret: str) -> Session | None:
        """The live session of a cookie, with its token's current role; None when it expired,
        was closed, or its token was revoked."""
        if not secret or len(secret) > 200:
            return None
        stmt = (
            sa.select(api_tokens, console_sessions.c.csrf, console_sessions.c.expires_at)
            .join(console_sessions, console_sessions.c.token_id == api_tokens.c.id)
            .where(
                console_sessions.c.id_hash == digest(secret),
                console_sessions.c.expires_at > self._clock.now(),
                api_tokens.c.revoked_at.is_(None),
            )
        )

        def action() -> Session | None:
            with read_tx(self._engine) as conn:
                row = conn.execute(stmt).first()
            if row is None:
                return None
            return Session(_token(row), str(row.csrf), row.expires_at)

        return self._guard("cannot read a session", action)

    def close_session(self, secret: str) -> None:
        def action() -> None:
            with write_tx(self._engine) as conn:
                conn.execute(
                    sa.delete(console_sessions).where(console_sessions.c.id_hash == digest(secret))
                )

        self._guard("cannot close a session", action)
