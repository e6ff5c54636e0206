"""`ringcheck worker --site NAME` (a farm site's jobs) and `ringcheck workers list`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from robot.cli.config_cmd import console, print_json, project_from
from robot.cli.run_cmd import FARM_ENV, farm_from
from robot.errors import RingcheckError, UsageError
from robot.wiring import open_project_store, uses_site_queues

workers_app = typer.Typer(help="Farm-site workers.", no_args_is_help=True)


def worker(
    ctx: typer.Context,
    site: str = typer.Option(..., "--site", help="The farm site (farm file `sites:`)."),
    concurrency: int | None = typer.Option(
        None, "--concurrency", min=1, help="Calls at once (default: one per handset)."
    ),
    heartbeat_s: float = typer.Option(
        10.0, "--heartbeat", min=0.2, help="Seconds between heartbeats; stalled after 3."
    ),
    farm: str | None = typer.Option(
        None, "--farm", help=f"Virtual farm ready file (or ${FARM_ENV})."
    ),
) -> None:
    """Make the calls of one farm site until SIGTERM/Ctrl-C.

    Dial from the site's trunks, drive its handsets (Appium sessions kept between calls),
    read, record.

    Exit 0 when asked to stop, 1 when it stopped on its own (the database was lost)."""
    from robot.workers.worker import SiteWorker, WorkerOptions

    project = project_from(ctx)
    chosen = project.site(site)
    if not uses_site_queues(project):
        raise UsageError(
            "workers take jobs from the PostgreSQL store: set `store: postgresql+psycopg://...`"
            " in ringcheck.yaml (or RINGCHECK_STORE_URL)"
        )
    options = WorkerOptions(
        site=chosen.name,
        concurrency=concurrency,
        heartbeat_s=heartbeat_s,
        farm=farm_from(farm),
    )
    process = SiteWorker(project, options)
    typer.echo(
        f"ringcheck worker {process.name}: site {chosen.name}, handsets "
        f"{', '.join(chosen.handsets) or '(none)'}, {process.concurrency} calls at once",
        err=True,
    )
    reason = process.run()
    if reason is not None:
        raise _Stopped(f"worker {process.name} stopped: {reason}")
    typer.echo(f"ringcheck worker {process.name}: stopped", err=True)


class _Stopped(RingcheckError):
    exit_code = 1


@workers_app.command("list")
def list_workers(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json"),
    stale_s: float = typer.Option(
        30.0, "--stale", min=1, help="A running worker silent this long is shown as lost."
    ),
) -> None:
    """Workers: their site, handsets, state (running, stopped, lost) and last heartbeat."""
    from robot.store.work import SqlWork

    store = open_project_store(project_from(ctx), create=False)
    try:
        rows = SqlWork(store.engine, store.clock).workers(stale_after=timedelta(seconds=stale_s))
        now = store.clock.now()
    finally:
        store.close()
    data: list[dict[str, Any]] = [
        {
            "name": r.name,
            "site": r.site,
            "host": r.host,
            "handsets": list(r.handsets),
            "concurrency": r.concurrency,
            "state": r.state,
            "started_at": r.started_at.isoformat(),
            "heartbeat_at": r.heartbeat_at.isoformat(),
            "heartbeat_age_s": round((now - r.heartbeat_at).total_seconds(), 1),
            "stopped_at": r.stopped_at.isoformat() if r.stopped_at else None,
            "jobs_done": r.jobs_done,
            "note": r.note,
        }
        for r in rows
    ]
    if as_json:
        print_json(data)
        return
    table = Table("worker", "site", "handsets", "state", "last heartbeat", "jobs", "note",
                  title="Workers")  # fmt: skip
    for row in data:
        table.add_row(
            Text(row["name"]),
            Text(row["site"]),
            Text(", ".join(row["handsets"])),
            row["state"],
            f"{row['heartbeat_at']} ({row['heartbeat_age_s']:g} s ago)",
            str(row["jobs_done"]),
            Text(row["note"] or ""),
        )
    console().print(table)
    if not data:
        console().print("no worker has run on this store yet (`ringcheck worker --site NAME`)")


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
    app.add_typer(workers_app, name="workers")


__all__ = ["register"]
