"""Limits shared through the store (SQLite and PostgreSQL): two processes' worth of callers on
one trunk keep its calls per second and concurrent calls; pacing and budgets hold across them."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from robot.store import open_store
from robot.store.engine import create_store_engine
from robot.store.limits import (
    LimitWaitStopped,
    SqlDailyCalls,
    SqlNumberPacing,
    SqlTrunkGate,
    cps_window,
)


@pytest.mark.parametrize(
    ("cps", "expected"), [(2, (2, 1.0)), (0.5, (1, 2.0)), (2.5, (2, 1.0)), (1.5, (1, 1.0))]
)
def test_the_window_never_lets_more_than_cps_into_a_second(cps, expected) -> None:
    assert cps_window(cps) == expected


@pytest.fixture
def engines(store_url: str) -> Iterator[Callable[[], sa.Engine]]:
    """Engines of their own, as separate processes would have; disposed afterwards."""
    open_store(store_url).close()  # migrated
    made: list[sa.Engine] = []

    def make() -> sa.Engine:
        made.append(create_store_engine(store_url))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


def test_two_callers_on_one_trunk_keep_two_calls_per_second(
    engines: Callable[[], sa.Engine],
) -> None:
    sent: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()

    def caller(name: str) -> None:
        gate = SqlTrunkGate(engines())  # its own engine: another process's view
        for _ in range(4):
            with (
                gate.start("shared", cps=2, max_calls=8, holder=name, ttl_s=60, stop=stop) as slot,
                lock,
            ):
                sent.append(time.time())
            gate.release(slot[0])

    threads = [threading.Thread(target=caller, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    sent.sort()
    assert len(sent) == 8
    assert min(b - a for a, b in zip(sent, sent[2:], strict=False)) >= 1.0


def test_a_full_trunk_waits_for_a_call_to_end(engines: Callable[[], sa.Engine]) -> None:
    gate = SqlTrunkGate(engines())
    stop = threading.Event()
    with gate.start("one", cps=100, max_calls=1, holder="a", ttl_s=60, stop=stop) as first:
        pass
    assert gate.calls_up("one") == 1
    released_at: list[float] = []

    def release_later() -> None:
        time.sleep(0.5)
        released_at.append(time.monotonic())
        gate.release(first[0])

    threading.Thread(target=release_later).start()
    with gate.start("one", cps=100, max_calls=1, holder="b", ttl_s=60, stop=stop) as second:
        admitted = time.monotonic()
    assert released_at and admitted >= released_at[0]
    gate.release(second[0])
    assert gate.release_holder("a") == 0 and gate.calls_up("one") == 0

    with gate.start("one", cps=100, max_calls=1, holder="dead", ttl_s=60, stop=stop):
        pass
    stop.set()
    with (
        pytest.raises(LimitWaitStopped),
        gate.start("one", cps=100, max_calls=1, holder="c", ttl_s=60, stop=stop),
    ):
        pass
    assert gate.release_holder("dead") == 1


def test_a_trunk_gate_writes_its_trunk_row_once(engines: Callable[[], sa.Engine]) -> None:
    """Every call on a trunk passes its gate: the trunk's row is created by the first, not
    written again by each (a write transaction per call that queued with the store's writers)."""
    engine = engines()
    inserts: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO TRUNK_GATES"):
            inserts.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    gate = SqlTrunkGate(engine)
    stop = threading.Event()
    for holder in ("a", "b", "c"):
        with gate.start("busy", cps=100, max_calls=8, holder=holder, ttl_s=60, stop=stop) as slot:
            pass
        gate.release(slot[0])
    assert len(inserts) == 1
    assert SqlTrunkGate(engine).calls_up("busy") == 0  # another gate finds the row as it is


def test_pacing_per_number_holds_across_processes(engines: Callable[[], sa.Engine]) -> None:
    stop = threading.Event()
    first, second = (SqlNumberPacing(engines()) for _ in range(2))
    started = time.monotonic()
    assert first.wait_turn("+12025550101", 0.6, stop)
    assert second.wait_turn("+12025550101", 0.6, stop)
    assert time.monotonic() - started >= 0.55
    assert second.wait_turn("+12025550199", 0.6, stop)  # another number: no wait


def test_daily_budgets_are_counted_once_for_everyone(engines: Callable[[], sa.Engine]) -> None:
    counters = [SqlDailyCalls(engines()) for _ in range(2)]
    limits = [("number", "+12025550101", 3), ("handset", "h1", 10)]
    answers = [
        counter.claim("2026-12-03", limits, {"number:+12025550101": 1})
        for counter in itertools.islice(itertools.cycle(counters), 4)
    ]
    assert answers[:2] == [None, None]
    assert answers[2:] == ["daily budget of 3 calls for number +12025550101 reached"] * 2
    # the spent claim counted nothing against the handset
    assert counters[0].claim("2026-12-03", [("handset", "h1", 3)], {}) is None
    assert counters[0].claim("2026-12-04", limits, {}) is None  # a new day
