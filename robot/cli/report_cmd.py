"""`ringcheck report`: write the weekly HTML report (or the matrix as CSV/JSON) to a folder.

This is the only place the report touches the file system: the HTML goes next to an evidence
folder holding copies of the screenshots, page sources and SIP traces it links to. Copies
come only from inside the artifacts folder and get names chosen from attempt ids.
`write_report()` is what `ringcheck serve` calls to write it every week.
"""

from __future__ import annotations

import logging
import re
import shutil
import webbrowser
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from reports.build import Inventory, build_report
from reports.evidence import resolve_artifact, unique_files
from reports.export import matrix_csv, matrix_json
from reports.model import Report
from reports.period import Period
from reports.render import render_html
from robot.cli.context import CliState
from robot.errors import UsageError
from robot.store import open_store
from robot.wiring import store_location

log = logging.getLogger(__name__)

FORMATS = ("html", "csv", "json")


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    evidence_files: int


def choose_period(week: str | None, first: str | None, last: str | None) -> Period:
    """`--week`, or `--from` with `--to`, or by default the last complete ISO week."""
    if week and (first or last):
        raise UsageError("give either --week or --from/--to, not both")
    if week:
        return Period.iso_week(week)
    if first or last:
        if not (first and last):
            raise UsageError("--from and --to go together (both days are included)")
        return Period.dates(first, last)
    return Period.last_complete_week(datetime.now(UTC))


def slug(period: Period) -> str:
    """A file-name-safe form of the period label (`2026-W48`, `2026-11-01_2026-11-07`)."""
    return re.sub(r"[^0-9A-Za-z-]+", "_", period.label).strip("_")


def inventory_for(state: CliState) -> Inventory:
    """Numbers, handsets and time zone from the project, or an empty inventory without one."""
    from robot.config import PROJECT_FILE, load_project

    if not (state.project_dir / PROJECT_FILE).is_file():
        return Inventory()
    project = load_project(state.project_dir)
    labels = {c.name: c.label for c in project.carriers}
    return Inventory(project.numbers, project.handsets, project.timezone, labels)


def copy_evidence(report: Report, artifacts_dir: Path, folder: Path) -> int:
    """Copy every file the report links to; returns how many were copied."""
    observations = [c.latest for c in report.matrix.cells()]
    for change in report.changes:
        observations += [change.before, change.after]
    files = unique_files(o.evidence for o in observations if o is not None)
    copied = 0
    for item in files:
        source = resolve_artifact(artifacts_dir, item.source)
        if source is None:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / item.name)
        copied += 1
    return copied


def write_report(state: CliState, period: Period, out_dir: Path, fmt: str = "html") -> Written:
    """Build the report for `period` and write it (and its evidence) into `out_dir`."""
    where = store_location(state.project_dir)
    artifacts = where.artifacts_dir
    store = open_store(where.url, artifacts_dir=artifacts)
    try:
        report = build_report(
            store,
            period,
            inventory=inventory_for(state),
            artifacts_dir=artifacts if fmt == "html" else None,
        )
    finally:
        store.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"ringcheck-{slug(period)}"
    if fmt == "csv":
        path = out_dir / f"{name}-matrix.csv"
        path.write_text(matrix_csv(report), encoding="utf-8")
        return Written(path, 0)
    if fmt == "json":
        path = out_dir / f"{name}-matrix.json"
        path.write_text(matrix_json(report), encoding="utf-8")
        return Written(path, 0)
    evidence_rel = f"{name}-evidence"
    path = out_dir / f"{name}.html"
    path.write_text(render_html(report, evidence_rel=evidence_rel), encoding="utf-8")
    copied = copy_evidence(report, artifacts, out_dir / evidence_rel)
    return Written(path, copied)


def report(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option("--week", help="ISO week, e.g. 2026-W48")] = None,
    first: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD), with --to")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last day, included")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write into")] = Path("."),
    open_it: Annotated[bool, typer.Option("--open", help="Open the report in a browser")] = False,
    fmt: Annotated[str, typer.Option("--format", help="html, csv or json")] = "html",
) -> None:
    """Write the weekly report (default: the last complete ISO week)."""
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    state: CliState = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    period = choose_period(week, first, last)
    written = write_report(state, period, out, fmt)
    typer.echo(f"wrote {written.path}")
    if written.evidence_files:
        typer.echo(f"copied {written.evidence_files} evidence files beside it")
    if open_it:
        webbrowser.open(written.path.resolve().as_uri())


def register(app: typer.Typer) -> None:
    app.command("report")(report)
