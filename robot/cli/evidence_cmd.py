"""`ringcheck evidence NUMBER --out FILE.zip`: the bundle a carrier asks for in a dispute.

The zip holds a one-page summary (HTML and Markdown), every stored field of each attempt
(attempts.json) and the screenshots, page sources and SIP traces under `files/`, copied from
inside the artifacts folder only and named from attempt ids.
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from reports.bundle import Bundle, build_bundle
from reports.evidence import resolve_artifact
from reports.period import Period
from robot.cli.context import CliState
from robot.errors import UsageError
from robot.store import open_store
from robot.store import report_queries as q
from robot.store.engine import read_tx
from robot.wiring import store_location

MAX_ATTEMPTS = 500


def evidence(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Our number, E.164 (e.g. +12025550101)")],
    out: Annotated[Path, typer.Option("--out", help="The zip file to write")],
    carrier: Annotated[str | None, typer.Option("--carrier", help="Only this carrier")] = None,
    first: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD)")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last day, included")] = None,
) -> None:
    """Bundle screenshots, page sources, SIP traces and verdicts of one number into a zip."""
    state: CliState = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    number = "".join(number.split())
    if out.suffix.lower() != ".zip":
        raise UsageError(f"--out {out}: the bundle is a zip file; name it e.g. evidence.zip")
    start, end, range_text = _range(first, last)
    location = store_location(state.project_dir)
    artifacts = location.artifacts_dir
    store = open_store(location.url, artifacts_dir=artifacts)
    try:
        with read_tx(store.engine) as conn:
            rows = q.attempts_for_evidence(conn, number, carrier, start, end, MAX_ATTEMPTS)
            summary = q.evidence_summary(conn, number, carrier, start, end)
    finally:
        store.close()
    if not rows:
        where = f" on {carrier}" if carrier else ""
        hint = f" (did you mean +{number}?)" if not number.startswith("+") else ""
        raise UsageError(
            f"no test calls from {number}{where} ({range_text}){hint}: numbers are E.164 "
            "as `ringcheck results list` shows them"
        )
    bundle = build_bundle(
        number,
        carrier,
        rows,
        generated_at=datetime.now(UTC),
        range_text=range_text,
        summary=summary,
    )
    copied = _write_zip(out, bundle, artifacts)
    typer.echo(f"wrote {out} ({len(rows)} calls, {copied} files)")


def _range(first: str | None, last: str | None) -> tuple[datetime | None, datetime | None, str]:
    if first and last:
        period = Period.dates(first, last)
        return period.start, period.end, f"{first} to {last}"
    if first:
        return Period.dates(first, first).start, None, f"from {first}"
    if last:
        return None, Period.dates(last, last).end, f"until {last}"
    return None, None, f"all stored calls (newest {MAX_ATTEMPTS} at most)"


def _write_zip(out: Path, bundle: Bundle, artifacts: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    copied = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.html", bundle.summary_html)
        archive.writestr("summary.md", bundle.summary_md)
        archive.writestr("attempts.json", bundle.attempts_json)
        for item in bundle.files:
            source = resolve_artifact(artifacts, item.source)
            if source is not None:
                archive.write(source, f"files/{item.name}")
                copied += 1
    return copied


def register(app: typer.Typer) -> None:
    app.command("evidence")(evidence)
