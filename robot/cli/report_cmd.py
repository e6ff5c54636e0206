"""`ringcheck report`: write the weekly HTML report (or the matrix as CSV/JSON) to a folder.

This is the only place the report touches the file system: the HTML goes next to an evidence
folder holding copies of the screenshots, page sources and SIP traces it links to. Copies
come only from inside the artifacts folder and get names chosen from attempt ids.
`write_report()` is what `ringcheck serve` calls to write it every week.
"""

from __future__ import annotations

import logging
import re
import webbrowser
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from reports import thumbnail_cache
from reports.build import Inventory, build_report
from reports.evidence import (
    EvidenceFile,
    EvidenceSource,
    LocalEvidence,
    as_source,
    read_evidence,
    unique_files,
)
from reports.export import matrix_csv, matrix_json
from reports.model import Report
from reports.period import Period
from reports.render import render_html
from robot.cli import dates
from robot.cli.context import CliState
from robot.config.hints import choice_hint
from robot.config.project import Project
from robot.errors import ConfigError, RingcheckError, UsageError
from robot.store import SqlResultStore, open_store
from robot.store import report_queries as q
from robot.store.engine import read_tx
from robot.store_location import check_store_exists, store_location

log = logging.getLogger(__name__)

FORMATS = ("html", "csv", "json")
COPY_THREADS = 8
# Thumbnails by their screen's content hash, beside the store (`reports.evidence.Thumbnailer`).
THUMBNAIL_CACHE = Path(".ringcheck") / "cache" / "thumbnails"


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    evidence_files: int


class EmptyReport(RingcheckError):
    """The period (and scenarios) hold no attempt: a report of nothing is never written."""


def choose_period(
    since: str | None,
    until: str | None,
    *,
    week: str | None = None,
    first: str | None = None,
    last: str | None = None,
    now: datetime | None = None,
) -> Period:
    """`--since`/`--until` (days, ISO weeks, times or ages), by default the last complete ISO
    week. `--week W` and `--from D --to D` are the old spellings, still understood."""
    if week and (first or last or since or until):
        raise UsageError("give either --week or --since/--until, not both")
    if (first or last) and (since or until):
        raise UsageError("give either --from/--to or --since/--until, not both")
    if week:
        since = until = week
    elif first or last:
        since, until = first, last
    return dates.period(since, until, now or datetime.now(UTC))


def slug(period: Period) -> str:
    """A file-name-safe form of the period label (`2026-W48`, `2026-11-01_2026-11-07`)."""
    return re.sub(r"[^0-9A-Za-z-]+", "_", period.label).strip("_")


def inventory_for(state: CliState) -> Inventory:
    """Numbers, handsets, time zone and scenarios' own expected names from the project, or an
    empty inventory without one."""
    project = _project_or_none(state)
    return inventory_of(project) if project is not None else Inventory()


def _project_or_none(state: CliState) -> Project | None:
    from robot.config import PROJECT_FILE, load_project

    if not (state.project_dir / PROJECT_FILE).is_file():
        return None
    return load_project(state.project_dir)


def console_links(project: Project | None) -> Callable[[int], str] | None:
    """Links to each attempt's page in the web console, when the project has a `public_url`."""
    base = project.public_url if project is not None else None
    if not base:
        return None
    return lambda attempt_id: f"{base}/attempts/{attempt_id}"


def inventory_of(project: Project) -> Inventory:
    """What the report knows of a loaded project (the console keeps its project loaded)."""
    labels = {c.name: c.label for c in project.carriers}
    return Inventory(
        project.numbers,
        project.handsets,
        project.timezone,
        labels,
        scenario_names=_scenario_names(project),
    )


def _scenario_names(project: Project) -> dict[str, str]:
    """Scenario → the display name it expects instead of each number's (`expect.name`)."""
    from robot.scenario.load import list_scenario_files, load_scenario

    names = {}
    for path in list_scenario_files(project):
        try:
            scenario = load_scenario(path, project)
        except ConfigError as exc:  # a broken file must not stop the report; say so
            log.warning("report: scenario file skipped: %s", exc)
            continue
        if scenario.expect.check_name and scenario.expect.name:
            names[scenario.name] = scenario.expect.name
    return names


def copy_evidence(report: Report, evidence: Path | EvidenceSource, folder: Path) -> int:
    """Copy every file the report links to (from a folder or a bucket); count the copies."""
    source = as_source(evidence)
    assert source is not None
    observations = [c.latest for c in report.matrix.cells()]
    for change in report.changes:
        observations += [change.before, change.after]
    files = unique_files(o.evidence for o in observations if o is not None)
    if isinstance(source, LocalEvidence):
        return _copy_local(source.files(f.source for f in files), files, folder)

    def copy(item: EvidenceFile) -> bool:
        data = read_evidence(source, item.source)
        if data is None:
            return False
        folder.mkdir(parents=True, exist_ok=True)
        (folder / item.name).write_bytes(data)
        return True

    # From a bucket each file is a request that waits on the network: several go at once.
    with ThreadPoolExecutor(max_workers=COPY_THREADS) as pool:
        return sum(pool.map(copy, files))


