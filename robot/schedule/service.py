"""`ringcheck serve`: APScheduler 3 with its SQLAlchemy job store in the results database.

Only one serve per store fires jobs: the leader holds a lease row in the store and renews it;
a second serve waits and takes over when the leader's lease expires (it died). Jobs coalesce
misfires within a grace time and never run twice at once, so a restart does not double-fire.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from robot.config.project import Project
from robot.domain.scenario import Scenario, Schedule
from robot.errors import StoreError
from robot.scenario.load import load_scenario
from robot.schedule.cron import cron_trigger
from robot.schedule.jobs import fire_scenario, write_weekly_report
from robot.schedule.listing import same_trigger
from robot.store.engine import write_tx
from robot.store.owner import this_process
from robot.store.results import SqlResultStore

log = logging.getLogger(__name__)

REPORT_JOB = "report:weekly"
REPORT_CRON = "0 6 * * 1"  # Mondays 06:00 in the project's time zone
JOBS_TABLE = "scheduler_jobs"
JOB_PREFIX = "scenario:"
LEADER_KEY = "__scheduler_leader__"
MISFIRE_GRACE_S = 600


def trigger_for(schedule: Schedule) -> BaseTrigger:
    """The trigger for a scenario's schedule, in its zone (the project's unless it names one)."""
    if schedule.cron is not None:
        return cron_trigger(schedule.cron, schedule.timezone)
    assert schedule.every_s is not None
    return IntervalTrigger(seconds=schedule.every_s, timezone=schedule.timezone)


def make_scheduler(engine: sa.Engine) -> BackgroundScheduler:
    jobstore = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)
    # The job table is made here in a write transaction (`BEGIN IMMEDIATE` on SQLite, which
    # waits its turn): APScheduler's own check-then-create in a plain transaction fails with
    # "database is locked" when the console writes the same SQLite file at that moment.
    with write_tx(engine) as conn:
        jobstore.jobs_t.create(conn, checkfirst=True)
    return BackgroundScheduler(
        jobstores={"default": jobstore},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_S,
        },
        timezone="UTC",
    )


def scheduled_scenarios(project: Project) -> list[Scenario]:
    """Schedules come from the project's own `scenarios/` only: a shipped example never
    starts calling a team's phones just because it has a schedule."""
    folder = project.project_dir / "scenarios"
    paths = sorted(p for p in folder.glob("*.y*ml")) if folder.is_dir() else []
    scenarios = [load_scenario(path, project) for path in paths]
    return [s for s in scenarios if s.schedule is not None]


def sync_jobs(
    scheduler: BackgroundScheduler,
    scenarios: Sequence[Scenario],
    project_dir: Path,
    farm_file: str | None,
) -> list[str]:
    """Make the job store match the scenario files; a paused job stays paused."""
    wanted = {JOB_PREFIX + s.name: s for s in scenarios}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            scheduler.remove_job(job.id)
    for job_id, scenario in wanted.items():
        assert scenario.schedule is not None
        trigger = trigger_for(scenario.schedule)
        args = [str(project_dir), scenario.name, farm_file]
        existing = scheduler.get_job(job_id)
        if (
            existing is not None
            and same_trigger(existing.trigger, trigger)
            and existing.args == tuple(args)
        ):
            continue
        paused = existing is not None and existing.next_run_time is None
        scheduler.add_job(
            fire_scenario,
            trigger=trigger,
            args=args,
            id=job_id,
            name=scenario.name,
            replace_existing=True,
        )
        if paused:
            scheduler.pause_job(job_id)
    return sorted(wanted)


@dataclass
class ServeStatus:
    leader: bool = False
    jobs: tuple[str, ...] = ()
    started_at: str = ""


class SchedulerService:
    """Leader election, job sync and the scheduler's life cycle for one `serve` process."""

    def __init__(
        self,
        project: Project,
        store: SqlResultStore,
        *,
        farm_file: str | None = None,
        lease_ttl_s: float = 30.0,
        report_dir: Path | None = None,
    ) -> None:
        self.project = project
        self.report_dir = report_dir
        self.store = store
        self.farm_file = farm_file
        self.lease_ttl_s = lease_ttl_s
        self.holder = this_process()
        self.stop = threading.Event()
        self.reload = threading.Event()
        self.status = ServeStatus(started_at=datetime.now().astimezone().isoformat())
        self._scheduler: BackgroundScheduler | None = None

    def run(self) -> None:
        """Wait to lead, then fire jobs until stopped; renew the lease as we go."""
        try:
            while not self.stop.is_set():
                if self._scheduler is None:
                    if self.store.leases.acquire(LEADER_KEY, self.holder, self.lease_ttl_s):
                        self._try_to_lead()
                elif not self.store.leases.renew(LEADER_KEY, self.holder, self.lease_ttl_s):
                    log.warning("lost the scheduler lease; standing by")
                    self._stand_down()
                if self.reload.is_set() and self._scheduler is not None:
                    self.reload.clear()
                    self._sync()
                self.stop.wait(self.lease_ttl_s / 3)
        finally:
            self._stand_down()
            self.store.leases.release(LEADER_KEY, self.holder)

    def _try_to_lead(self) -> None:
        """Lead, or stand by and try again at the next turn when the store would not let the
        scheduler start (serve goes on serving its console and health either way)."""
        try:
            self._lead()
        except (sa.exc.OperationalError, StoreError) as exc:
            log.warning("the scheduler could not start (%s); trying again", str(exc)[:200])
            self._stand_down()

    def _lead(self) -> None:
        self._scheduler = make_scheduler(self.store.engine)
        self._scheduler.start(paused=True)
        self._sync()
        self._scheduler.resume()
        self.status.leader = True
        log.info("leading the scheduler with jobs: %s", ", ".join(self.status.jobs) or "none")

    def _sync(self) -> None:
        assert self._scheduler is not None
        scenarios = scheduled_scenarios(self.project)
        jobs = sync_jobs(self._scheduler, scenarios, self.project.project_dir, self.farm_file)
        if self.report_dir is not None:
            self._scheduler.add_job(
                write_weekly_report,
                trigger=cron_trigger(REPORT_CRON, self.project.timezone),
                args=[str(self.project.project_dir), str(self.report_dir)],
                id=REPORT_JOB,
                name="weekly report",
                replace_existing=True,
            )
            jobs.append(REPORT_JOB)
        elif self._scheduler.get_job(REPORT_JOB) is not None:
            self._scheduler.remove_job(REPORT_JOB)
        self.status.jobs = tuple(jobs)

    def _stand_down(self) -> None:
        if self._scheduler is not None:
            if self._scheduler.running:  # one that failed to start has nothing to shut down
                self._scheduler.shutdown(wait=True)
            self._scheduler = None
        self.status.leader = False

    def jobs(self) -> list[dict[str, Any]]:
        if self._scheduler is None:
            return []
        return [job_dict(j) for j in self._scheduler.get_jobs()]


def job_dict(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "scenario": job.name,
        "trigger": str(job.trigger),
        "next_run_time": job.next_run_time.isoformat() if job.next_run_time else None,
        "paused": job.next_run_time is None,
    }


def serve_health(service: SchedulerService, port: int) -> ThreadingHTTPServer:
    """GET /health on 127.0.0.1 for process supervisors: 200 with the leader flag and jobs."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.rstrip("/") not in ("/health", ""):
                self.send_error(404)
                return
            body = json.dumps(
                {
                    "status": "ok",
                    "leader": service.status.leader,
                    "jobs": service.jobs(),
                    "started_at": service.status.started_at,
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("health: " + format, *args)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server
