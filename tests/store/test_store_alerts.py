"""Signal memory and the alert outbox on SQLite and PostgreSQL: one alert per flip even when
writers race, and one sender per delivery try."""

from __future__ import annotations

import threading
from datetime import timedelta

from robot.alerts.alert import Alert
from robot.domain.alerts import AlertChannel, AlertKind, Observation, SignalKey
from robot.store.alert_outbox import SqlOutbox
from robot.store.alert_state import SqlSignals
from robot.store.results import open_store
from tests.store.conftest import SteppingClock

KEY = SignalKey("nightly", "+12025550101", "sim-tmobile", "no_label", "attest=A")
OPS = AlertChannel("ops", "slack", "OPS_WEBHOOK")


def _alert_for(clock: SteppingClock, key: SignalKey = KEY):
    def build(kind: AlertKind) -> Alert:
        return Alert(key=key, kind=kind, reason="labelled 'Scam Likely'", created_at=clock.now())

    return build


def test_racing_writers_raise_one_alert_per_flip(store_url: str) -> None:
    clock = SteppingClock()
    stores = [open_store(store_url, clock=clock) for _ in range(4)]
    raised: list[Alert] = []
    lock = threading.Lock()
    start = threading.Barrier(len(stores))

    def observe(store) -> None:
        signals = SqlSignals(store.engine, clock)
        start.wait()
        for _ in range(5):
            alert = signals.observe(
                KEY, Observation.FAIL, confirm=2, reason="labelled", attempt_id=None,
                alert_for=_alert_for(clock), channels=(OPS,),
            )  # fmt: skip
            if alert is not None:
                with lock:
                    raised.append(alert)

    threads = [threading.Thread(target=observe, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert [a.kind for a in raised] == [AlertKind.FIRST_FAILURE]
        [row] = SqlSignals(stores[0].engine, clock).signals()
        assert row.confirmed is Observation.FAIL and row.recent == (Observation.FAIL,) * 2
        records = SqlOutbox(stores[0].engine, clock).records()
        assert [(r.alert.kind, r.status) for r in records] == [(AlertKind.FIRST_FAILURE, "pending")]
    finally:
        for store in stores:
            store.close()


def test_a_delivery_is_claimed_by_one_sender_until_its_claim_expires(store_url: str) -> None:
    clock = SteppingClock()
    store = open_store(store_url, clock=clock)
    try:
        outbox = SqlOutbox(store.engine, clock)
        alert = outbox.record(_alert_for(clock)(AlertKind.REGRESSION), [OPS])
        [first] = outbox.claim_due("run-a", claim_s=60)
        assert first.alert.id == alert.id and first.channel == OPS
        assert outbox.claim_due("serve-b", claim_s=60) == []
        outbox.mark_failed_try(first.id, "serve-b", "not mine", 30)  # ignored: not the holder
        assert outbox.records()[0].deliveries[0].tries == 0
        clock.at += timedelta(seconds=61)  # run-a died mid-try: its claim expired
        [again] = outbox.claim_due("serve-b", claim_s=60)
        outbox.mark_sent(again.id)
        [record] = outbox.records()
        assert record.status == "sent" and record.deliveries[0].tries == 1
        assert outbox.counts() == {"sent": 1}
    finally:
        store.close()


def test_records_filter_by_status_and_scenario(store_url: str) -> None:
    clock = SteppingClock()
    store = open_store(store_url, clock=clock)
    try:
        outbox = SqlOutbox(store.engine, clock)
        other = SignalKey("smoke", "+12025550102", "sim-att", "name", "attest=none")
        outbox.record(_alert_for(clock)(AlertKind.FIRST_FAILURE), [OPS])
        outbox.record(_alert_for(clock, other)(AlertKind.RECOVERY), [])
        assert [r.status for r in outbox.records()] == ["no channel", "pending"]
        assert [r.alert.key.scenario for r in outbox.records(scenario="smoke")] == ["smoke"]
        assert [r.alert.key for r in outbox.records(status="pending")] == [KEY]
        assert [r.alert.key for r in outbox.records(status="no channel")] == [other]
        assert outbox.records(status="failed") == []
    finally:
        store.close()
