"""Alert memory in the results store, so confirmation spans runs and processes.

A nightly run makes one call per (number, carrier); "confirmed by N agreeing attempts" only
works if the last N states survive between runs, and "alert once" only if what was sent does.
"""

from __future__ import annotations

import dataclasses
import hashlib

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from robot.alerts.changes import ShownState
from robot.ports import Clock
from robot.store.engine import read_tx, write_tx
from robot.store.schema import alert_states, alerts_sent


def _to_json(state: ShownState) -> dict[str, object]:
    return dataclasses.asdict(state)


def _from_json(data: dict[str, object] | None) -> ShownState | None:
    if not data:
        return None
    fields = {f.name for f in dataclasses.fields(ShownState)}
    return ShownState(**{k: v for k, v in data.items() if k in fields})  # type: ignore[arg-type]


class SqlAlertState:
    """`robot.alerts.notifier.AlertState` on the store's database."""

    def __init__(self, engine: sa.Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def push(self, number: str, carrier: str, state: ShownState, keep: int) -> list[ShownState]:
        key = (alert_states.c.number == number) & (alert_states.c.carrier == carrier)
        with write_tx(self._engine) as conn:
            row = conn.execute(sa.select(alert_states.c.recent).where(key)).first()
            recent = [*(row[0] if row else []), _to_json(state)][-keep:]
            values = {"recent": recent, "updated_at": self._clock.now()}
            if row is None:
                conn.execute(
                    sa.insert(alert_states).values(number=number, carrier=carrier, **values)
                )
            else:
                conn.execute(sa.update(alert_states).where(key).values(**values))
        return [s for s in (_from_json(r) for r in recent) if s is not None]

    def confirmed(self, number: str, carrier: str) -> ShownState | None:
        key = (alert_states.c.number == number) & (alert_states.c.carrier == carrier)
        with read_tx(self._engine) as conn:
            value = conn.execute(sa.select(alert_states.c.confirmed).where(key)).scalar()
        return _from_json(value)

    def set_confirmed(self, number: str, carrier: str, state: ShownState) -> None:
        key = (alert_states.c.number == number) & (alert_states.c.carrier == carrier)
        with write_tx(self._engine) as conn:
            conn.execute(
                sa.update(alert_states)
                .where(key)
                .values(confirmed=_to_json(state), updated_at=self._clock.now())
            )

    def claim(self, key: str, summary: str = "") -> bool:
        try:
            with write_tx(self._engine) as conn:
                conn.execute(
                    sa.insert(alerts_sent).values(
                        key=hashlib.sha256(key.encode()).hexdigest(),
                        summary=summary,
                        sent_at=self._clock.now(),
                    )
                )
        except IntegrityError:
            return False
        return True
