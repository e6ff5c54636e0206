"""The audit log: who signed in, triggered, cancelled, disabled or released what, and when.

Written by the console, the API and the `tokens` command; read by the Audit page, newest first.
Entries never hold a secret (tokens are named, never quoted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from robot.ports import Clock
from robot.store.engine import read_tx, store_error, write_tx
from robot.store.schema import audit_log


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    role: str | None
    action: str
    target: str | None
    detail: Mapping[str, Any] | None
    source: str | None


class SqlAudit:
    def __init__(self, engine: sa.Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def record(
        self,
        actor: str,
        action: str,
        *,
        role: str | None = None,
        target: str | None = None,
        detail: Mapping[str, Any] | None = None,
        source: str | None = None,
    ) -> None:
        values = {
            "at": self._clock.now(),
            "actor": actor[:200],
            "role": role,
            "action": action[:40],
            "target": target[:300] if target else None,
            "detail": dict(detail) if detail else None,
            "source": source[:100] if source else None,
        }
        try:
            with write_tx(self._engine) as conn:
                conn.execute(sa.insert(audit_log).values(values))
        except SQLAlchemyError as exc:
            what = f"cannot write the audit log ({action})"
            raise store_error(what, exc, self._engine.url) from exc

    def entries(
        self,
        *,
        before_id: int | None = None,
        limit: int = 50,
        action: str | None = None,
        actor: str | None = None,
    ) -> list[AuditEntry]:
        """Newest first; `before_id` pages back (keyset pagination)."""
        stmt = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if before_id is not None:
            stmt = stmt.where(audit_log.c.id < before_id)
        if action is not None:
            stmt = stmt.where(audit_log.c.action == action)
        if actor is not None:
            stmt = stmt.where(audit_log.c.actor == actor)
        try:
            with read_tx(self._engine) as conn:
                rows = conn.execute(stmt).all()
        except SQLAlchemyError as exc:
            raise store_error("cannot read the audit log", exc, self._engine.url) from exc
        return [
            AuditEntry(
                id=int(r.id),
                at=r.at,
                actor=str(r.actor),
                role=r.role,
                action=str(r.action),
                target=r.target,
                detail=r.detail,
                source=r.source,
            )
            for r in rows
        ]
