"""Signal memory in the results store, so confirmation spans runs and processes.

A nightly run makes one call per (number, carrier); "confirmed by N agreeing observations" only
works if the last N survive between runs. Each observation updates its signal and, when that
raises an alert, records the alert in the outbox in the same transaction: a process killed right
after a flip cannot lose the alert, nor record it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from robot.alerts.alert import Alert
from robot.domain.alerts import (
    AlertChannel,
    AlertKind,
    Observation,
    SignalKey,
    SignalMemory,
    advance,
)
from robot.ports import Clock
from robot.store.alert_outbox import insert_alert
from robot.store.engine import read_tx, write_tx
from robot.store.schema import alert_signals


@dataclass(frozen=True, slots=True)
class SignalRow:
    """A signal as `ringcheck alerts signals` shows it."""

    key: SignalKey
    confirmed: Observation
    recent: tuple[Observation, ...]
    reason: str | None
    last_attempt_id: int | None
    changed_at: datetime
    updated_at: datetime


# Every finished attempt observes each of its checks: these run for each with its values
# instead of building a select, an update or an insert (and SQLAlchemy's cache key of it)
# per observation, as record_attempt's statements are (robot.store.results).
def _key_params(key: SignalKey) -> dict[str, str]:
    return {
        "key_scenario": key.scenario,
        "key_number": key.number,
        "key_carrier": key.carrier,
        "key_check": key.check,
        "key_variant": key.variant,
    }


_KEY = (
    (alert_signals.c.scenario == sa.bindparam("key_scenario"))
    & (alert_signals.c.number == sa.bindparam("key_number"))
    & (alert_signals.c.carrier == sa.bindparam("key_carrier"))
    & (alert_signals.c.check_name == sa.bindparam("key_check"))
    & (alert_signals.c.variant == sa.bindparam("key_variant"))
)
_READ_SIGNAL = (
    sa.select(alert_signals.c.confirmed, alert_signals.c.recent).where(_KEY).with_for_update()
)
_UPDATE_SIGNAL = sa.update(alert_signals).where(_KEY)
_INSERT_SIGNAL = sa.insert(alert_signals)


class SqlSignals:
    """Signals and the alerts they raise, on the store's database."""

    def __init__(self, engine: sa.Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def observe(
        self,
        key: SignalKey,
        seen: Observation,
        *,
        confirm: int,
        reason: str,
        attempt_id: int | None,
        alert_for: Callable[[AlertKind], Alert],
        channels: Sequence[AlertChannel],
    ) -> Alert | None:
        """Record one observation; the alert it raised (already in the outbox), or None."""
        try:
            return self._observe(key, seen, confirm, reason, attempt_id, alert_for, channels)
        except IntegrityError:  # another process created this signal at the same moment
            return self._observe(key, seen, confirm, reason, attempt_id, alert_for, channels)

    def _observe(
        self,
        key: SignalKey,
        seen: Observation,
        confirm: int,
        reason: str,
        attempt_id: int | None,
        alert_for: Callable[[AlertKind], Alert],
        channels: Sequence[AlertChannel],
    ) -> Alert | None:
        now = self._clock.now()
        where = _key_params(key)
        with write_tx(self._engine) as conn:
            row = conn.execute(_READ_SIGNAL, where).first()
            memory = None
            if row is not None:
                memory = SignalMemory(
                    Observation(row.confirmed), tuple(Observation(r) for r in row.recent)
                )
            after, kind = advance(memory, seen, confirm)
            values: dict[str, Any] = {
                "confirmed": after.confirmed.value,
                "recent": [r.value for r in after.recent],
                "reason": reason,
                "last_attempt_id": attempt_id,
                "updated_at": now,
            }
            if memory is None or memory.confirmed is not after.confirmed:
                values["changed_at"] = now
            if row is None:
                conn.execute(
                    _INSERT_SIGNAL,
                    {
                        "scenario": key.scenario,
                        "number": key.number,
                        "carrier": key.carrier,
                        "check_name": key.check,
                        "variant": key.variant,
                        **values,
                    },
                )
            else:
                conn.execute(_UPDATE_SIGNAL, {**where, **values})
            if kind is None:
                return None
            alert = alert_for(kind)
            alert_id = insert_alert(conn, alert, () if alert.muted else channels, now)
        return replace(alert, id=alert_id)

    def signals(
        self, *, scenario: str | None = None, failing_only: bool = False
    ) -> list[SignalRow]:
        c = alert_signals.c
        query = sa.select(alert_signals).order_by(
            c.scenario, c.number, c.carrier, c.check_name, c.variant
        )
        if scenario is not None:
            query = query.where(c.scenario == scenario)
        if failing_only:
            query = query.where(c.confirmed == Observation.FAIL.value)
        with read_tx(self._engine) as conn:
            rows = conn.execute(query).all()
        return [
            SignalRow(
                key=SignalKey(r.scenario, r.number, r.carrier, r.check_name, r.variant),
                confirmed=Observation(r.confirmed),
                recent=tuple(Observation(x) for x in r.recent),
                reason=r.reason,
                last_attempt_id=r.last_attempt_id,
                changed_at=r.changed_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]
