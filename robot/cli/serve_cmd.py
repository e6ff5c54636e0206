"""`ringcheck serve` (the scheduler daemon) and `ringcheck schedule list|pause|resume`."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import typer
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from rich.table import Table

from robot.cli.config_cmd import console, print_json, project_from
from robot.cli.run_cmd import FARM_ENV
from robot.errors import UsageError
from robot.schedule.listing import FROM_FILE, STORED, schedule_rows
from robot.schedule.service import (
    JOB_PREFIX,
    SchedulerService,
    make_scheduler,
    scheduled_scenarios,
    serve_health,
    trigger_for,
)
from robot.web.server import DEFAULT_ADDRESS, parse_address, require_web
from robot.wiring import escalates, open_project_store, outbox_sender

schedule_app = typer.Typer(help="Scheduled scenarios in the store.", no_args_is_help=True)


def serve(
    ctx: typer.Context,
    health_port: int = typer.Option(8765, "--health-port", help="127.0.0.1 port; 0 = any."),
    ready_file: Path | None = typer.Option(None, "--ready-file", help="Write the port here."),
    farm: str | None = typer.Option(None, "--farm", help=f"Virtual farm ready file (${FARM_ENV})."),
    lease_ttl_s: float = typer.Option(30.0, "--lease-ttl", help="Leader lease, seconds."),
    weekly_report: Path | None = typer.Option(
        None, "--weekly-report", help="Write last week's report here every Monday 06:00."
    ),
    web: str | None = typer.Option(
        None,
        "--web",
        metavar="[HOST:PORT]",
        help=f"Serve the web console and API (alone: {DEFAULT_ADDRESS}; another host only "
        "when named).",
    ),
    web_only: bool = typer.Option(
        False, "--web-only", help="Serve the console and API without firing schedules."
    ),
    web_cert: Path | None = typer.Option(None, "--web-cert", help="TLS certificate (PEM)."),
    web_key: Path | None = typer.Option(None, "--web-key", help="TLS private key (PEM)."),
) -> None:
    """Fire scenario schedules until SIGTERM/Ctrl-C; SIGHUP reloads the scenario files.
    With --web, also serve the web console and REST API (runs started there run here)."""
    if not 0 <= health_port <= 65535:
        raise UsageError(f"--health-port {health_port}: a port is 0 (any) to 65535")
    project = project_from(ctx)
    escalates(project)  # `screen: escalate: always` without its engine: fail now, not per run
    if (web_cert is None) != (web_key is None):
        raise UsageError("--web-cert and --web-key go together (a certificate and its key)")
    address = parse_address(web or DEFAULT_ADDRESS) if web or web_only else None
    if address is not None:
        require_web()
    store = open_project_store(project)
    farm_file = farm or os.environ.get(FARM_ENV)
    service = SchedulerService(
        project, store, farm_file=farm_file, lease_ttl_s=lease_ttl_s, report_dir=weekly_report
    )
    with contextlib.ExitStack() as stack:
        stack.callback(store.close)
        try:
            health = serve_health(service, health_port)
        except OSError as exc:
            raise UsageError(
                f"--health-port {health_port}: cannot listen on 127.0.0.1 ({exc.strerror}); is"
                " another `ringcheck serve` running? (--health-port 0 takes any free port)"
            ) from None
        stack.callback(health.server_close)
        stack.callback(health.shutdown)
        served = None
        if address is not None:
            from robot.web.serving import served_console  # FastAPI only when serving it

            served = stack.enter_context(
                served_console(
                    project,
                    store,
                    address,
                    farm_file=Path(farm_file) if farm_file else None,
                    certfile=web_cert,
                    keyfile=web_key,
                )
            )
        port = health.server_address[1]
        ready = {"health_url": f"http://127.0.0.1:{port}/health", "pid": os.getpid()}
        if served is not None:
            ready["web_url"] = served.url
        if ready_file is not None:
            tmp = ready_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(ready), encoding="utf-8")
            tmp.replace(ready_file)
        typer.echo(f"ringcheck serve: health on http://127.0.0.1:{port}/health", err=True)
        if served is not None:
            typer.echo(
                f"ringcheck serve: console and API on {served.url} (sign in with a token: "
                "`ringcheck tokens create NAME --role viewer|operator|admin`)",
                err=True,
            )

        def stop(signum: int, frame: object) -> None:
            service.stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, lambda signum, frame: service.reload.set())
        # Alerts left pending by runs (a webhook was down) are retried between runs too.
        alerts = outbox_sender(store).start("alert-retry")
        stack.callback(alerts.close)
        if web_only:
            while not service.stop.wait(1.0):
                pass
        else:
            service.run()


@contextmanager
def _paused_scheduler(ctx: typer.Context) -> Iterator[BackgroundScheduler]:
    """The job store, seen through a scheduler that never fires (for list/pause/resume).

    It does not sync from the scenario files: that is `serve`'s job, and a sync from here would
    rewrite the jobs' arguments (such as the virtual farm `serve` was started with)."""
    project = project_from(ctx)
    store = open_project_store(project, create=False)  # reading: never create a store
    scheduler = make_scheduler(store.engine)
    scheduler.start(paused=True)
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)
        store.close()


