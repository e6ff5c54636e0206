"""A queued call is made once, whatever happens to the workers that hold it.

The cases a farm-site worker meets when a worker dies (or is taken for dead) at each point of a
call: before it began, mid-call, after its attempt was recorded but before it said so, after it
said so but before the queue heard; and a job the queue hands out twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from robot.domain.model import AttemptStatus, Delivery
from robot.errors import AttemptClosedError
from robot.store import open_store
from robot.store.results import SqlResultStore
from robot.store.work import DONE, QUEUED, RUNNING, SqlWork
from tests.store import factory
from tests.store.conftest import SteppingClock

JOB = 41


def _queued_call(store: SqlResultStore, work: SqlWork) -> int:
    run_id = store.start_run(factory.run()).id
    assert run_id is not None
    work.plan(run_id, [(0, "pixel-1", "east")])
    work.set_job(run_id, 0, JOB)
    return run_id


def _running_call(store: SqlResultStore, work: SqlWork, worker: str) -> int:
    run_id = _queued_call(store, work)
    assert work.started(run_id, 0, JOB, worker)
    return run_id


def _attempt_by(store: SqlResultStore, run_id: int, worker: str, *, done: bool) -> int:
    attempt = dataclasses.replace(
        factory.full_attempt(run_id),
        id=None,
        handset_id="pixel-1",
        planned_call=0,
        worker=worker,
        status=AttemptStatus.COMPLETED if done else AttemptStatus.IN_PROGRESS,
    )
    recorded = store.record_attempt(attempt)
    assert recorded.id is not None
    return recorded.id


def _status(store: SqlResultStore, attempt_id: int) -> AttemptStatus:
    found = store.attempt(attempt_id)
    assert found is not None
    return found.status


def _state(work: SqlWork, run_id: int) -> str:
    return next(r.state for r in work.planned(run_id) if r.planned_call == 0)


@pytest.fixture
def stores(store_url: str, clock: SteppingClock) -> Iterator[tuple[SqlResultStore, SqlWork]]:
    store = open_store(store_url, clock=clock)
    yield store, SqlWork(store.engine, clock)
    store.close()


def test_a_worker_lost_mid_call_hands_the_call_on_and_cannot_complete_it_later(
    stores: tuple[SqlResultStore, SqlWork],
) -> None:
    store, work = stores
    run_id = _running_call(store, work, "w-slow")
    attempt_id = _attempt_by(store, run_id, "w-slow", done=False)

    taken = work.take_over(JOB)
    assert taken is not None and not taken.made and taken.call.worker == "w-slow"
    assert work.take_over(JOB) is None  # only one taker
    assert _state(work, run_id) == QUEUED
    assert _status(store, attempt_id) is AttemptStatus.INTERRUPTED

    # the worker was only slow: its late result neither revives the attempt nor ends the call
    found = store.attempt(attempt_id)
    assert found is not None
    late = dataclasses.replace(found, status=AttemptStatus.COMPLETED)
    with pytest.raises(AttemptClosedError, match="already marked interrupted"):
        store.record_attempt(late)
    assert not work.ended(run_id, 0, by="w-slow")
    assert not work.requeue(run_id, 0, "pixel-1", "east", by="w-slow")
    assert _state(work, run_id) == QUEUED

    assert work.started(run_id, 0, JOB, "w-next")  # the retried job
    _attempt_by(store, run_id, "w-next", done=True)
    assert work.ended(run_id, 0, by="w-next")  # the last call: the run closes
    assert _state(work, run_id) == DONE
    statuses = sorted(a.status.value for a in store.attempts(run_id=run_id))
    assert statuses == ["completed", "interrupted"]


def test_a_worker_lost_after_recording_its_attempt_has_made_the_call(
    stores: tuple[SqlResultStore, SqlWork],
) -> None:
    store, work = stores
    run_id = _running_call(store, work, "w-dead")
    _attempt_by(store, run_id, "w-dead", done=True)

    taken = work.take_over(JOB)
    assert taken is not None and taken.made
    assert _state(work, run_id) == DONE
    assert not work.started(run_id, 0, JOB, "w-other")  # a redelivered job makes nothing
    assert [a.status for a in store.attempts(run_id=run_id)] == [AttemptStatus.COMPLETED]


def test_foreign_calls_and_other_handsets_do_not_count_as_the_call_made(
    stores: tuple[SqlResultStore, SqlWork],
) -> None:
    store, work = stores
    run_id = _running_call(store, work, "w-dead")
    foreign = dataclasses.replace(
        factory.full_attempt(run_id),
        id=None, handset_id="pixel-1", planned_call=0, worker="w-dead",
        delivery=Delivery.FOREIGN_CALL,
    )  # fmt: skip
    store.record_attempt(foreign)
    other = dataclasses.replace(
        factory.full_attempt(run_id), id=None, handset_id="pixel-2", planned_call=0,
        worker="w-dead",
    )  # fmt: skip
    store.record_attempt(other)

    taken = work.take_over(JOB)
    assert taken is not None and not taken.made
    assert _state(work, run_id) == QUEUED


def test_a_call_ended_or_never_started_is_not_taken_over(
    stores: tuple[SqlResultStore, SqlWork],
) -> None:
    store, work = stores
    run_id = _queued_call(store, work)
    assert work.take_over(JOB) is None  # its worker died before the call began
    assert work.state_of_job(JOB) == QUEUED  # so the job goes back on the queue

    assert work.started(run_id, 0, JOB, "w-1")
    assert work.state_of_job(JOB) == RUNNING
    assert not work.started(run_id, 0, JOB, "w-2")  # the same job handed out twice
    assert work.ended(run_id, 0, by="w-1")
    assert work.take_over(JOB) is None  # died after saying so: the job is only closed
    assert work.state_of_job(JOB) == DONE
    assert work.state_of_job(JOB + 1) is None
