"""The report's questions answered by SQL: latest state, dominant state, changes, counts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from robot.domain.model import AttemptStatus, Delivery, Tristate
from robot.store import SqlResultStore, Window, open_store
from tests.store import factory

PREV = Window(datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC))
CUR = Window(datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))
A, B, C, D, E, F = (
    ("+12025550100", "att"),
    ("+12025550101", "att"),
    ("+12025550100", "tmobile"),
    ("+12025550102", "verizon"),
    ("+12025550103", "att"),
    ("+12025550104", "att"),
)


@pytest.fixture
def filled(store_url: str) -> Iterator[SqlResultStore]:
    store = open_store(store_url)
    run = store.start_run(factory.run())
    assert run.id is not None
    rid = run.id

    def put(pair: tuple[str, str], week: Window, hour: int, **kw: object) -> None:
        at = week.start + timedelta(days=1, hours=hour)
        store.record_attempt(factory.simple(rid, pair[0], pair[1], at, **kw))  # type: ignore[arg-type]

    for h in range(3):
        put(A, PREV, h)
    put(A, CUR, 1, label="Spam Risk")
    put(A, CUR, 2, label="Spam Risk")
    put(A, CUR, 3)
    put(A, CUR, 4, delivery=Delivery.DEVICE_ERROR)  # robot failure: no say in the state
    for week in (PREV, CUR):
        put(B, week, 1, verified=Tristate.YES)
        put(B, week, 2, verified=Tristate.YES)
    put(C, CUR, 5, delivery=Delivery.BLOCKED, code=607)
    put(D, PREV, 1, name="ACME")
    put(D, CUR, 1, name="ACME Corp")
    put(E, PREV, 1, delivery=Delivery.BLOCKED, code=608)
    put(F, CUR, 1)
    put(F, CUR, 2, label="Potential Spam")
    pending = factory.simple(rid, B[0], B[1], CUR.start + timedelta(days=2))
    store.record_attempt(
        dataclasses.replace(pending, status=AttemptStatus.IN_PROGRESS, delivery=None)
    )
    yield store
    store.close()


def test_latest_state_per_number_and_carrier(filled: SqlResultStore) -> None:
    latest = {(s.number, s.carrier): s for s in filled.latest_states()}
    assert set(latest) == {A, B, C, D, E, F}
    assert latest[A].state == "clean"  # the device error at 04:00 is not a state
    assert latest[A].attempt.times.dialed_at == CUR.start + timedelta(days=1, hours=3)
    sip = latest[E].attempt.sip
    assert latest[E].state == "blocked" and sip is not None and sip.final_code == 608
    assert latest[F].state == "labelled"
    in_prev = {(s.number, s.carrier) for s in filled.latest_states(PREV)}
    assert in_prev == {A, B, D, E}
    only_att = filled.latest_states(carrier="att")
    assert {s.carrier for s in only_att} == {"att"}


def test_dominant_state_over_a_period(filled: SqlResultStore) -> None:
    states = {(s.number, s.carrier): s for s in filled.period_states(CUR)}
    assert states[A].state == "labelled"
    assert (states[A].state_attempts, states[A].attempts) == (2, 3)
    assert states[A].rate == pytest.approx(2 / 3)
    assert states[A].spam_label == "Spam Risk"
    assert states[B].state == "verified" and states[B].attempts == 2  # in-progress not counted
    assert states[C].final_code == 607
    assert states[F].state == "labelled"  # a 1–1 tie goes to the worse state


def test_changes_regressions_first(filled: SqlResultStore) -> None:
    changes = filled.changes(PREV, CUR)
    keys = [(c.number, c.carrier) for c in changes]
    assert keys == [C, F, A, D, E]
    by_key = dict(zip(keys, changes, strict=True))
    assert by_key[C].before is None and by_key[C].after is not None
    before_a = by_key[A].before
    assert before_a is not None and before_a.state == "clean"
    assert by_key[A].worsened_by > 0
    before_d, after_d = by_key[D].before, by_key[D].after
    assert before_d is not None and after_d is not None
    assert (before_d.name, after_d.name) == ("ACME", "ACME Corp")
    assert by_key[E].after is None and by_key[E].worsened_by < 0
    everything = filled.changes(PREV, CUR, only_changed=False)
    assert B in [(c.number, c.carrier) for c in everything]


def test_headline_counts(filled: SqlResultStore) -> None:
    counts = filled.counts(CUR)
    assert counts.attempts == 10  # completed only: A 4, B 2, C 1, D 1, F 2
    assert counts.delivered == 8
    assert counts.blocked == 1
    assert counts.labelled == 3
    assert counts.verified == 2
    assert counts.clean == 5
    assert counts.errors == 1
    assert counts.numbers == 4 and counts.carriers == 3
    per_carrier = filled.counts_by_carrier(CUR)
    assert set(per_carrier) == {"att", "tmobile", "verizon"}
    assert per_carrier["tmobile"].blocked == 1
    empty = filled.counts(
        Window(datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 1, 8, tzinfo=UTC))
    )
    assert empty.attempts == 0 and empty.delivered == 0
