"""`ringcheck run SCENARIO` for QA engineers, and `ringcheck runs list|show`."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from robot.cli import bounds
from robot.cli.alerts_cmd import run_alerts_line
from robot.cli.config_cmd import console, print_json, project_from
from robot.config.project import Project
from robot.domain.model import (
    Attempt,
    Expectations,
    OutcomeExpectation,
    Run,
    VerifiedExpectation,
)
from robot.engine.summary import Kind, PlannedResult, RunSummary, cause_of
from robot.errors import UsageError
from robot.junit import junit_xml
from robot.prepare import CallFilter, PreparedRun
from robot.scenario.load import find_scenario, load_scenario
from robot.selectors import resolve_carriers, resolve_numbers
from robot.wiring import FarmEndpoints, open_project_store, prepare, run_planned

runs_app = typer.Typer(help="Runs recorded in the store.", no_args_is_help=True)
FARM_ENV = "RINGCHECK_FARM"


def expect_text(expectations: Expectations) -> str:
    """Every check a call will get, in words: `delivered, name "X", verified, no label`."""
    parts = [expectations.outcome.value]
    if expectations.outcome is OutcomeExpectation.BLOCKED:
        return parts[0]
    if expectations.name is not None:
        parts.append(f"name {expectations.name!r}")
    if expectations.verified is VerifiedExpectation.YES:
        parts.append("verified")
    elif expectations.verified is VerifiedExpectation.NO:
        parts.append("not verified")
    if expectations.no_label:
        parts.append("no label")
    return ", ".join(parts)


def plan_json(prepared: PreparedRun) -> dict[str, Any]:
    """The dry run for machines: the calls, what each expects, and everything left out."""
    return {
        "scenario": prepared.scenario.name,
        "calls": [
            {
                "index": c.index,
                "number": c.number.e164,
                "handset": c.handset.id,
                "carrier": c.handset.carrier,
                "attestation": c.attestation.value if c.attestation else None,
                "expect": expect_text(c.expectations),
                "expect_outcome": c.expectations.outcome.value,
                "expect_name": c.expectations.name,
                "expect_verified": c.expectations.verified.value,
                "expect_no_label": c.expectations.no_label,
            }
            for c in prepared.calls
        ],
        "handsets_skipped": [
            {"handset": s.handset_id, "reason": s.reason} for s in prepared.handsets_skipped
        ],
        "skipped": list(prepared.skipped),
        "notes": list(prepared.notes),
        "refused": prepared.refusal,
    }


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
    prepared: PreparedRun,
    *,
    farm: FarmEndpoints | None,
    trigger: str,
    show_progress: bool,
    lease_wait_s: float = 0.0,
    local: bool = False,
) -> RunSummary:
    """Run with real adapters, a progress display, and Ctrl-C/SIGTERM ending calls cleanly."""
    stop = threading.Event()
    with stop_on_signals(stop), progress_display(show_progress, len(prepared.calls)) as advance:
        return run_planned(
            project,
            prepared,
            farm=farm,
            trigger=trigger,
            listeners=[advance],
            stop=stop,
            lease_wait_s=lease_wait_s,
            local=local,
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


def _tries_text(result: PlannedResult) -> str:
    if len(result.tries) == 1:
        return "1"
    earlier = ", ".join(
        f"{a.delivery.value if a.delivery else 'interrupted'} on {a.handset_id}"
        for a in result.tries[:-1]
    )
    return f"{len(result.tries)} ({earlier})"


def summary_json(summary: RunSummary) -> dict[str, Any]:
    """One entry per planned call (its tries inside), with its kind and cause."""
    planned = summary.planned()
    counts = {kind.value: sum(1 for p in planned if p.kind is kind) for kind in Kind}
    return {
        "run": summary.run.id,
        "scenario": summary.run.scenario,
        "status": summary.run.status.value,
        "exit_code": summary.exit_code(),
        "planned_calls": len(planned),
        "attempts": len(summary.attempts),
        "counts": counts,  # planned calls per kind: passed, failed, uncertain, error, skipped
        "left_out": summary.skipped,
        "errors": summary.errors,
        "results": [
            {
                "id": p.final.id,
                "number": p.final.number,
                "carrier": p.final.carrier,
                "handset": p.final.handset_id,
                "attestation": p.final.attestation.value if p.final.attestation else None,
                "delivery": p.final.delivery.value if p.final.delivery else None,
                "kind": p.kind.value,
                "passed": p.kind is Kind.PASSED,
                "cause": cause_of(p.final),
                "reasons": list(p.final.verdict.reasons) if p.final.verdict else [],
                "screenshot": p.final.artifacts.screenshot,
                "tries": [
                    {
                        "id": a.id,
                        "handset": a.handset_id,
                        "delivery": a.delivery.value if a.delivery else None,
                        "error": a.error,
                    }
                    for a in p.tries
                ],
            }
            for p in planned
        ],
    }


_KIND_STYLE = {
    Kind.PASSED: "green",
    Kind.FAILED: "bold red",
    Kind.UNCERTAIN: "yellow",
    Kind.ERROR: "bold magenta",
    Kind.SKIPPED: "dim",
}


def print_summary(summary: RunSummary) -> None:
    """One row per planned call; errors show the robot's own cause, never just a delivery."""
    table = Table(
        "number", "carrier", "handset", "attest", "delivery", "tries", "result",
        title="Run summary",
    )  # fmt: skip
    planned = summary.planned()
    for p in planned:
        a = p.final
        table.add_row(
            Text(a.number),
            Text(a.carrier),
            Text(a.handset_id or ""),
            a.attestation.value if a.attestation else "-",
            a.delivery.value if a.delivery else "interrupted",
            _tries_text(p),
            Text(f"{p.kind.value}: {cause_of(a)}", style=_KIND_STYLE[p.kind]),
        )
    out = console()
    out.print(table)
    for line in summary.skipped + summary.errors:
        out.print(Text(line, style="yellow"))
    if summary.run.note:
        out.print(Text(summary.run.note, style="yellow"))
    counts = ", ".join(
        f"{n} {kind.value}"
        for kind in Kind
        if (n := sum(1 for p in planned if p.kind is kind))
    )
    out.print(
        f"run {summary.run.id} {summary.run.status.value}: {len(planned)} planned calls"
        f" ({counts or 'none made'}), {len(summary.attempts)} attempts"
    )
    if summary.robot_failed:
        out.print(
            Text(
                "the robot tested nothing: no call reached a handset or a network verdict "
                "(see the causes above)",
                style="bold red",
            )
        )


