"""Several ringcheck processes on one store: no lost writes, one lease holder, no lost trace."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from robot.domain.model import AttemptStatus, RunStatus
from robot.store import Interrupted, open_store
from robot.store.schema import runs
from tests.store import factory
from tests.store.conftest import SteppingClock

WORKER = Path(__file__).with_name("worker.py")


def _spawn(*args: object, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *map(str, args)],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(procs: list[subprocess.Popen[str]]) -> list[str]:
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        outputs.append(out)
    return outputs


def test_two_processes_writing_sqlite_lose_nothing(sqlite_url: str, tmp_path: Path) -> None:
    store = open_store(sqlite_url)
    run = store.start_run(factory.run())
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    procs = [_spawn("insert", sqlite_url, run.id, 200, barrier, me, 2) for me in ("att", "tmo")]
    outputs = _finish(procs)
    assert outputs == ["att inserted 200\n", "tmo inserted 200\n"]
    assert len(store.attempts(run_id=run.id)) == 400
    assert len(store.attempts(carrier="tmo")) == 200
    store.close()


def test_two_processes_never_hold_the_same_handset(store_url: str, tmp_path: Path) -> None:
    open_store(store_url).close()
    procs = [_spawn("lease", store_url, "pixel-1", 100, tmp_path, me, 2) for me in ("a", "b")]
    outputs = _finish(procs)
    assert not list(tmp_path.glob("overlap-*")), "two processes held the lease at once"
    assert not list(tmp_path.glob("lost-*"))
    acquired = [int(out.split()[-1]) for out in outputs]
    assert all(0 <= n <= 100 for n in acquired) and sum(acquired) > 0


@pytest.mark.parametrize("attempts", [3])
def test_killed_writer_leaves_interrupted_attempts(store_url: str, attempts: int) -> None:
    open_store(store_url).close()
    doomed = _spawn("hang", store_url, attempts, stdin=subprocess.PIPE)
    alive = _spawn("hang", store_url, 1, stdin=subprocess.PIPE)
    try:
        assert doomed.stdout is not None and alive.stdout is not None
        doomed_run = int(doomed.stdout.readline().split()[1])
        alive_run = int(alive.stdout.readline().split()[1])
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)

        store = open_store(store_url)  # a new start marks what the dead process left
        left = store.attempts(run_id=doomed_run)
        assert [a.status for a in left] == [AttemptStatus.INTERRUPTED] * attempts
        run = store.run(doomed_run)
        assert run is not None and run.status is RunStatus.INTERRUPTED
        # The other writer is still alive: its run and attempt are left alone.
        assert [a.status for a in store.attempts(run_id=alive_run)] == [AttemptStatus.IN_PROGRESS]
        still = store.run(alive_run)
        assert still is not None and still.status is RunStatus.RUNNING
        assert store.mark_interrupted().attempts == 0
        store.close()
    finally:
        for proc in (doomed, alive):
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=30)


def test_stale_runs_of_other_hosts_can_be_closed(sqlite_url: str, clock: SteppingClock) -> None:
    store = open_store(sqlite_url, clock=clock)
    run = store.start_run(factory.run(at=clock.now()))
    assert run.id is not None
    store.record_attempt(
        dataclasses.replace(
            factory.simple(run.id, "+12025550100", "att", clock.now()),
            status=AttemptStatus.IN_PROGRESS,
            delivery=None,
        )
    )
    with store.engine.begin() as conn:  # as if written by a process on another machine
        conn.execute(sa.update(runs).values(owner="other-host:4242:99"))
    clock.advance(3600)
    assert store.mark_interrupted() == Interrupted()
    assert store.mark_interrupted(stale_after=timedelta(hours=2)) == Interrupted()
    result = store.mark_interrupted(stale_after=timedelta(minutes=30))
    assert result == Interrupted(runs=(run.id,), attempts=1)
    store.close()


def test_an_open_attempt_of_an_ended_run_is_closed_and_a_live_one_kept(store_url: str) -> None:
    store = open_store(store_url)
    ended, live = store.start_run(factory.run()), store.start_run(factory.run())
    assert ended.id is not None and live.id is not None
    for run_id, number in ((ended.id, "+12025550100"), (live.id, "+12025550101")):
        store.record_attempt(
            dataclasses.replace(
                factory.simple(run_id, number, "att", factory.run().started_at),
                status=AttemptStatus.IN_PROGRESS,
                delivery=None,
            )
        )
    with store.engine.begin() as conn:  # ended by a writer that left its last call open
        conn.execute(sa.update(runs).where(runs.c.id == ended.id).values(status="completed"))
    assert store.mark_interrupted() == Interrupted(attempts=1)
    statuses = {a.run_id: a.status for a in store.attempts()}
    assert statuses == {ended.id: AttemptStatus.INTERRUPTED, live.id: AttemptStatus.IN_PROGRESS}
    assert store.mark_interrupted() == Interrupted()
    store.close()
