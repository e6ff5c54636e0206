"""The farm: selection, leases across processes, expiry, quarantine and recovery, and a
parallel health check of many unreachable handsets."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from devices.farm import Farm, appium_probe
from robot.domain.model import DialerKind, Platform
from robot.domain.model import Handset as HandsetSpec
from robot.ports import HandsetHealth, HandsetProbe
from robot.store import SqlResultStore, open_store
from tests.support.peers import free_port

REPO = Path(__file__).resolve().parents[2]


class SteppingClock:
    """A clock the test moves by hand (leases expire without waiting)."""

    def __init__(self) -> None:
        self.at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.at.timestamp()


class FakeProbe:
    """A HandsetProbe whose health the test sets."""

    def __init__(self, spec: HandsetSpec, healthy: dict[str, bool]) -> None:
        self.spec = spec
        self.healthy = healthy

    def health(self) -> HandsetHealth:
        ok = self.healthy.get(self.spec.id, True)
        return HandsetHealth(self.spec.id, reachable=ok, error=None if ok else "down")


def _spec(handset_id: str, carrier: str = "T-Mobile", *, platform: Platform = Platform.ANDROID,
          dialer: DialerKind = DialerKind.GOOGLE, tags: tuple[str, ...] = (),
          url: str = "http://127.0.0.1:4723") -> HandsetSpec:  # fmt: skip
    return HandsetSpec(
        id=handset_id, platform=platform, dialer=dialer, carrier=carrier,
        msisdn="+15550000001", appium_url=url, tags=tags,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlResultStore]:
    opened = open_store(f"sqlite:///{tmp_path / 'results.db'}")
    yield opened
    opened.close()


HANDSETS = (
    _spec("p8-tmo", "T-Mobile", tags=("lab-a",)),
    _spec("s23-att", "AT&T", dialer=DialerKind.SAMSUNG, tags=("lab-a", "5g")),
    _spec("ip15-vzw", "Verizon", platform=Platform.IOS, dialer=DialerKind.IOS, tags=("lab-b",)),
)


def test_one_handset_one_call_and_expired_leases_are_reclaimed(tmp_path: Path) -> None:
    clock = SteppingClock()
    store = open_store(f"sqlite:///{tmp_path / 'results.db'}", clock=clock)
    try:
        run_a = Farm(HANDSETS, leases=store.leases, state=store.handset_state, holder="run-a",
                     lease_ttl_s=60)  # fmt: skip
        run_b = Farm(HANDSETS, leases=store.leases, state=store.handset_state, holder="run-b",
                     lease_ttl_s=60)  # fmt: skip
        assert run_a.lease("p8-tmo") is True
        assert run_b.lease("p8-tmo") is False
        assert run_b.lease("s23-att") is True
        clock.at += timedelta(seconds=61)  # run-a crashed: its lease runs out
        assert run_b.lease("p8-tmo") is True
        assert run_a.lease("p8-tmo") is False
        assert run_b.release("p8-tmo") and run_a.lease("p8-tmo")
    finally:
        store.close()


def test_two_processes_never_hold_the_same_handset(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'results.db'}"
    open_store(url).close()  # migrate once before the race
    start = tmp_path / "go"
    rounds = 40
    worker = [sys.executable, "-m", "tests.devices.lease_worker", url]
    racers = [
        subprocess.Popen(
            [*worker, f"racer-{n}", str(start), str(rounds)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    start.touch()
    won = [set(json.loads(r.communicate(timeout=120)[0])) for r in racers]
    assert all(r.returncode == 0 for r in racers)
    assert won[0].isdisjoint(won[1])
    assert won[0] | won[1] == {f"h{i}" for i in range(rounds)}


def test_quarantine_after_consecutive_errors_and_recovery(store: SqlResultStore) -> None:
    healthy = {"p8-tmo": False}

    def probe(spec: HandsetSpec) -> HandsetProbe:
        return FakeProbe(spec, healthy)

    farm = Farm(HANDSETS, leases=store.leases, state=store.handset_state, holder="run",
                quarantine_after=3, probe=probe)  # fmt: skip
    assert farm.record("p8-tmo", "handset p8-tmo: session lost") is False
    assert farm.record("p8-tmo", None) is False  # a success resets the count
    for _ in range(2):
        assert farm.record("p8-tmo", "handset p8-tmo: session lost") is False
    assert farm.record("p8-tmo", "handset p8-tmo: session lost") is True
    assert [s.id for s in HANDSETS if farm.quarantined(s.id)] == ["p8-tmo"]

    assert farm.recover("p8-tmo").healthy is False  # still broken: stays out
    assert store.handset_state.quarantined("p8-tmo")
    healthy["p8-tmo"] = True
    assert [h.handset_id for h in farm.recover_quarantined(HANDSETS)] == ["p8-tmo"]
    assert not farm.quarantined("p8-tmo")


def test_disabled_handsets_are_not_used(store: SqlResultStore) -> None:
    farm = Farm(HANDSETS, leases=store.leases, state=store.handset_state, holder="run")
    store.handset_state.set_enabled("s23-att", False)
    assert [s.id for s in HANDSETS if farm.enabled(s)] == ["p8-tmo", "ip15-vzw"]
    store.handset_state.set_enabled("s23-att", None)  # back to what the farm file says
    assert farm.enabled(HANDSETS[1])


@pytest.mark.timeout(60)
def test_check_reports_30_unreachable_handsets(store: SqlResultStore) -> None:
    dead = [_spec(f"dead-{i}", url=f"http://127.0.0.1:{free_port()}") for i in range(30)]
    farm = Farm(dead, leases=store.leases, state=store.handset_state, holder="check",
                probe=appium_probe(connect_timeout_s=1.0, command_timeout_s=5.0))  # fmt: skip
    results = farm.check(workers=30, deadline_s=30)
    assert [h.handset_id for h in results] == [s.id for s in dead]
    assert all(not h.reachable and h.error and "not reachable" in h.error for h in results)
