"""A trunk's `max_concurrent_calls` queues calls: more handsets than slots means calls wait
their turn, never a `trunk_error` of our own making (issue 17, item 2)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from robot.clock import SystemClock
from robot.domain.model import Delivery, DialerKind, Handset, Number, Platform, Reading, Trunk
from robot.domain.scenario import CallOptions, Scenario, plan
from robot.engine.environment import Environment
from robot.engine.run import execute_run
from robot.engine.trunk_slots import TrunkSlots
from robot.errors import DialError
from robot.ports import DialRequest
from robot.store.results import open_store
from tests.engine.fakes import FakeCall, FakeHandset, FakeNetwork, FakeReader
from tests.support.peers import wait_until

TRUNK = Trunk(name="carrier-a", host="127.0.0.1", max_concurrent_calls=1)
NUMBERS = [Number(f"+1202555010{i}", "Northwind Bank") for i in range(1, 5)]
# each call stays up a little (the screen "settles"), so the four calls really contend
SLOW = CallOptions(capture_after_s=0.2, ring_timeout_s=1.0, frames=1)


class LimitedNetwork(FakeNetwork):
    """Refuses a call beyond the trunk's limit, as the real dialer's own guard does, and
    remembers the most calls it ever had up at once."""

    def __init__(self) -> None:
        super().__init__()
        self.most_live = 0

    def place(self, request: DialRequest) -> FakeCall:
        assert request.trunk is not None
        with self._lock:
            if len(self.live) >= request.trunk.max_concurrent_calls:
                raise DialError(f"trunk {request.trunk.name} already has calls up")
        call = super().place(request)
        with self._lock:
            self.most_live = max(self.most_live, len(self.live))
        return call


@pytest.fixture
def store(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path / 'results.db'}", artifacts_dir=tmp_path / "art")
    yield store
    store.close()


def test_more_handsets_than_slots_wait_their_turn(store) -> None:
    specs = [
        Handset(f"h{i}", Platform.ANDROID, DialerKind.GOOGLE, "carrier-a", f"+1202555018{i}",
                "http://127.0.0.1:1")
        for i in range(4)
    ]  # fmt: skip
    handsets = {h.msisdn: FakeHandset(h.msisdn) for h in specs}
    network = LimitedNetwork()
    network.handsets = handsets
    assert store.artifacts is not None
    env = Environment(
        dialer=network,
        handset_for=lambda spec: handsets[spec.msisdn],
        reader=FakeReader({b"screen": Reading(name="NORTHWIND BANK", engine="fake")}),
        store=store,
        evidence=store.artifacts,
        clock=SystemClock(),
        trunk_for=lambda number, handset: TRUNK,
    )
    scenario = Scenario(name="one-slot", call=SLOW)
    # one number per handset: nothing but the trunk keeps the four calls apart
    calls = [c for c in plan(scenario, NUMBERS, specs)
             if NUMBERS.index(c.number) == specs.index(c.handset)]  # fmt: skip
    summary = execute_run(env, scenario, calls)

    deliveries = [a.delivery for a in summary.attempts]
    assert deliveries == [Delivery.DELIVERED] * 4, [a.error for a in summary.attempts]
    assert network.most_live == 1
    assert not network.live
    assert env.trunk_slots.in_use(TRUNK.name) == 0
    stored = store.attempts(run_id=summary.run.id)
    waits = sorted(a.slot_wait_ms for a in stored)
    # handsets reach the trunk a few ms apart (each on its own thread), so only this holds
    # whatever the machine's load: calls queued, and one of them sat out a whole call
    assert sum(1 for w in waits if w > 0) >= 2, f"the calls did not wait their turn: {waits}"
    assert waits[-1] >= 200 * 0.9, f"the calls did not wait their turn: {waits}"
    # the wait is not the call's: each call's own time starts when it is dialled
    for attempt in stored:
        assert attempt.times.ended_at is not None
        assert (attempt.times.ended_at - attempt.times.dialed_at).total_seconds() < 5


def test_a_waiting_call_gives_up_when_the_run_stops() -> None:
    slots, stop = TrunkSlots(), threading.Event()
    assert slots.acquire(TRUNK, stop) is not None
    result: list[float | None] = []
    waiter = threading.Thread(target=lambda: result.append(slots.acquire(TRUNK, stop)))
    waiter.start()
    stop.set()
    waiter.join(timeout=10)
    assert result == [None]
    assert slots.in_use(TRUNK.name) == 1
    slots.release(TRUNK)
    assert slots.in_use(TRUNK.name) == 0


def test_a_freed_slot_goes_to_the_next_call_at_once() -> None:
    slots, stop = TrunkSlots(), threading.Event()
    assert slots.acquire(TRUNK, stop) == pytest.approx(0, abs=0.1)
    got = threading.Event()
    waiter = threading.Thread(target=lambda: slots.acquire(TRUNK, stop) and got.set())
    waiter.start()
    wait_until(lambda: waiter.is_alive() and not got.is_set(), 5, "the second call to wait")
    slots.release(TRUNK)
    waiter.join(timeout=10)
    assert got.is_set() and slots.in_use(TRUNK.name) == 1
