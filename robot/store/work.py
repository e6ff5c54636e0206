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

    def requeue(self, run_id: int, planned_call: int, handset: str, site: str) -> None:
        """The call goes back on a queue (set before its new job is deferred)."""
        self._update(run_id, planned_call, state=QUEUED, job_id=None, handset_id=handset,
                     site=site)  # fmt: skip

    def started(self, run_id: int, planned_call: int, job_id: int, worker: str) -> None:
        values = {"state": RUNNING, "job_id": job_id, "worker": worker,
                  "tries": run_calls.c.tries + 1, "updated_at": self._clock.now()}  # fmt: skip
        self._guard(
            "cannot mark a call running",
            lambda c: c.execute(
                sa.update(run_calls)
                .where(run_calls.c.run_id == run_id, run_calls.c.planned_call == planned_call)
                .values(values)
            ),
        )

    def ended(self, run_id: int, planned_call: int, *, skipped: str | None = None) -> bool:
        """The call is over (made, or left out with a reason); True when this closed the run."""
        self._update(run_id, planned_call, state=SKIPPED if skipped else DONE, note=skipped)
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

    def take_over(self, job_id: int) -> PlannedRow | None:
        """A dead worker's job: its call goes back to `queued`, its half-done attempt becomes
        `interrupted`, and the handsets it leased are freed. Only one caller gets the row."""

        def action(conn: sa.Connection) -> PlannedRow | None:
            row = conn.execute(
                sa.update(run_calls)
                .where(run_calls.c.job_id == job_id, run_calls.c.state == RUNNING)
                .values(state=QUEUED, updated_at=self._clock.now())
                .returning(*run_calls.c)
            ).first()
            if row is None:
                return None
            found = _planned(row._mapping)
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
            return found

        return self._guard(f"cannot take over job {job_id}", action)

    def _update(self, run_id: int, planned_call: int, **values: object) -> None:
        values["updated_at"] = self._clock.now()
        self._guard(
            "cannot update a planned call",
            lambda c: c.execute(
                sa.update(run_calls)
                .where(run_calls.c.run_id == run_id, run_calls.c.planned_call == planned_call)
                .values(values)
            ),
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
