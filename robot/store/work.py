"""Runs whose calls went to site queues: their plan (`run_calls`) and the workers (`workers`).

The queue itself is Procrastinate's; these tables hold what ringcheck needs on top of it: which
planned calls of a run are still to come (so the run's follower knows when it is over, and the
last job to end closes the run), which worker runs which call (so a dead worker's half-done
attempt is marked `interrupted` and its handset freed), and which workers are alive.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from robot.domain.model import AttemptStatus, RunStatus
from robot.ports import Clock
from robot.store.engine import read_tx, store_error, write_tx
from robot.store.schema import attempts, leases, run_calls, runs, trunk_calls, workers

T = TypeVar("T")

QUEUED, RUNNING, DONE, SKIPPED = "queued", "running", "done", "skipped"
FINAL = (DONE, SKIPPED)


@dataclass(frozen=True, slots=True)
class PlannedRow:
    planned_call: int
    handset_id: str
    site: str
    state: str
    tries: int
    job_id: int | None
    worker: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class TakeOver:
    """A stalled job taken over: its call, and whether its attempt was already recorded."""

    run_id: int
    call: PlannedRow
    made: bool


@dataclass(frozen=True, slots=True)
class WorkerRow:
    name: str
    site: str
    host: str
    handsets: tuple[str, ...]
    concurrency: int
    state: str
    started_at: datetime
    heartbeat_at: datetime
    stopped_at: datetime | None
    jobs_done: int
    note: str | None


class SqlWork:
    """The store side of queued runs and of workers."""

    def __init__(self, engine: sa.Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def _guard(self, what: str, action: Callable[[sa.Connection], T], *, write: bool = True) -> T:
        try:
            with (write_tx if write else read_tx)(self._engine) as conn:
                return action(conn)
        except SQLAlchemyError as exc:
            raise store_error(what, exc, self._engine.url) from exc

    # --- the plan of a queued run ---------------------------------------------------------
    def plan(self, run_id: int, calls: Iterable[tuple[int, str, str]]) -> None:
        """Record the planned calls `(index, handset, site)` of a run, all queued."""
        now = self._clock.now()
        rows = [
            {"run_id": run_id, "planned_call": index, "handset_id": handset, "site": site,
             "state": QUEUED, "tries": 0, "updated_at": now}
            for index, handset, site in calls
        ]  # fmt: skip
        if rows:
            self._guard(
                f"cannot plan run {run_id}", lambda c: c.execute(sa.insert(run_calls), rows)
            )

    def set_job(self, run_id: int, planned_call: int, job_id: int) -> None:
        """The job id of a freshly deferred call (unless a worker already said it started)."""
        self._guard(
            "cannot record a job id",
            lambda c: c.execute(
                sa.update(run_calls)
                .where(
                    run_calls.c.run_id == run_id,
                    run_calls.c.planned_call == planned_call,
                    run_calls.c.job_id.is_(None),
                )
                .values(job_id=job_id)
            ),
        )

    def requeue(
        self, run_id: int, planned_call: int, handset: str, site: str, *, by: str | None = None
    ) -> bool:
        """The call goes back on a queue (set before its new job is deferred); with `by`, only
        while the call is still that worker's. False when it was not requeued."""
        return self._update(run_id, planned_call, by=by, state=QUEUED, job_id=None,
                            handset_id=handset, site=site)  # fmt: skip

    def started(self, run_id: int, planned_call: int, job_id: int, worker: str) -> bool:
        """The call is now `worker`'s; False when it is not queued (already made, skipped or
        running elsewhere): a job the queue handed out twice, which must not make the call."""
        values = {"state": RUNNING, "job_id": job_id, "worker": worker,
                  "tries": run_calls.c.tries + 1, "updated_at": self._clock.now()}  # fmt: skip
        return self._guard(
            "cannot mark a call running",
            lambda c: (
                c.execute(
                    sa.update(run_calls)
                    .where(
                        run_calls.c.run_id == run_id,
                        run_calls.c.planned_call == planned_call,
                        run_calls.c.state == QUEUED,
                    )
                    .values(values)
                ).rowcount
                == 1
            ),
        )

    def ended(
        self, run_id: int, planned_call: int, *, skipped: str | None = None, by: str | None = None
    ) -> bool:
        """The call is over (made, or left out with a reason); True when this closed the run.
        With `by`, only while the call is still that worker's (not taken over meanwhile)."""
        if not self._update(
            run_id, planned_call, by=by, state=SKIPPED if skipped else DONE, note=skipped
        ):
            return False
        return self.close_if_done(run_id)

    def close_if_done(self, run_id: int) -> bool:
        """Finish the run when none of its calls is still queued or running (once)."""

        def action(conn: sa.Connection) -> bool:
            left = conn.execute(
                sa.select(sa.func.count())
                .select_from(run_calls)
                .where(run_calls.c.run_id == run_id, run_calls.c.state.not_in(FINAL))
            ).scalar_one()
            if left:
                return False
            done = conn.execute(
                sa.update(runs)
                .where(runs.c.id == run_id, runs.c.status == RunStatus.RUNNING.value)
                .values(status=RunStatus.COMPLETED.value, ended_at=self._clock.now())
            )
            return bool(done.rowcount)

        return self._guard(f"cannot close run {run_id}", action)

    def cancel_queued(self, run_id: int, why: str) -> list[int]:
        """Mark the run's queued calls skipped; returns their job ids (to cancel on the queue)."""

        def action(conn: sa.Connection) -> list[int]:
            rows = conn.execute(
                sa.update(run_calls)
                .where(run_calls.c.run_id == run_id, run_calls.c.state == QUEUED)
                .values(state=SKIPPED, note=why, updated_at=self._clock.now())
                .returning(run_calls.c.job_id)
            ).all()
            return [int(r[0]) for r in rows if r[0] is not None]

        return self._guard(f"cannot cancel run {run_id}", action)

    def planned(self, run_id: int) -> list[PlannedRow]:
        stmt = (
            sa.select(run_calls)
            .where(run_calls.c.run_id == run_id)
            .order_by(run_calls.c.planned_call)
        )
        return self._guard(
            f"cannot read the plan of run {run_id}",
            lambda c: [_planned(r._mapping) for r in c.execute(stmt)],
            write=False,
        )

    def take_over(self, job_id: int) -> TakeOver | None:
        """A dead worker's job. If it recorded its attempt and died before saying the call was
        over, the call is `done` (making it again would call the customer's number twice);
        otherwise the call goes back to `queued` and its half-done attempt becomes
        `interrupted`. Either way the handsets and trunk slots it held are freed. Only one
        caller gets the row; None when the call is not running under this job."""

        def action(conn: sa.Connection) -> TakeOver | None:
            row = conn.execute(
                sa.select(run_calls)
                .where(run_calls.c.job_id == job_id, run_calls.c.state == RUNNING)
                .with_for_update()
            ).first()
            if row is None:
                return None
            found = _planned(row._mapping)
            made = found.worker is not None and _made_by(conn, row.run_id, found)
            conn.execute(
                sa.update(run_calls)
                .where(
                    run_calls.c.run_id == row.run_id, run_calls.c.planned_call == row.planned_call
                )
                .values(state=DONE if made else QUEUED, updated_at=self._clock.now())
            )
            if not made:
                conn.execute(
                    sa.update(attempts)
                    .where(
                        attempts.c.run_id == row.run_id,
                        attempts.c.planned_call == row.planned_call,
                        attempts.c.status == AttemptStatus.IN_PROGRESS.value,
                    )
                    .values(
                        status=AttemptStatus.INTERRUPTED.value,
                        error=f"worker {found.worker} stopped during the call; retried",
                    )
                )
            if found.worker:  # its handset leases and trunk slots die with it
                conn.execute(sa.delete(leases).where(leases.c.holder == found.worker))
                conn.execute(sa.delete(trunk_calls).where(trunk_calls.c.holder == found.worker))
            return TakeOver(run_id=int(row.run_id), call=found, made=made)

        taken = self._guard(f"cannot take over job {job_id}", action)
        if taken is not None and taken.made:
            self.close_if_done(taken.run_id)
        return taken

    def state_of_job(self, job_id: int) -> str | None:
        """The state of the planned call a job was for (None when no call has that job)."""
        return self._guard(
            f"cannot read job {job_id}",
            lambda c: c.execute(
                sa.select(run_calls.c.state).where(run_calls.c.job_id == job_id)
            ).scalar(),
            write=False,
        )

    def _update(self, run_id: int, planned_call: int, *, by: str | None, **values: object) -> bool:
        values["updated_at"] = self._clock.now()
        where = [run_calls.c.run_id == run_id, run_calls.c.planned_call == planned_call]
        if by is not None:
            where += [run_calls.c.state == RUNNING, run_calls.c.worker == by]
        return self._guard(
            "cannot update a planned call",
            lambda c: c.execute(sa.update(run_calls).where(*where).values(values)).rowcount == 1,
        )

    # --- workers ------------------------------------------------------------------------
    def register(self, name: str, site: str, handsets: Sequence[str], concurrency: int) -> None:
        now = self._clock.now()
        values = {
            "site": site,
            "host": socket.gethostname(),
            "handsets": list(handsets),
            "concurrency": concurrency,
            "state": "running",
            "started_at": now,
            "heartbeat_at": now,
            "stopped_at": None,
            "jobs_done": 0,
            "note": None,
        }

        def action(conn: sa.Connection) -> None:
            conn.execute(sa.delete(workers).where(workers.c.name == name))
            conn.execute(sa.insert(workers).values(name=name, **values))

        self._guard(f"cannot register worker {name}", action)

    def heartbeat(self, name: str) -> None:
        self._guard(
            "cannot record the worker's heartbeat",
            lambda c: c.execute(
                sa.update(workers)
                .where(workers.c.name == name)
                .values(heartbeat_at=self._clock.now(), state="running")
            ),
        )

    def job_done(self, name: str) -> None:
        self._guard(
            "cannot count the worker's job",
            lambda c: c.execute(
                sa.update(workers)
                .where(workers.c.name == name)
                .values(jobs_done=workers.c.jobs_done + 1)
            ),
        )

    def stopped(self, name: str, note: str | None) -> None:
        now = self._clock.now()
        self._guard(
            "cannot record the worker's stop",
            lambda c: c.execute(
                sa.update(workers)
                .where(workers.c.name == name)
                .values(state="stopped", stopped_at=now, note=note)
            ),
        )

    def workers(self, *, stale_after: timedelta) -> list[WorkerRow]:
        """Every worker known; one whose heartbeat is older than `stale_after` is `lost`."""
        now = self._clock.now()
        stmt = sa.select(workers).order_by(workers.c.site, workers.c.name)

        def action(conn: sa.Connection) -> list[WorkerRow]:
            out = []
            for row in conn.execute(stmt):
                m = row._mapping
                state = m["state"]
                if state == "running" and m["heartbeat_at"] < now - stale_after:
                    state = "lost"
                out.append(
                    WorkerRow(
                        name=m["name"],
                        site=m["site"],
                        host=m["host"],
                        handsets=tuple(m["handsets"] or ()),
                        concurrency=m["concurrency"],
                        state=state,
                        started_at=m["started_at"],
                        heartbeat_at=m["heartbeat_at"],
                        stopped_at=m["stopped_at"],
                        jobs_done=m["jobs_done"],
                        note=m["note"],
                    )
                )
            return out

        return self._guard("cannot list workers", action, write=False)


def _planned(m: sa.RowMapping) -> PlannedRow:
    return PlannedRow(
        planned_call=m["planned_call"], handset_id=m["handset_id"], site=m["site"],
        state=m["state"], tries=m["tries"], job_id=m["job_id"], worker=m["worker"],
        note=m["note"],
    )  # fmt: skip


def _made_by(conn: sa.Connection, run_id: int, call: PlannedRow) -> bool:
    """Whether the call's worker recorded its attempt on the call's handset as finished: its
    latest attempt there (foreign calls aside) is `completed`."""
    status = conn.execute(
        sa.select(attempts.c.status)
        .where(
            attempts.c.run_id == run_id,
            attempts.c.planned_call == call.planned_call,
            attempts.c.worker == call.worker,
            attempts.c.handset_id == call.handset_id,
            sa.or_(attempts.c.delivery.is_(None), attempts.c.delivery != "foreign_call"),
        )
        .order_by(attempts.c.id.desc())
        .limit(1)
    ).scalar()
    return status == AttemptStatus.COMPLETED.value
