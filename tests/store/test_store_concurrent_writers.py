"""Many threads of one process writing and reading one store at once, as a run's handset
threads, trunk gate and alert listeners do: every attempt is stored, no writer fails.

On SQLite the busy timeout is set to nothing here. It stands in for a machine so loaded that
a writer outwaits any timeout: this process's writers must queue on each other, not on
SQLite's busy handler, which is no queue (a waiter could be passed over for the whole timeout
and its attempt lost to "database is locked"). On PostgreSQL row locks queue the writers.
"""

from __future__ import annotations

import dataclasses
import threading

import pytest

from robot.domain.model import AttemptStatus
from robot.store import engine as store_engine
from robot.store.limits import SqlTrunkGate
from robot.store.results import SqlResultStore, open_store
from tests.store.factory import full_attempt, run

THREADS = 12
CALLS = 15


def _handset(
    store: SqlResultStore,
    gate: SqlTrunkGate,
    run_id: int,
    n: int,
    start: threading.Barrier,
    stop: threading.Event,
) -> None:
    """One handset's calls: lease, trunk gate, attempt written open then closed, reads."""
    handset = f"handset-{n}"
    start.wait()
    for _ in range(CALLS):
        assert store.leases.acquire(handset, "bench", 60.0)
        with gate.start(
            "trunk", cps=10_000, max_calls=10_000, holder="bench", ttl_s=60.0, stop=stop
        ) as slot:
            pass  # the INVITE leaves here, under the trunk's lock
        opened = store.record_attempt(
            dataclasses.replace(
                full_attempt(run_id), id=None, handset_id=handset, status=AttemptStatus.IN_PROGRESS
            )
        )
        store.attempts(run_id=run_id, handset_id=handset, limit=3)
        store.counts()
        for slot_id in slot:
            gate.release(slot_id)
        store.record_attempt(dataclasses.replace(opened, status=AttemptStatus.COMPLETED))
        store.handset_state.record_result(handset, None, quarantine_after=3)
        assert store.leases.release(handset, "bench")


def test_concurrent_writers_lose_no_attempt(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_S", 0.0)
    store = open_store(store_url)
    try:
        run_id = store.start_run(run()).id
        assert run_id is not None
        gate = SqlTrunkGate(store.engine)
        start, stop = threading.Barrier(THREADS), threading.Event()
        failures: list[BaseException] = []

        def handset(n: int) -> None:
            try:
                _handset(store, gate, run_id, n, start, stop)
            except BaseException as exc:  # reported below, with every other thread's
                failures.append(exc)
                start.abort()

        threads = [threading.Thread(target=handset, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert failures == []
        stored = store.attempts(run_id=run_id)
        assert len(stored) == THREADS * CALLS
        assert {a.status for a in stored} == {AttemptStatus.COMPLETED}
        assert gate.calls_up("trunk") == 0
    finally:
        store.close()
