"""`ringcheck run SCENARIO` for QA engineers, and `ringcheck runs list|show`."""

from __future__ import annotations

import functools
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from robot.cli.config_cmd import console, print_json, project_from
from robot.config.project import Project
from robot.domain.model import Attempt, Run
from robot.domain.scenario import PlannedCall, Scenario, plan
from robot.engine.guards import check_disk, check_quiet_hours, within_budget
from robot.engine.run import RunSummary
from robot.errors import UsageError
from robot.junit import junit_xml
from robot.scenario.load import find_scenario, load_scenario
from robot.wiring import FarmEndpoints, open_project_store, run_planned

runs_app = typer.Typer(help="Runs recorded in the store.", no_args_is_help=True)
FARM_ENV = "RINGCHECK_FARM"


def planned_calls(
    project: Project, scenario: Scenario, numbers: list[str], carriers: list[str], seed: int | None
) -> list[PlannedCall]:
    calls = plan(scenario, project.numbers, project.handsets, seed=seed)
    if numbers:
        calls = [c for c in calls if c.number.e164 in numbers]
    if carriers:
        calls = [c for c in calls if c.handset.carrier in carriers]
    return calls


def plan_rows(calls: list[PlannedCall]) -> list[dict[str, Any]]:
    return [
        {
            "index": c.index,
            "number": c.number.e164,
            "handset": c.handset.id,
            "carrier": c.handset.carrier,
            "attestation": c.attestation.value if c.attestation else None,
            "expect_outcome": c.expectations.outcome.value,
            "expect_name": c.expectations.name,
        }
        for c in calls
    ]


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM end live calls and keep finished attempts instead of killing us."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        del frame
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_scenario(
    project: Project,
    scenario: Scenario,
    calls: list[PlannedCall],
    *,
    farm: FarmEndpoints | None,
    trigger: str,
    show_progress: bool,
) -> RunSummary:
    """Run with real adapters, a progress display, and Ctrl-C/SIGTERM ending calls cleanly."""
    stop = threading.Event()
    with stop_on_signals(stop), progress_display(show_progress, len(calls)) as advance:
        return run_planned(
            project, scenario, calls, farm=farm, trigger=trigger, listeners=[advance], stop=stop
        )