@schedule_app.command("list")
def list_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Scheduled scenarios and their next run in local time, from the job store `serve` keeps
    and from the project's scenario files (schedules serve has not stored yet)."""
    project = project_from(ctx)
    scenarios = scheduled_scenarios(project)
    triggers = {s.name: trigger_for(s.schedule) for s in scenarios if s.schedule is not None}
    with _paused_scheduler(ctx) as scheduler:
        rows = schedule_rows(
            scheduler.get_jobs(), scenarios, triggers, datetime.now(UTC), job_prefix=JOB_PREFIX
        )
    if as_json:
        print_json([row.as_dict() for row in rows])
        return
    table = Table("scenario", "schedule", "time zone", "next run", "state", title="Schedule")
    for row in rows:
        next_run = row.next_run_text() + (" (quiet hours: skipped)" if row.in_quiet_hours else "")
        table.add_row(row.scenario, row.schedule, row.timezone, next_run, row.state)
    out = console()
    out.print(table)
    if not rows:
        out.print(f"no scheduled scenario in {project.project_dir / 'scenarios'}")
    elif all(row.source == FROM_FILE for row in rows):
        out.print("`ringcheck serve` has not run on this store yet: times come from the files")
    for row in rows:
        if row.note and row.source == STORED:
            out.print(f"{row.scenario}: {row.note}")


def _job_id(scheduler: BackgroundScheduler, scenario: str) -> str:
    job_id = JOB_PREFIX + scenario
    if scheduler.get_job(job_id) is None:
        names = ", ".join(j.name for j in scheduler.get_jobs()) or "none"
        raise UsageError(
            f"scenario {scenario!r} has no scheduled job (scheduled: {names}); schedules are "
            "synced from the project's scenarios/ when `ringcheck serve` starts"
        )
    return job_id


@schedule_app.command("pause")
def pause_cmd(ctx: typer.Context, scenario: str = typer.Argument(...)) -> None:
    """Stop firing a scenario until `resume` (kept across restarts)."""
    with _paused_scheduler(ctx) as scheduler:
        try:
            scheduler.pause_job(_job_id(scheduler, scenario))
        except JobLookupError as exc:
            raise UsageError(str(exc)) from None
    typer.echo(f"paused {scenario}")


@schedule_app.command("resume")
def resume_cmd(ctx: typer.Context, scenario: str = typer.Argument(...)) -> None:
    """Fire a paused scenario again on its schedule."""
    with _paused_scheduler(ctx) as scheduler:
        try:
            scheduler.resume_job(_job_id(scheduler, scenario))
        except JobLookupError as exc:
            raise UsageError(str(exc)) from None
    typer.echo(f"resumed {scenario}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(schedule_app, name="schedule")
