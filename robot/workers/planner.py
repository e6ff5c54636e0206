"""The queued executor: plan a run, put one job per call on its site's queue, follow it.

`run` and `serve` use it when the store is PostgreSQL and the farm file has `sites:`. The run's
follower (this process) sees each attempt as a worker records it, feeds it to the same
listeners an in-process run has (progress, quarantine, alerts), and ends with the same summary
and exit codes. Ctrl-C cancels the calls still queued; calls already on a handset finish.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from robot.config.project import Project
from robot.domain.model import Attempt, AttemptStatus, Run, RunStatus
from robot.engine.call import CallRules
from robot.engine.environment import AttemptListener
from robot.engine.summary import RunSummary
from robot.errors import ConfigError
from robot.prepare import PreparedRun
from robot.store.results import SqlResultStore
from robot.store.run_control import CancelWatch
from robot.store.schema import runs
from robot.store.work import FINAL, SKIPPED, SqlWork
from robot.workers.payload import CallJob, encode
from robot.workers.queue import defer_call, ensure_schema, make_app

log = logging.getLogger(__name__)

QUEUE_OWNER = "queue"
"""A queued run's owner: not a process, so no other process takes it for a dead writer."""
FOLLOW_POLL_S = 0.5


def run_queued(
    project: Project,
    prepared: PreparedRun,
    store: SqlResultStore,
    store_url: str,
    *,
    trigger: str,
    listeners: Sequence[AttemptListener],
    stop: threading.Event,
    run: Run | None = None,
    watch: Callable[[int], CancelWatch] | None = None,
) -> RunSummary:
    """Enqueue every planned call of `prepared` and follow the run until it is over. `run`
    is one the caller already started (the console); `watch` makes the thread that sets
    `stop` when somebody asks, through the store, for the run to stop."""
    ensure_schema(store.engine)
    work = SqlWork(store.engine, store.clock)
    scenario = prepared.scenario
    sites = {}
    for call in prepared.calls:
        site = project.site_of(call.handset.id)
        if site is None:  # the farm file guarantees one; a project changed under us
            raise ConfigError(f"handset {call.handset.id} is in no site of the farm file")
        sites[call.index] = site.name
    if run is None or run.id is None:
        run = store.start_run(
            Run(
                scenario=scenario.name,
                trigger=trigger,
                started_at=store.clock.now(),
                planned_calls=len(prepared.calls),
            ),
            owner=QUEUE_OWNER,
        )
    else:
        _hand_over(store, run.id)
    assert run.id is not None
    work.plan(run.id, [(c.index, c.handset.id, sites[c.index]) for c in prepared.calls])
    rules = CallRules.of(scenario)
    app = make_app(store_url)
    with app.open():
        for call in prepared.calls:
            job = CallJob(run.id, call, rules, retries_left=rules.device_error_retries)
            job_id = defer_call(app, sites[call.index], call.handset.id, encode(job))
            work.set_job(run.id, call.index, job_id)
        log.info("run %s: %d calls queued", run.id, len(prepared.calls))
        watcher = watch(run.id).start() if watch is not None else None
        try:
            _follow(store, work, run.id, listeners, stop)
        finally:
            cancelled_by = watcher.close() if watcher is not None else None
        if stop.is_set():
            _cancel(app, work, store, run.id, cancelled_by)
    work.close_if_done(run.id)
    return _summary(store, work, run.id)


def _follow(
    store: SqlResultStore,
    work: SqlWork,
    run_id: int,
    listeners: Sequence[AttemptListener],
    stop: threading.Event,
) -> None:
    """Feed each attempt to the listeners once it is recorded as over, until no call is left."""
    seen: set[int] = set()
    while True:
        over = all(row.state in FINAL for row in work.planned(run_id))
        for attempt in store.attempts(run_id=run_id, newest_first=False):
            if attempt.id in seen or attempt.status is AttemptStatus.IN_PROGRESS:
                continue
            seen.add(attempt.id or 0)
            _notify(listeners, attempt)
        if over or stop.wait(FOLLOW_POLL_S):
            return


def _notify(listeners: Sequence[AttemptListener], attempt: Attempt) -> None:
    for listener in listeners:
        try:
            listener(attempt)
        except Exception:  # a failing listener is logged, never stops the run
            log.exception("attempt listener %r failed", listener)


def _hand_over(store: SqlResultStore, run_id: int) -> None:
    """A run started by the caller is written by the queue's workers from now on."""
    with store.engine.begin() as conn:
        conn.execute(sa.update(runs).where(runs.c.id == run_id).values(owner=QUEUE_OWNER))


def _cancel(app: object, work: SqlWork, store: SqlResultStore, run_id: int, by: str | None) -> None:
    """Ctrl-C or a cancel request: the calls still queued are cancelled (calls already on a
    handset finish); the run ends interrupted."""
    for job_id in work.cancel_queued(run_id, "not made: the run was stopped"):
        try:
            app.job_manager.cancel_job_by_id(job_id)  # type: ignore[attr-defined]
        except Exception as exc:  # taken by a worker meanwhile: it will finish
            log.info("job %s not cancelled: %s", job_id, exc)
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(runs)
            .where(runs.c.id == run_id, runs.c.status == RunStatus.RUNNING.value)
            .values(
                status=RunStatus.INTERRUPTED.value,
                ended_at=store.clock.now(),
                note=f"cancelled by {by}" if by else None,
            )
        )


def _summary(store: SqlResultStore, work: SqlWork, run_id: int) -> RunSummary:
    run = store.run(run_id)
    assert run is not None
    attempts = store.attempts(run_id=run_id, newest_first=False)
    skipped = [
        row.note
        if " -> " in row.note
        else f"call {row.planned_call} -> {row.handset_id}: {row.note}"
        for row in work.planned(run_id)
        if row.state == SKIPPED and row.note
    ]
    return RunSummary(run=run, attempts=attempts, skipped=skipped)
