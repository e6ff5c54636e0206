"""A handset takes its next call while the screens of its last one are read."""

from __future__ import annotations

import dataclasses
import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from robot.clock import SystemClock
from robot.domain.model import (
    Attempt,
    AttemptStatus,
    Delivery,
    DialerKind,
    Handset,
    Number,
    Platform,
    Reading,
)
from robot.domain.scenario import CallOptions, NumberSelector, Scenario, plan
from robot.engine.environment import Environment
from robot.engine.run import execute_run
from robot.errors import StoreError
from robot.ports import Capture, ReadRequest, RingObservation
from robot.store.artifacts import ArtifactKind
from robot.store.results import SqlResultStore, open_store
from tests.engine.fakes import Behaviour, FakeHandset, FakeNetwork
from tests.support.peers import wait_until

PIXEL = Handset(
    "pixel", Platform.ANDROID, DialerKind.GOOGLE, "sim-a", "+12025550181", "http://127.0.0.1:1"
)
NUMBERS = [Number(f"+1202555010{i}", "Northwind Bank") for i in range(1, 4)]
FAST = CallOptions(capture_after_s=0.0, ring_timeout_s=5.0, frames=1)


class HeldReader:
    """Holds the first read until the test releases it; counts the calls placed meanwhile."""

    def __init__(self, network: FakeNetwork, fail_with: Exception | None = None) -> None:
        self.network = network
        self.release = threading.Event()
        self.reading_first = threading.Event()
        self.placed_during_first_read = 0
        self.fail_with = fail_with
        self.reads = 0

    def read(self, request: ReadRequest) -> Reading:
        self.reads += 1
        if self.reads == 1:
            self.reading_first.set()
            assert self.release.wait(10), "the test never released the first read"
            self.placed_during_first_read = len(self.network.placed) - 1
            if self.fail_with is not None:
                raise self.fail_with
        return Reading(name="NORTHWIND BANK", engine="held")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlResultStore]:
    store = open_store(f"sqlite:///{tmp_path / 'results.db'}", artifacts_dir=tmp_path / "art")
    yield store
    store.close()


def _env(store: SqlResultStore, network: FakeNetwork, reader: HeldReader) -> Environment:
    handset = FakeHandset(PIXEL.msisdn)
    network.handsets = {handset.msisdn: handset}
    network.behaviours = {n.e164: Behaviour("ring", f"frame {n.e164}".encode()) for n in NUMBERS}
    assert store.artifacts is not None
    return Environment(
        dialer=network,
        handset_for=lambda spec: handset,
        reader=reader,
        store=store,
        evidence=store.artifacts,
        clock=SystemClock(),
    )


def test_the_next_call_is_placed_while_the_last_screen_is_read(store: SqlResultStore) -> None:
    network = FakeNetwork()
    reader = HeldReader(network)
    env = _env(store, network, reader)
    scenario = Scenario(
        name="overlap", numbers=NumberSelector(numbers=tuple(n.e164 for n in NUMBERS)), call=FAST
    )
    done: list[int] = []

    def run() -> None:
        done.append(len(execute_run(env, scenario, plan(scenario, NUMBERS, [PIXEL])).attempts))

    runner = threading.Thread(target=run)
    runner.start()
    assert reader.reading_first.wait(10)
    # the handset went on to its second call while the first call's screen is being read
    wait_until(lambda: len(network.placed) >= 2, 10, "the second call")
    assert len(network.placed) == 2  # and no further: one attempt at a time waits to finish
    reader.release.set()
    runner.join(10)
    assert done == [3]
    assert reader.placed_during_first_read == 1
    stored = store.attempts()
    assert [a.status for a in stored] == [AttemptStatus.COMPLETED] * 3
    assert all(a.delivery is Delivery.DELIVERED and a.reading is not None for a in stored)
    first = min(stored, key=lambda a: a.times.dialed_at)
    assert first.times.ended_at is not None and first.times.ended_at < max(
        a.times.dialed_at for a in stored
    ), "ended_at is when the call ended, not when its screen was read"
    assert not network.live, "a call was left up"


