"""Leases expire so a crashed run frees its handsets; quarantine follows repeated errors."""

from __future__ import annotations

from robot.store import SqlHandsetState, SqlLeases, open_store
from tests.store.conftest import SteppingClock


def test_lease_is_exclusive_until_it_expires(store_url: str, clock: SteppingClock) -> None:
    store = open_store(store_url, clock=clock)
    leases = SqlLeases(store.engine, clock=clock)
    assert leases.acquire("pixel-1", "run-1", ttl_s=30)
    assert not leases.acquire("pixel-1", "run-2", ttl_s=30)
    assert leases.holder("pixel-1") == "run-1"
    assert leases.acquire("pixel-1", "run-1", ttl_s=30)  # re-taking our own lease extends it

    clock.advance(31)  # run-1 crashed and never renewed
    assert leases.holder("pixel-1") is None
    assert leases.acquire("pixel-1", "run-2", ttl_s=30)
    assert leases.holder("pixel-1") == "run-2"
    assert not leases.renew("pixel-1", "run-1", ttl_s=30)
    assert not leases.release("pixel-1", "run-1")
    assert leases.holder("pixel-1") == "run-2"
    store.close()


def test_renew_release_and_force_release(store_url: str, clock: SteppingClock) -> None:
    store = open_store(store_url, clock=clock)
    leases = store.leases
    assert leases.acquire("pixel-1", "run-1", ttl_s=10)
    clock.advance(8)
    assert leases.renew("pixel-1", "run-1", ttl_s=10)
    clock.advance(8)
    assert leases.holder("pixel-1") == "run-1"  # renewed: still ours after 16 s
    assert [lease.handset_id for lease in leases.all()] == ["pixel-1"]
    assert leases.release("pixel-1")  # forced, as `ringcheck devices release` does
    assert leases.holder("pixel-1") is None
    assert not leases.release("pixel-1")
    store.close()


def test_reclaim_expired_frees_only_expired(store_url: str, clock: SteppingClock) -> None:
    store = open_store(store_url, clock=clock)
    leases = store.leases
    assert leases.acquire("old-1", "crashed", ttl_s=5)
    assert leases.acquire("old-2", "crashed", ttl_s=5)
    assert leases.acquire("fresh", "running", ttl_s=60)
    clock.advance(6)
    assert leases.reclaim_expired() == ["old-1", "old-2"]
    assert leases.reclaim_expired() == []
    assert leases.holder("fresh") == "running"
    store.close()


def test_quarantine_after_consecutive_errors_and_recovery(
    store_url: str, clock: SteppingClock
) -> None:
    store = open_store(store_url, clock=clock)
    state = SqlHandsetState(store.engine, clock=clock)
    assert not state.record_result("pixel-1", "session lost", quarantine_after=3)
    assert not state.record_result("pixel-1", None, quarantine_after=3)  # success resets
    assert not state.record_result("pixel-1", "session lost", quarantine_after=3)
    assert not state.record_result("pixel-1", "no service", quarantine_after=3)
    assert state.record_result("pixel-1", "appium down", quarantine_after=3)
    assert state.quarantined("pixel-1")
    status = state.get("pixel-1")
    assert status.consecutive_errors == 3
    assert status.last_error == "appium down"
    assert status.quarantined_at == clock.now()
    assert state.record_result("pixel-1", "still down", quarantine_after=3)  # stays

    state.clear_quarantine("pixel-1")  # the recovery check passed
    assert not state.quarantined("pixel-1")
    assert state.get("pixel-1").consecutive_errors == 0
    assert not state.quarantined("never-seen")
    store.close()


def test_enable_override(store_url: str) -> None:
    store = open_store(store_url)
    state = store.handset_state
    assert state.enabled_override("pixel-1") is None
    state.set_enabled("pixel-1", False)
    assert state.enabled_override("pixel-1") is False
    state.record_result("pixel-1", "boom", quarantine_after=5)
    state.set_enabled("pixel-1", True)
    assert state.enabled_override("pixel-1") is True
    assert state.get("pixel-1").consecutive_errors == 1  # the override leaves the count alone
    state.set_enabled("pixel-1", None)
    assert state.enabled_override("pixel-1") is None
    assert [s.handset_id for s in state.all()] == ["pixel-1"]
    store.close()


def test_leases_of_a_killed_run_are_freed_when_the_store_is_next_opened(store_url: str) -> None:
    import subprocess
    import sys

    from robot.store.owner import this_process

    dead = subprocess.run(
        [sys.executable, "-c", "from robot.store.owner import this_process; print(this_process())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    store = open_store(store_url)
    assert store.leases.acquire("pixel-1", dead, ttl_s=300)
    assert store.leases.acquire("pixel-2", this_process(), ttl_s=300)
    assert store.leases.acquire("pixel-3", "run-on-another-host", ttl_s=300)
    store.close()

    reopened = open_store(store_url)  # as the next `ringcheck run` does
    assert reopened.leases.holder("pixel-1") is None
    assert reopened.leases.holder("pixel-2") == this_process()
    assert reopened.leases.holder("pixel-3") == "run-on-another-host"
    reopened.close()