@contextmanager
def progress_display(show: bool, total: int) -> Iterator[Any]:
    if not show:
        yield lambda attempt: None
        return
    columns = (
        TextColumn("[bold]calls"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console(), transient=False) as progress:
        task = progress.add_task("", total=total)

        done = 0

        def advance(attempt: Attempt) -> None:
            nonlocal done
            done += 1
            verdict = "pass" if attempt.verdict and attempt.verdict.passed else "FAIL"
            progress.update(
                task,
                advance=1,
                total=max(total, done),  # a device error retried elsewhere adds an attempt
                description=f"{attempt.number} -> {attempt.handset_id}: "
                f"{attempt.delivery.value if attempt.delivery else 'interrupted'} {verdict}",
            )

        yield advance


def summary_json(summary: RunSummary) -> dict[str, Any]:
    return {
        "run": summary.run.id,
        "scenario": summary.run.scenario,
        "status": summary.run.status.value,
        "attempts": len(summary.attempts),
        "failed": len(summary.failed),
        "skipped": summary.skipped,
        "errors": summary.errors,
        "results": [
            {
                "id": a.id,
                "number": a.number,
                "carrier": a.carrier,
                "handset": a.handset_id,
                "delivery": a.delivery.value if a.delivery else None,
                "passed": a.verdict.passed if a.verdict else None,
                "reasons": list(a.verdict.reasons) if a.verdict else [],
            }
            for a in summary.attempts
        ],
    }


def print_summary(summary: RunSummary) -> None:
    table = Table("number", "carrier", "handset", "delivery", "verdict", title="Run summary")
    for a in summary.attempts:
        verdict = (
            "pass"
            if a.verdict and a.verdict.passed
            else "; ".join(a.verdict.reasons if a.verdict else [a.error or "no verdict"])
        )
        delivery = a.delivery.value if a.delivery else "interrupted"
        table.add_row(a.number, a.carrier, a.handset_id or "", delivery, verdict)
    out = console()
    out.print(table)
    for line in summary.skipped + summary.errors:
        out.print(f"[yellow]{line}[/]")
    out.print(
        f"run {summary.run.id} {summary.run.status.value}: {len(summary.attempts)} attempts, "
        f"{len(summary.failed)} failed expectations"
    )


def farm_from(option: str | None) -> FarmEndpoints | None:
    path = option or os.environ.get(FARM_ENV)
    return FarmEndpoints.read(Path(path)) if path else None


def run_command(
    ctx: typer.Context,
    scenario_ref: str = typer.Argument(..., metavar="SCENARIO", help="Scenario name or file."),
    number: list[str] = typer.Option([], "--number", help="Only these numbers (E.164)."),
    carrier: list[str] = typer.Option([], "--carrier", help="Only handsets on these carriers."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; dial nothing."),
    junit: Path | None = typer.Option(None, "--junit", help="Write JUnit XML for CI systems."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    farm: str | None = typer.Option(
        None, "--farm", help=f"Virtual farm ready file (or ${FARM_ENV})."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed for sampled pairs."),
    ignore_quiet_hours: bool = typer.Option(False, "--ignore-quiet-hours"),
) -> None:
    """Run a scenario now: dial, watch the handsets, judge, record. Exit 1 on failed checks."""
    project = project_from(ctx)
    scenario = load_scenario(find_scenario(scenario_ref, project), project)
    calls = planned_calls(project, scenario, number, carrier, seed)
    if dry_run:
        if as_json:
            print_json(plan_rows(calls))
        else:
            _print_plan(scenario, calls)
        return
    if not calls:
        raise UsageError(f"scenario {scenario.name} selects no calls (check --number/--carrier)")
    store = open_project_store(project)
    try:
        if not ignore_quiet_hours:
            check_quiet_hours(scenario, store.clock.now())
        calls, skipped = within_budget(scenario, calls, _counter(store))
        check_disk(project.artifacts_dir, len(calls))
    finally:
        store.close()
    summary = run_scenario(
        project, scenario, calls, farm=farm_from(farm), trigger="manual", show_progress=not as_json
    )
    summary.skipped[:0] = skipped
    if junit is not None:
        junit.write_text(junit_xml(summary), encoding="utf-8")
    if as_json:
        print_json(summary_json(summary))
    else:
        print_summary(summary)
    if not summary.passed:
        raise typer.Exit(1)


def _counter(store: Any) -> Any:
    start = datetime.combine(store.clock.now().date(), time(0), tzinfo=store.clock.now().tzinfo)

    @functools.cache
    def made_today(kind: str, key: str) -> int:
        if kind == "number":
            return len(store.attempts(since=start, number=key))
        return len(store.attempts(since=start, handset_id=key))

    return made_today


def _print_plan(scenario: Scenario, calls: list[PlannedCall]) -> None:
    table = Table("#", "number", "handset", "carrier", "attest", "expect", title=scenario.name)
    for row in plan_rows(calls):
        expect = row["expect_outcome"] + (
            f", name {row['expect_name']}" if row["expect_name"] else ""
        )
        table.add_row(
            str(row["index"]),
            row["number"],
            row["handset"],
            row["carrier"],
            row["attestation"] or "-",
            expect,
        )
    console().print(table)
    console().print(f"{len(calls)} calls planned (dry run: nothing dialled)")


@runs_app.command("list")
def runs_list(
    ctx: typer.Context,
    limit: int = typer.Option(20, "--limit"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recent runs, newest first."""
    store = open_project_store(project_from(ctx))
    try:
        runs = store.runs(limit=limit)
    finally:
        store.close()
    if as_json:
        print_json([_run_dict(r) for r in runs])
        return
    table = Table("run", "scenario", "trigger", "status", "started", "ended", title="Runs")
    for r in runs:
        row = _run_dict(r)
        table.add_row(
            *(
                str(row[k] or "")
                for k in ("id", "scenario", "trigger", "status", "started_at", "ended_at")
            )
        )
    console().print(table)


@runs_app.command("show")
def runs_show(
    ctx: typer.Context,
    run_id: int = typer.Argument(...),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One run and its attempts."""
    store = open_project_store(project_from(ctx))
    try:
        run = store.run(run_id)
        if run is None:
            raise UsageError(f"no run {run_id} in the store (see `ringcheck runs list`)")
        attempts = store.attempts(run_id=run_id, newest_first=False)
    finally:
        store.close()
    summary = RunSummary(run=run, attempts=attempts)
    if as_json:
        print_json(summary_json(summary))
    else:
        print_summary(summary)


def _run_dict(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "scenario": run.scenario,
        "trigger": run.trigger,
        "status": run.status.value,
        "started_at": run.started_at.isoformat(),
        "ended_at": run.ended_at.isoformat() if run.ended_at else None,
    }


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
    app.add_typer(runs_app, name="runs")
