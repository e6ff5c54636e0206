"""The alert outbox in the results store: alerts, and one delivery per channel they go to.

An alert is written before anything is sent; a delivery is `pending` until the receiver answers
2xx (`sent`), and is retried with back-off by every later run and by `serve` until it is sent or
given up (`failed`). Senders claim a row for the length of one try, so a run and `serve` never
post the same row at once; a claim left by a killed process simply expires.

Rows name the channel, its kind and the environment variable holding its URL; the URL itself
(it embeds a token) is resolved only when a delivery is sent, and never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from robot.alerts.alert import Alert, AlertDelivery, DeliveryStatus, Evidence
from robot.domain.alerts import AlertChannel, AlertKind, SignalKey
from robot.ports import Clock
from robot.store.engine import read_tx, write_tx
from robot.store.schema import alert_deliveries, alerts

_PENDING = DeliveryStatus.PENDING.value


def insert_alert(
    conn: sa.Connection, alert: Alert, channels: Sequence[AlertChannel], now: datetime
) -> int:
    """Write an alert and a pending delivery per channel inside the caller's transaction."""
    key = alert.key
    alert_id = conn.execute(
        sa.insert(alerts)
        .values(
            created_at=alert.created_at,
            scenario=key.scenario,
            number=key.number,
            carrier=key.carrier,
            check_name=key.check,
            variant=key.variant,
            kind=alert.kind.value,
            reason=alert.reason,
            run_id=alert.run_id,
            attempt_id=alert.attempt_id,
            handset_id=alert.handset_id,
            evidence=alert.evidence.as_dict(),
            muted=alert.muted,
        )
        .returning(alerts.c.id)
    ).scalar_one()
    for channel in channels:
        conn.execute(
            sa.insert(alert_deliveries).values(
                alert_id=alert_id,
                channel=channel.name,
                channel_kind=channel.kind,
                url_env=channel.url_env,
                status=_PENDING,
                tries=0,
                next_try_at=now,
            )
        )
    return int(alert_id)


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """An alert with the state of each of its deliveries (for `ringcheck alerts list`)."""

    alert: Alert
    deliveries: tuple[AlertDelivery, ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        """One word: muted, no channel, or the least advanced delivery's status."""
        if self.alert.muted:
            return "muted"
        if not self.deliveries:
            return "no channel"
        states = {d.status for d in self.deliveries}
        for state in (DeliveryStatus.FAILED, DeliveryStatus.PENDING):
            if state in states:
                return state.value
        return DeliveryStatus.SENT.value


def _alert(row: Any) -> Alert:
    m, a = row._mapping, alerts.c
    evidence = m[a.evidence] or {}
    return Alert(
        key=SignalKey(m[a.scenario], m[a.number], m[a.carrier], m[a.check_name], m[a.variant]),
        kind=AlertKind(m[a.kind]),
        reason=m[a.reason],
        created_at=m[a.created_at],
        run_id=m[a.run_id],
        attempt_id=m[a.attempt_id],
        handset_id=m[a.handset_id],
        evidence=Evidence(evidence.get("url"), evidence.get("host"), evidence.get("path")),
        muted=bool(m[a.muted]),
        id=m[a.id],
    )


def _delivery(row: Any, alert: Alert) -> AlertDelivery:
    m, d = row._mapping, alert_deliveries.c
    return AlertDelivery(
        id=m[d.id],
        alert=alert,
        channel=AlertChannel(m[d.channel], m[d.channel_kind], m[d.url_env]),
        status=DeliveryStatus(m[d.status]),
        tries=m[d.tries],
        last_error=m[d.last_error],
        next_try_at=m[d.next_try_at],
        sent_at=m[d.sent_at],
    )


def _joined() -> Any:
    return sa.select(alert_deliveries, alerts).join(
        alerts, alerts.c.id == alert_deliveries.c.alert_id
    )


class SqlOutbox:
    """Reads and moves deliveries; records alerts that are not raised by a signal (tests)."""

    def __init__(self, engine: sa.Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def record(self, alert: Alert, channels: Sequence[AlertChannel]) -> Alert:
        now = self._clock.now()
        with write_tx(self._engine) as conn:
            alert_id = insert_alert(conn, alert, channels, now)
        return replace(alert, id=alert_id)

    def claim_due(
        self, holder: str, *, claim_s: float, limit: int = 20, ids: Sequence[int] = ()
    ) -> list[AlertDelivery]:
        """Claim up to `limit` pending deliveries that are due and not claimed by a live try."""
        now = self._clock.now()
        d = alert_deliveries.c
        free = sa.or_(d.claimed_until.is_(None), d.claimed_until < now)
        due = (d.status == _PENDING) & (d.next_try_at <= now) & free
        if ids:
            due = due & d.id.in_(list(ids))
        with write_tx(self._engine) as conn:
            candidates = (
                conn.execute(sa.select(d.id).where(due).order_by(d.next_try_at, d.id).limit(limit))
                .scalars()
                .all()
            )
            claimed = []
            until = now + timedelta(seconds=claim_s)
            for delivery_id in candidates:
                result = conn.execute(
                    sa.update(alert_deliveries)
                    .where((d.id == delivery_id) & due)
                    .values(claimed_by=holder, claimed_until=until)
                )
                if result.rowcount == 1:
                    claimed.append(delivery_id)
            if not claimed:
                return []
            rows = conn.execute(_joined().where(d.id.in_(claimed)).order_by(d.id)).all()
        return [_delivery(r, _alert(r)) for r in rows]

    def mark_sent(self, delivery_id: int) -> None:
        now = self._clock.now()
        d = alert_deliveries.c
        with write_tx(self._engine) as conn:
            conn.execute(
                sa.update(alert_deliveries)
                .where((d.id == delivery_id) & (d.status == _PENDING))
                .values(
                    status=DeliveryStatus.SENT.value,
                    tries=d.tries + 1,
                    sent_at=now,
                    last_error=None,
                    claimed_by=None,
                    claimed_until=None,
                )
            )

    def release(self, delivery_ids: Sequence[int], holder: str) -> None:
        """Give up claims without trying: the deliveries are due for the next sender at once."""
        if not delivery_ids:
            return
        d = alert_deliveries.c
        with write_tx(self._engine) as conn:
            conn.execute(
                sa.update(alert_deliveries)
                .where(d.id.in_(list(delivery_ids)) & (d.claimed_by == holder))
                .values(claimed_by=None, claimed_until=None)
            )

    def mark_failed_try(
        self, delivery_id: int, holder: str, error: str, retry_in_s: float | None
    ) -> None:
        """Count a failed try: due again after `retry_in_s`, or given up (`failed`) if None."""
        now = self._clock.now()
        d = alert_deliveries.c
        values: dict[str, Any] = {
            "tries": d.tries + 1,
            "last_error": error[:2000],
            "claimed_by": None,
            "claimed_until": None,
        }
        if retry_in_s is None:
            values["status"] = DeliveryStatus.FAILED.value
        else:
            values["next_try_at"] = now + timedelta(seconds=retry_in_s)
        with write_tx(self._engine) as conn:
            conn.execute(
                sa.update(alert_deliveries)
                .where((d.id == delivery_id) & (d.claimed_by == holder) & (d.status == _PENDING))
                .values(**values)
            )

    def retry(self, ids: Sequence[int] = (), *, failed_only: bool = False) -> list[int]:
        """Make deliveries due now (failed ones pending again, with a fresh count of tries);
        with no ids, every failed and pending one. Returns the ids made due."""
        now = self._clock.now()
        d = alert_deliveries.c
        failed = DeliveryStatus.FAILED.value
        wanted: Any = d.status.in_([failed] if failed_only else [failed, _PENDING])
        if ids:
            wanted = wanted & d.id.in_(list(ids))
        with write_tx(self._engine) as conn:
            chosen = conn.execute(sa.select(d.id).where(wanted)).scalars().all()
            if chosen:
                conn.execute(
                    sa.update(alert_deliveries)
                    .where(d.id.in_(chosen))
                    .values(status=_PENDING, tries=0, next_try_at=now)
                )
        return sorted(chosen)

    def delivery(self, delivery_id: int) -> AlertDelivery | None:
        with read_tx(self._engine) as conn:
            row = conn.execute(_joined().where(alert_deliveries.c.id == delivery_id)).first()
        return None if row is None else _delivery(row, _alert(row))

    def deliveries_of(self, alert_id: int) -> list[AlertDelivery]:
        d = alert_deliveries.c
        with read_tx(self._engine) as conn:
            rows = conn.execute(_joined().where(d.alert_id == alert_id).order_by(d.id)).all()
        return [_delivery(r, _alert(r)) for r in rows]

    def records(
        self,
        *,
        status: str | None = None,
        scenario: str | None = None,
        since: datetime | None = None,
        run_id: int | None = None,
        limit: int = 50,
    ) -> list[AlertRecord]:
        """Newest alerts first, each with its deliveries; `status` filters on deliveries
        (pending, sent, failed) or names `muted` / `no channel`."""
        a, d = alerts.c, alert_deliveries.c
        query = sa.select(alerts).order_by(a.id.desc())
        if scenario is not None:
            query = query.where(a.scenario == scenario)
        if since is not None:
            query = query.where(a.created_at >= since)
        if run_id is not None:
            query = query.where(a.run_id == run_id)
        if status in ("pending", "sent", "failed"):
            query = query.where(a.id.in_(sa.select(d.alert_id).where(d.status == status)))
        elif status == "muted":
            query = query.where(a.muted.is_(True))
        elif status == "no channel":
            query = query.where(~a.id.in_(sa.select(d.alert_id)) & a.muted.is_(False))
        with read_tx(self._engine) as conn:
            rows = conn.execute(query.limit(limit)).all()
            found = [_alert(r) for r in rows]
            by_id = {alert.id: alert for alert in found}
            deliveries: dict[int, list[AlertDelivery]] = {}
            if by_id:
                drows = conn.execute(
                    sa.select(alert_deliveries).where(d.alert_id.in_(list(by_id))).order_by(d.id)
                ).all()
                for r in drows:
                    alert_id = r._mapping[d.alert_id]
                    deliveries.setdefault(alert_id, []).append(_delivery(r, by_id[alert_id]))
        return [AlertRecord(alert, tuple(deliveries.get(alert.id or 0, ()))) for alert in found]

    def counts(self) -> dict[str, int]:
        """Deliveries per status."""
        d = alert_deliveries.c
        with read_tx(self._engine) as conn:
            rows = conn.execute(sa.select(d.status, sa.func.count()).group_by(d.status)).all()
        return {str(status): int(n) for status, n in rows}