class FailingOnce:
    """Evidence storage whose first write fails, as a full disk would."""

    def __init__(self, store: SqlResultStore) -> None:
        assert store.artifacts is not None
        self.inner = store.artifacts
        self.failed = False

    def write(
        self, attempt: Attempt, kind: ArtifactKind, data: bytes | str, *, frame: int = 0
    ) -> str:
        if not self.failed:
            self.failed = True
            raise StoreError("disk full")
        return self.inner.write(attempt, kind, data, frame=frame)


def test_a_failure_finishing_an_attempt_stops_the_run_and_keeps_the_rest(
    store: SqlResultStore,
) -> None:
    network = FakeNetwork()
    reader = HeldReader(network)
    reader.release.set()
    env = dataclasses.replace(_env(store, network, reader), evidence=FailingOnce(store))
    scenario = Scenario(
        name="broken", numbers=NumberSelector(numbers=tuple(n.e164 for n in NUMBERS)), call=FAST
    )
    summary = execute_run(env, scenario, plan(scenario, NUMBERS, [PIXEL]))
    assert summary.errors and "disk full" in summary.errors[0]
    assert len(network.placed) == 2  # the failure stopped the run at its next call
    assert not network.live, "a call was left up"
    # the call that had ended when the failure came to light is still recorded in full
    second = max(store.attempts(), key=lambda a: a.times.dialed_at)
    assert second.status is AttemptStatus.COMPLETED and second.reading is not None
    assert second.id in {a.id for a in summary.attempts}


class ParkedHandset(FakeHandset):
    """Waits, before its second ring, until the test lets it go on."""

    def __init__(self, msisdn: str) -> None:
        super().__init__(msisdn)
        self.second_ring = threading.Event()
        self.go_on = threading.Event()
        self.looks = 0

    def wait_for_incoming(self, deadline: float) -> RingObservation | None:
        ring = super().wait_for_incoming(deadline)
        if ring is not None:
            self.looks += 1
            if self.looks == 2:
                self.second_ring.set()
                assert self.go_on.wait(10), "the test never let the second call go on"
        return ring


def test_a_handset_keeps_no_screenshot_of_a_call_whose_attempt_is_stored(
    store: SqlResultStore,
) -> None:
    """A real phone's screenshot is megabytes: held by each handset's thread through its
    next call, a run's memory grew with its handset count."""
    network = FakeNetwork()
    reader = HeldReader(network)
    reader.release.set()
    env = _env(store, network, reader)
    handset = ParkedHandset(PIXEL.msisdn)
    network.handsets = {handset.msisdn: handset}
    env = dataclasses.replace(env, handset_for=lambda spec: handset)
    options = dataclasses.replace(FAST, ring_timeout_s=30.0)
    scenario = Scenario(
        name="parked", numbers=NumberSelector(numbers=tuple(n.e164 for n in NUMBERS)), call=options
    )
    runner = threading.Thread(
        target=execute_run, args=(env, scenario, plan(scenario, NUMBERS, [PIXEL]))
    )
    runner.start()
    try:
        assert handset.second_ring.wait(10), "the second call never rang"
        first = network.behaviours[network.placed[0].from_number].screen

        def first_screens() -> list[Capture]:
            gc.collect()
            return [o for o in gc.get_objects() if isinstance(o, Capture) and o.png == first]

        wait_until(
            lambda: any(a.status is AttemptStatus.COMPLETED for a in store.attempts()),
            10,
            "the first attempt stored",
        )
        wait_until(lambda: not first_screens(), 5, "the first call's screenshot to be let go")
    finally:
        handset.go_on.set()
        runner.join(10)
    assert len(store.attempts()) == 3
    assert not network.live, "a call was left up"