def farm_from(option: str | None) -> FarmEndpoints | None:
    path = option or os.environ.get(FARM_ENV)
    return FarmEndpoints.read(Path(path)) if path else None


def run_command(
    ctx: typer.Context,
    scenario_ref: str = typer.Argument(..., metavar="SCENARIO", help="Scenario name or file."),
    number: list[str] = typer.Option(
        [], "--number", help="Only these numbers: E.164, tag or brand (repeatable)."
    ),
    carrier: list[str] = typer.Option(
        [], "--carrier", help="Only handsets on these carriers: id or name (repeatable)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; dial nothing."),
    junit: Path | None = typer.Option(None, "--junit", help="Write JUnit XML for CI systems."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    farm: str | None = typer.Option(
        None, "--farm", help=f"Virtual farm ready file (or ${FARM_ENV})."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed for sampled pairs."),
    wait_s: float = typer.Option(
        0.0, "--wait", min=0, help="Seconds to wait for handsets another run holds."
    ),
    ignore_quiet_hours: bool = typer.Option(False, "--ignore-quiet-hours"),
    local: bool = typer.Option(
        False, "--local", help="Make every call in this process, not on the sites' workers."
    ),
) -> None:
    """Run a scenario now: dial, watch the handsets, judge, record.

    Exit 0 when every call passed, 1 when a check failed or a call could not be judged,
    2 for bad input or a refused run (quiet hours, budgets, disk), 3 when the robot tested
    nothing (no handset in service or reachable, trunk or signing refused every call).
    """
    project = project_from(ctx)
    scenario = load_scenario(find_scenario(scenario_ref, project), project)
    only = CallFilter(
        numbers=resolve_numbers(number, project),
        carriers=resolve_carriers(carrier, project),
        seed=seed,
    )
    endpoints = farm_from(farm)
    prepared = prepare(
        project,
        scenario,
        farm=endpoints,
        only=only,
        dry_run=dry_run,
        ignore_quiet_hours=ignore_quiet_hours,
    )
    if dry_run:
        if as_json:
            print_json(plan_json(prepared))
        else:
            _print_plan(prepared)
        return
    summary = run_scenario(
        project,
        prepared,
        farm=endpoints,
        trigger="manual",
        show_progress=not as_json,
        lease_wait_s=wait_s,
        local=local,
    )
    if junit is not None:
        junit.write_text(junit_xml(summary), encoding="utf-8")
    if as_json:
        print_json(summary_json(summary))
    else:
        print_summary(summary)
        console().print(Text(run_alerts_line(project, summary.run.id)))
    code = summary.exit_code()
    if code:
        raise typer.Exit(code)


def _print_plan(prepared: PreparedRun) -> None:
    table = Table(
        "#", "number", "handset", "carrier", "attest", "expect", title=prepared.scenario.name
    )
    for call in prepared.calls:
        table.add_row(
            str(call.index),
            call.number.e164,
            call.handset.id,
            call.handset.carrier,
            call.attestation.value if call.attestation else "-",
            expect_text(call.expectations),
        )
    out = console()
    out.print(table)
    for line in prepared.skipped_lines():
        out.print(Text(f"left out: {line}", style="yellow"))
    for note in prepared.notes:
        out.print(Text(f"note: {note}"))
    if prepared.refusal:
        out.print(Text(f"a run now would be refused: {prepared.refusal}", style="yellow"))
    out.print(f"{len(prepared.calls)} calls planned (dry run: nothing dialled)")


@runs_app.command("list")
def runs_list(
    ctx: typer.Context,
    limit: int = typer.Option(20, "--limit"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recent runs, newest first."""
    bounds.row_limit(limit)
    store = open_project_store(project_from(ctx), create=False)
    try:
        runs = store.runs(limit=limit)
    finally:
        store.close()
    if as_json:
        print_json([_run_dict(r) for r in runs])
        return
    table = Table(
        "run", "scenario", "trigger", "status", "started", "ended", "note", title="Runs"
    )
    for r in runs:
        row = _run_dict(r)
        table.add_row(
            *(
                Text(str(row[k] or ""))
                for k in ("id", "scenario", "trigger", "status", "started_at", "ended_at", "note")
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
    bounds.record_id(run_id, "run")
    store = open_project_store(project_from(ctx), create=False)
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
        "note": run.note,
    }


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
    app.add_typer(runs_app, name="runs")
