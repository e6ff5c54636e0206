"""`ringcheck demo [--dir DIR] [--serve]`: the whole robot against the virtual farm, in one
command; with --serve it then keeps the farm up and serves the web console until Ctrl-C."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from pathlib import Path

import typer

from reports.period import Period
from robot.cli.alerts_cmd import run_alerts_line
from robot.cli.config_cmd import console
from robot.cli.context import CliState
from robot.cli.report_cmd import write_report
from robot.cli.run_cmd import print_summary, run_scenario
from robot.config.project import Project, load_project
from robot.demo import DemoPaths, FarmProcess, live_calls, write_project
from robot.domain.model import Delivery, RunStatus
from robot.errors import RingcheckError
from robot.scenario.load import find_scenario, load_scenario
from robot.web.server import DEFAULT_ADDRESS, parse_address, require_web
from robot.wiring import FarmEndpoints, open_project_store, prepare


def demo(
    directory: Path | None = typer.Option(
        None, "--dir", help="Folder for the demo project, store, evidence and report (default: .)"
    ),
    serve: bool = typer.Option(
        False,
        "--serve",
        help="Afterwards keep the virtual farm up and serve the web console until Ctrl-C.",
    ),
    web: str = typer.Option(
        DEFAULT_ADDRESS, "--web", metavar="HOST:PORT", help="Where --serve listens."
    ),
) -> None:
    """Write a demo project, start the virtual farm, run it, write the report, stop the farm."""
    root = (directory or Path.cwd()).resolve()
    address = parse_address(web) if serve else None
    if address is not None:
        require_web()
    out = console()
    paths = write_project(root)
    project = load_project(root)
    scenario = load_scenario(find_scenario("demo", project), project)
    out.print(f"demo project written to {root}; starting the virtual farm…")
    with FarmProcess(paths):
        farm = FarmEndpoints.read(paths.ready_file)
        prepared = prepare(project, scenario, farm=farm, ignore_quiet_hours=True)
        summary = run_scenario(project, prepared, farm=farm, trigger="demo", show_progress=True)
        left_up = live_calls(farm.truth_url)
        print_summary(summary)
        written = write_report(
            CliState(project=str(root)),
            Period.week_containing(datetime.now(UTC)),
            paths.report_dir,
        )
        shown = sorted({a.delivery.value for a in summary.attempts if a.delivery is not None})
        for line in (
            f"outcomes seen: {', '.join(shown)}",
            run_alerts_line(project, summary.run.id),
            f"project:   {root / 'ringcheck.yaml'}",
            f"results:   {project.store_url}  (ringcheck --project {root} results list)",
            f"evidence:  {project.artifacts_dir}",
            f"report:    {written.path}",
            f"farm log:  {paths.farm_log}",
            f"calls left up at the end: {left_up}",
        ):
            typer.echo(line)
        if summary.robot_failed or summary.run.status is not RunStatus.COMPLETED:
            raise RingcheckError(f"the demo run ended {summary.run.status.value}")
        if any(a.delivery is Delivery.DEVICE_ERROR for a in summary.attempts):
            out.print(
                "[yellow]some handsets could not be observed (device_error): see the farm log[/]"
            )
        if address is not None:
            _serve_console(project, paths, web)


def _serve_console(project: Project, paths: DemoPaths, web: str) -> None:
    """The console on the demo's store and farm, with a one-time sign-in link, until Ctrl-C."""
    from robot.web.serving import demo_token_name, served_console

    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda signum, frame: stop.set())
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    store = open_project_store(project)
    try:
        with served_console(
            project, store, parse_address(web), farm_file=paths.ready_file
        ) as served:
            link = served.sign_in_link(demo_token_name())
            typer.echo(f"console:   {link}")
            typer.echo(
                "           (a one-time sign-in link for an admin session; the virtual farm "
                "stays up for runs started there; Ctrl-C stops both)",
            )
            while not stop.wait(1.0):
                pass
            typer.echo("stopping the console and the virtual farm…", err=True)
    finally:
        store.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
