"""`ringcheck evidence NUMBER --out FILE.zip`: the bundle a carrier asks for in a dispute.

The zip holds a one-page summary (HTML and Markdown), every stored field of each attempt
(attempts.json) and the screenshots, page sources and SIP traces under `files/`, copied from
inside the evidence store only (a folder or a bucket) and named from attempt ids.
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from reports.bundle import Bundle, build_bundle
from reports.evidence import EvidenceSource, read_evidence
from robot.cli import dates
from robot.cli.context import CliState
from robot.cli.filters import carriers_for
from robot.errors import UsageError
from robot.store import open_store
from robot.store import report_queries as q
from robot.store.engine import read_tx
from robot.store_location import check_store_exists, store_location

MAX_ATTEMPTS = 500


def evidence(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Our number, E.164 (e.g. +12025550101)")],
    out: Annotated[Path, typer.Option("--out", help="The zip file to write")],
    carrier: Annotated[
        str | None, typer.Option("--carrier", help="Only this carrier: id or name")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help=f"From: {dates.FORMS}.")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Until, included (same forms as --since).")
    ] = None,
    first: Annotated[str | None, typer.Option("--from", hidden=True)] = None,
    last: Annotated[str | None, typer.Option("--to", hidden=True)] = None,
) -> None:
    """Bundle screenshots, page sources, SIP traces and verdicts of one number into a zip."""
    state: CliState = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    number = "".join(number.split())
    if out.suffix.lower() != ".zip":
        raise UsageError(f"--out {out}: the bundle is a zip file; name it e.g. evidence.zip")
    if (first or last) and (since or until):
        raise UsageError("give either --from/--to or --since/--until, not both")
    since, until = since or first, until or last
    location = store_location(state.project_dir)
    check_store_exists(state.project_dir, location.url)
    artifacts = location.evidence()
    store = open_store(location.url, evidence=artifacts, create=False)
    try:
        start, end = dates.span(since, until, store.clock.now())
        range_text = _range_text(since, until)
        if carrier is not None:
            carrier = carriers_for(state, store, [carrier])[0]
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


def _range_text(since: str | None, until: str | None) -> str:
    if since and until:
        return f"{since} to {until}"
    if since:
        return f"from {since}"
    if until:
        return f"until {until}"
    return f"all stored calls (newest {MAX_ATTEMPTS} at most)"


def _write_zip(out: Path, bundle: Bundle, artifacts: EvidenceSource) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    copied = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.html", bundle.summary_html)
        archive.writestr("summary.md", bundle.summary_md)
        archive.writestr("attempts.json", bundle.attempts_json)
        for item in bundle.files:
            data = read_evidence(artifacts, item.source)
            if data is not None:
                archive.writestr(f"files/{item.name}", data)
                copied += 1
    return copied


def register(app: typer.Typer) -> None:
    app.command("evidence")(evidence)
