"""Handset leases and health state, kept in the store so every process and host agrees.

A lease gives one holder one handset for a while: one handset takes one call at a time across
concurrent runs. Each lease expires, so a crashed run frees its handsets without anyone's help.
Taking a lease is a single `INSERT … ON CONFLICT DO UPDATE … WHERE expired` statement, which is
atomic on both SQLite (under `BEGIN IMMEDIATE`) and PostgreSQL (row lock on the conflict).

Handset state counts consecutive device errors; after N the handset is quarantined until a
recovery check clears it, so one broken phone does not fail every attempt of a run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from robot.clock import SystemClock
from robot.store.engine import dialect_insert, read_tx, store_error, write_tx
from robot.store.owner import is_alive_here
from robot.store.schema import handset_state, leases

if TYPE_CHECKING:
    from robot.ports import Clock

T = TypeVar("T")
_MAX_ERROR_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Lease:
    handset_id: str
    holder: str
    acquired_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class HandsetStatus:
    """What the store knows about one handset beyond the farm file."""

    handset_id: str
    enabled_override: bool | None = None
    consecutive_errors: int = 0
    quarantined_at: datetime | None = None
    last_error: str | None = None

    @property
    def quarantined(self) -> bool:
        return self.quarantined_at is not None


def _guard(engine: sa.Engine, what: str, action: Callable[[], T]) -> T:
    try:
        return action()
    except SQLAlchemyError as exc:
        raise store_error(what, exc, engine.url) from exc


class SqlLeases:
    """Leases on handsets, safe across processes and hosts sharing one store."""

    def __init__(self, engine: sa.Engine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock: Clock = clock or SystemClock()

    def acquire(self, handset_id: str, holder: str, ttl_s: float) -> bool:
        """Take the handset for `ttl_s` seconds if it is free, expired, or already ours."""
        now = self._clock.now()
        expires = now + timedelta(seconds=ttl_s)
        stmt = dialect_insert(self._engine, leases).values(
            handset_id=handset_id, holder=holder, acquired_at=now, expires_at=expires
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[leases.c.handset_id],
            set_={
                "holder": stmt.excluded.holder,
                "acquired_at": stmt.excluded.acquired_at,
                "expires_at": stmt.excluded.expires_at,
            },
            where=sa.or_(leases.c.expires_at <= now, leases.c.holder == holder),
        ).returning(leases.c.holder)

        def run() -> bool:
            with write_tx(self._engine) as conn:
                return conn.execute(stmt).first() is not None

        return _guard(self._engine, f"cannot lease handset {handset_id}", run)

    def renew(self, handset_id: str, holder: str, ttl_s: float) -> bool:
        """Extend our lease; False if the handset is no longer ours (taken or released)."""
        expires = self._clock.now() + timedelta(seconds=ttl_s)
        stmt = (
            sa.update(leases)
            .where(leases.c.handset_id == handset_id, leases.c.holder == holder)
            .values(expires_at=expires)
        )

        def run() -> bool:
            with write_tx(self._engine) as conn:
                return conn.execute(stmt).rowcount > 0

        return _guard(self._engine, f"cannot renew the lease on {handset_id}", run)

    def release(self, handset_id: str, holder: str | None = None) -> bool:
        """Give the handset back; `holder=None` forces it (`ringcheck devices release`)."""
        stmt = sa.delete(leases).where(leases.c.handset_id == handset_id)
        if holder is not None:
            stmt = stmt.where(leases.c.holder == holder)

        def run() -> bool:
            with write_tx(self._engine) as conn:
                return conn.execute(stmt).rowcount > 0

        return _guard(self._engine, f"cannot release handset {handset_id}", run)

    def holder(self, handset_id: str) -> str | None:
        """Who holds the handset now; None if free or the lease has expired."""
        stmt = sa.select(leases.c.holder).where(
            leases.c.handset_id == handset_id, leases.c.expires_at > self._clock.now()
        )

        def run() -> str | None:
            with read_tx(self._engine) as conn:
                return conn.execute(stmt).scalar_one_or_none()

        return _guard(self._engine, f"cannot read the lease on {handset_id}", run)

    def reclaim_expired(self) -> list[str]:
        """Delete expired leases; returns the handsets they freed."""
        stmt = (
            sa.delete(leases)
            .where(leases.c.expires_at <= self._clock.now())
            .returning(leases.c.handset_id)
        )

        def run() -> list[str]:
            with write_tx(self._engine) as conn:
                return sorted(conn.execute(stmt).scalars())

        return _guard(self._engine, "cannot reclaim expired leases", run)

    def reclaim_dead(self) -> list[str]:
        """Delete leases whose holder is a dead process on this host (a killed run); holders
        that are alive, on other hosts, or not process names are left to expire."""

        def run() -> list[str]:
            with write_tx(self._engine) as conn:
                held = conn.execute(sa.select(leases.c.handset_id, leases.c.holder)).all()
                dead = [(h, holder) for h, holder in held if is_alive_here(holder) is False]
                for handset_id, holder in dead:
                    conn.execute(
                        sa.delete(leases).where(
                            leases.c.handset_id == handset_id, leases.c.holder == holder
                        )
                    )
                return sorted(h for h, _ in dead)

        return _guard(self._engine, "cannot reclaim leases of dead processes", run)

    def all(self) -> list[Lease]:
        """Every lease still valid, by handset id (for `ringcheck devices list`)."""
        stmt = (
            sa.select(leases)
            .where(leases.c.expires_at > self._clock.now())
            .order_by(leases.c.handset_id)
        )

        def run() -> list[Lease]:
            with read_tx(self._engine) as conn:
                return [Lease(**row._mapping) for row in conn.execute(stmt)]

        return _guard(self._engine, "cannot list leases", run)


# Every attempt that observed its handset resets the handset's error count: built once and
# run with the handset's id, instead of built (with SQLAlchemy's cache key) for each attempt.
_RESET_ERRORS = (
    sa.update(handset_state)
    .where(handset_state.c.handset_id == sa.bindparam("handset"))
    .values(consecutive_errors=0)
    .returning(handset_state.c.quarantined_at)
)


class SqlHandsetState:
    """Enable/disable overrides and quarantine after consecutive device errors."""

    def __init__(self, engine: sa.Engine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock: Clock = clock or SystemClock()

    def set_enabled(self, handset_id: str, enabled: bool | None) -> None:
        """Override the farm file's `enabled`; None removes the override."""
        stmt = dialect_insert(self._engine, handset_state).values(
            handset_id=handset_id, enabled_override=enabled, consecutive_errors=0
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[handset_state.c.handset_id],
            set_={"enabled_override": stmt.excluded.enabled_override},
        )
        self._write(f"cannot change handset {handset_id}", stmt)

    def enabled_override(self, handset_id: str) -> bool | None:
        return self.get(handset_id).enabled_override

    def record_result(
        self, handset_id: str, device_error: str | None, quarantine_after: int
    ) -> bool:
        """Count a device error (or reset the count on success); True if now quarantined."""
        if device_error is None:
            return self._record_success(handset_id)
        error = device_error[:_MAX_ERROR_CHARS]
        now = self._clock.now()
        stmt = dialect_insert(self._engine, handset_state).values(
            handset_id=handset_id, consecutive_errors=1, last_error=error
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[handset_state.c.handset_id],
            set_={
                "consecutive_errors": handset_state.c.consecutive_errors + 1,
                "last_error": stmt.excluded.last_error,
            },
        ).returning(handset_state.c.consecutive_errors, handset_state.c.quarantined_at)

        def run() -> bool:
            with write_tx(self._engine) as conn:
                count, quarantined_at = conn.execute(stmt).one()
                if quarantined_at is not None:
                    return True
                if count >= quarantine_after:
                    conn.execute(
                        sa.update(handset_state)
                        .where(handset_state.c.handset_id == handset_id)
                        .values(quarantined_at=now)
                    )
                    return True
                return False

        return _guard(self._engine, f"cannot record a result for {handset_id}", run)

    def _record_success(self, handset_id: str) -> bool:
        def run() -> bool:
            with write_tx(self._engine) as conn:
                row = conn.execute(_RESET_ERRORS, {"handset": handset_id}).first()
                return row is not None and row[0] is not None

        return _guard(self._engine, f"cannot record a result for {handset_id}", run)

    def quarantined(self, handset_id: str) -> bool:
        return self.get(handset_id).quarantined

    def clear_quarantine(self, handset_id: str) -> None:
        """After a passing recovery check: back in service with a clean error count."""
        stmt = (
            sa.update(handset_state)
            .where(handset_state.c.handset_id == handset_id)
            .values(quarantined_at=None, consecutive_errors=0)
        )
        self._write(f"cannot clear the quarantine of {handset_id}", stmt)

    def get(self, handset_id: str) -> HandsetStatus:
        stmt = sa.select(handset_state).where(handset_state.c.handset_id == handset_id)

        def run() -> HandsetStatus:
            with read_tx(self._engine) as conn:
                row = conn.execute(stmt).first()
            return HandsetStatus(**row._mapping) if row else HandsetStatus(handset_id)

        return _guard(self._engine, f"cannot read handset {handset_id}", run)

    def all(self) -> list[HandsetStatus]:
        stmt = sa.select(handset_state).order_by(handset_state.c.handset_id)

        def run() -> list[HandsetStatus]:
            with read_tx(self._engine) as conn:
                return [HandsetStatus(**row._mapping) for row in conn.execute(stmt)]

        return _guard(self._engine, "cannot list handset states", run)

    def _write(self, what: str, stmt: sa.Executable) -> None:
        def run() -> None:
            with write_tx(self._engine) as conn:
                conn.execute(stmt)

        _guard(self._engine, what, run)