def _copy_local(paths: dict[str, Path], files: Sequence[EvidenceFile], folder: Path) -> int:
    """Files on this disk, by the paths found for them once (no per-file path resolution),
    one after the other: threads only fought over the interpreter here (half a million
    lock hand-overs for 4 320 files)."""
    copied = 0
    for item in files:
        path = paths.get(item.source)
        if path is None:
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:  # gone since it was found (pruned meanwhile): left out
            log.warning("evidence %r not read: %s", item.source, exc)
            continue
        if not copied:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / item.name).write_bytes(data)
        copied += 1
    return copied


def write_report(
    state: CliState,
    period: Period,
    out_dir: Path,
    fmt: str = "html",
    scenarios: Sequence[str] = (),
) -> Written:
    """Build the report for `period` (of `scenarios` only, when named) and write it (and its
    evidence) into `out_dir`; refuses a period without attempts."""
    _check_folder(out_dir)
    location = store_location(state.project_dir)
    check_store_exists(state.project_dir, location.url)
    project = _project_or_none(state)
    artifacts = location.evidence()
    store = open_store(location.url, evidence=artifacts, create=False)
    try:
        _check_scenarios(store, scenarios)
        report = build_report(
            store,
            period,
            inventory=inventory_of(project) if project is not None else Inventory(),
            artifacts_dir=artifacts if fmt == "html" else None,
            scenarios=scenarios,
            thumbnail_cache=state.project_dir / THUMBNAIL_CACHE,
        )
        if report.totals.attempts == 0:
            raise _empty(store, period, scenarios)
    finally:
        store.close()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out_dir}: cannot create the folder ({exc.strerror})") from None
    name = f"ringcheck-{slug(period)}"
    if scenarios:
        name += "-" + "-".join(re.sub(r"[^0-9A-Za-z_.-]+", "_", s) for s in scenarios)
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
    html = render_html(report, evidence_rel=evidence_rel, attempt_url=console_links(project))
    path.write_text(html, encoding="utf-8")
    copied = copy_evidence(report, artifacts, out_dir / evidence_rel)
    thumbnail_cache.prune(state.project_dir / THUMBNAIL_CACHE)  # what no recent report used
    return Written(path, copied)


def _check_folder(out_dir: Path) -> None:
    """`--out` names a folder (the report goes there beside its evidence), checked before
    any work is done."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(
            f"--out {out_dir} is a file: give a folder (the report and its evidence go inside)"
        )


def _check_scenarios(store: SqlResultStore, scenarios: Sequence[str]) -> None:
    if not scenarios:
        return
    with read_tx(store.engine) as conn:
        known = q.known_scenarios(conn)
    for name in scenarios:
        if name not in known:
            raise UsageError(
                f"--scenario {name!r}: no run of that scenario in the store "
                f"({choice_hint(name, known, 'scenarios with runs')})"
            )


def _empty(store: SqlResultStore, period: Period, scenarios: Sequence[str]) -> EmptyReport:
    """Say where the attempts are, so the next command is obvious."""
    with read_tx(store.engine) as conn:
        last = q.last_attempt_at(conn, scenarios)
    whose = f" of scenario {', '.join(scenarios)}" if scenarios else ""
    if last is None:
        return EmptyReport(
            f"no attempts{whose} in the store yet: nothing to report "
            "(run a scenario first: `ringcheck run SCENARIO`)"
        )
    week = Period.week_containing(last)
    return EmptyReport(
        f"no attempts{whose} in {period.label} — last attempts were in {week.label} "
        f"({last:%Y-%m-%d}); try `ringcheck report --since {week.label} --until {week.label}`"
    )


def report(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help=f"From: {dates.FORMS}.")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Until, included (same forms as --since).")
    ] = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option("--scenario", help="Only the runs of this scenario (repeatable)."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write into")] = Path("."),
    open_it: Annotated[bool, typer.Option("--open", help="Open the report in a browser")] = False,
    fmt: Annotated[str, typer.Option("--format", help="html, csv or json")] = "html",
    week: Annotated[str | None, typer.Option("--week", hidden=True)] = None,
    first: Annotated[str | None, typer.Option("--from", hidden=True)] = None,
    last: Annotated[str | None, typer.Option("--to", hidden=True)] = None,
) -> None:
    """Write the weekly report (default: the last complete ISO week); exit 1 when the period
    holds no attempts."""
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    state: CliState = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    period = choose_period(since, until, week=week, first=first, last=last)
    written = write_report(state, period, out, fmt, tuple(dict.fromkeys(scenario or ())))
    typer.echo(f"wrote {written.path}")
    if written.evidence_files:
        typer.echo(f"copied {written.evidence_files} evidence files beside it")
    if open_it:
        webbrowser.open(written.path.resolve().as_uri())


def register(app: typer.Typer) -> None:
    app.command("report")(report)
