"""`ringcheck results list|export|prune`: read and tidy the results store.

Everything printed here may hold text read off a handset screen, which is untrusted: tables get
it as plain `Text` (never Rich markup), CSV cells that a spreadsheet would run as a formula are
quoted, and JSON is JSON.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from robot.cli import bounds, dates
from robot.cli.context import CliState
from robot.cli.filters import carriers_for, numbers_for
from robot.cli.printable import cell, printable, safe_console, safe_json
from robot.domain.model import Attempt, CheckState, Tristate, Verdict
from robot.errors import UsageError
from robot.store import SqlResultStore
from robot.store_location import open_store_in

results_app = typer.Typer(
    help="List, export and prune stored test-call results.", no_args_is_help=True
)


def _state(ctx: typer.Context) -> CliState:
    return ctx.obj if isinstance(ctx.obj, CliState) else CliState()


def _store(ctx: typer.Context) -> SqlResultStore:
    return open_store_in(_state(ctx).project_dir, create=False)  # listing never creates


# --- shapes for machines --------------------------------------------------------------------


def _tristate(value: Tristate | None) -> bool | None:
    return {Tristate.YES: True, Tristate.NO: False}.get(value) if value else None


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def attempt_json(a: Attempt) -> dict[str, Any]:
    """The export shape of one attempt (stable keys; `verified`/`logo` are booleans or null)."""
    sip, reading, verdict = a.sip, a.reading, a.verdict
    return {
        "id": a.id,
        "run": a.run_id,
        "status": a.status.value,
        "dialed_at": _iso(a.times.dialed_at),
        "ended_at": _iso(a.times.ended_at),
        "number": a.number,
        "carrier": a.carrier,
        "handset": a.handset_id,
        "attestation": a.attestation.value if a.attestation else None,
        "delivery": a.delivery.value if a.delivery else None,
        "call_id": sip.call_id if sip else None,
        "handset_ringing_at": _iso(a.times.handset_ringing_at),
        "final_code": sip.final_code if sip else None,
        "final_phrase": sip.final_phrase if sip else None,
        "name": reading.name if reading else None,
        "number_shown": reading.number if reading else None,
        "spam_label": reading.spam_label if reading else None,
        "spam_class": reading.spam_class.value if reading and reading.spam_class else None,
        "verified": _tristate(reading.verified) if reading else None,
        "logo": reading.logo if reading else None,
        "surface": reading.surface.value if reading and reading.surface else None,
        "label_source": reading.label_source.value if reading and reading.label_source else None,
        "uncertain": list(reading.uncertain) if reading else [],
        "display_state": a.display_state.value if a.display_state else None,
        "settings": dict(a.settings),
        "verdict": (
            {
                "passed": verdict.passed,
                "outcome": verdict.outcome.value,
                "checks": [
                    {
                        "expectation": c.expectation,
                        "state": c.state.value,
                        "passed": c.passed,
                        "reason": c.reason,
                    }
                    for c in verdict.checks
                ],
            }
            if verdict
            else None
        ),
        "screenshot": a.artifacts.screenshot,
        "page_source": a.artifacts.page_source,
        "error": a.error,
        "slot_wait_ms": a.slot_wait_ms,  # waited for a free trunk slot before dialling
        "damaged": list(a.damaged),  # stored fields that could not be read back
    }


CSV_FIELDS = [
    "id", "run", "status", "dialed_at", "ended_at", "number", "carrier", "handset",
    "attestation", "delivery", "final_code", "final_phrase", "name", "number_shown",
    "spam_label", "spam_class", "verified", "logo", "surface", "uncertain", "display_state",
    "verdict", "verdict_reasons", "screenshot", "page_source", "error",
]  # fmt: skip
_PHONE_LIKE = re.compile(r"^[+\-\d\s().]*$")


def _csv_cell(value: Any) -> str:
    """Text that a spreadsheet would run as a formula is prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = printable(value, one_line=False)  # a cell printed to a terminal cannot drive it
    if text and (text[0] in "=@\t\r" or (text[0] in "+-" and not _PHONE_LIKE.match(text))):
        return "'" + text
    return text


def attempts_csv(items: list[Attempt]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for a in items:
        row = attempt_json(a)
        verdict = row.pop("verdict")
        row["verdict"] = None if verdict is None else verdict["outcome"]
        row["uncertain"] = ";".join(row["uncertain"]) or None
        row["verdict_reasons"] = "; ".join(a.verdict.reasons) if a.verdict else None
        writer.writerow({k: _csv_cell(row.get(k)) for k in CSV_FIELDS})
    return out.getvalue()


def _verdict_word(verdict: Verdict) -> str:
    """FAIL in capitals so a failure stands out in a long table; the others as stored."""
    outcome = verdict.outcome
    return "FAIL" if outcome is CheckState.FAIL else outcome.value


# --- commands -------------------------------------------------------------------------------


def _console() -> Console:
    return safe_console(width=160)


def _select(
    ctx: typer.Context,
    store: SqlResultStore,
    run: int | None,
    carriers: list[str],
    numbers: list[str],
    since: str | None,
    until: str | None,
    limit: int | None,
) -> list[Attempt]:
    state = _state(ctx)
    if run is not None:
        bounds.record_id(run, "--run")
    if limit is not None:
        bounds.row_limit(limit)
    start, stop = dates.span(since, until, store.clock.now())
    return store.attempts(
        run_id=run,
        carrier=carriers_for(state, store, carriers) or None,
        number=numbers_for(state, numbers) or None,
        since=start,
        until=stop,
        limit=limit,
    )


_RUN = typer.Option(None, "--run", help="Only this run id.")
_CARRIER = typer.Option([], "--carrier", help="Only these carriers: id or name (repeatable).")
_NUMBER = typer.Option(
    [], "--number", help="Only these numbers: E.164, tag or brand (repeatable)."
)
_SINCE = typer.Option(None, "--since", help=f"Dialled since: {dates.FORMS}.")
_UNTIL = typer.Option(None, "--until", help="Dialled until, included (same forms as --since).")


@results_app.command("list")
def list_cmd(
    ctx: typer.Context,
    run: int | None = _RUN,
    carrier: list[str] = _CARRIER,
    number: list[str] = _NUMBER,
    since: str | None = _SINCE,
    until: str | None = _UNTIL,
    limit: int = typer.Option(50, "--limit", help="At most this many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List recorded attempts, newest first."""
    store = _store(ctx)
    try:
        items = _select(ctx, store, run, carrier, number, since, until, limit)
    finally:
        store.close()
    if as_json:
        typer.echo(safe_json([attempt_json(a) for a in items]))
        return
    table = Table(title=f"Attempts ({len(items)})", title_justify="left")
    columns = ("id", "run", "dialed (UTC)", "number", "carrier", "handset", "phone", "delivery",
               "SIP")  # fmt: skip
    for column in (*columns, "name", "label", "verified", "verdict"):
        table.add_column(column, overflow="fold")
    for a in items:
        reading = a.reading
        table.add_row(
            *(
                cell(v)
                for v in (
                    a.id,
                    a.run_id,
                    "damaged"
                    if "dialed_at" in a.damaged
                    else f"{a.times.dialed_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
                    a.number,
                    a.carrier,
                    a.handset_id,
                    a.display_state.value if a.display_state else None,
                    a.delivery.value if a.delivery else a.status.value,
                    a.sip.final_code if a.sip else None,
                    reading.name if reading else None,
                    reading.spam_label if reading else None,
                    reading.verified.value if reading else None,
                    _verdict_cell(a),
                )
            )
        )
    _console().print(table)


def _verdict_cell(a: Attempt) -> str | None:
    if a.damaged:  # the row is shown as far as it could be read
        return "damaged: " + ", ".join(a.damaged)
    return None if a.verdict is None else _verdict_word(a.verdict)


@results_app.command("export")
def export_cmd(
    ctx: typer.Context,
    fmt: str | None = typer.Option(None, "--format", help="csv or json."),
    as_json: bool = typer.Option(False, "--json", help="JSON (the same as --format json)."),
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to FILE instead of stdout.")
    ] = None,
    run: int | None = _RUN,
    carrier: list[str] = _CARRIER,
    number: list[str] = _NUMBER,
    since: str | None = _SINCE,
    until: str | None = _UNTIL,
) -> None:
    """Export attempts (oldest first) as CSV or a JSON array, for spreadsheets and scripts."""
    kind = "json" if as_json and fmt is None else (fmt or "").strip().lower()
    if as_json and kind != "json":
        raise UsageError(f"--json and --format {fmt} disagree: give one of them")
    if kind not in ("csv", "json"):
        raise UsageError(f"--format {fmt!r}: use csv or json (or --json)")
    store = _store(ctx)
    try:
        items = _select(ctx, store, run, carrier, number, since, until, None)
    finally:
        store.close()
    items.reverse()
    if kind == "json":
        text = safe_json([attempt_json(a) for a in items]) + "\n"
    else:
        text = attempts_csv(items)
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write ({exc.strerror or exc})") from exc
    typer.echo(f"exported {len(items)} attempt(s) to {out}", err=True)


@results_app.command("prune")
def prune_cmd(
    ctx: typer.Context,
    older_than: str = typer.Option(..., "--older-than", help="Age such as 90d, 12w or 48h."),
) -> None:
    """Delete attempts dialled longer ago than the age given, with their evidence files."""
    age = dates.parse_age(older_than)
    store = _store(ctx)
    try:
        cutoff = store.clock.now() - age
        result = store.prune(cutoff)
    finally:
        store.close()
    typer.echo(
        f"pruned {result.attempts} attempt(s), {result.runs} run(s) and {result.files} file(s)"
        f" dialled before {cutoff:%Y-%m-%d %H:%M} UTC"
    )
    if result.live_runs:
        runs = ", ".join(str(r) for r in result.live_runs)
        since = f"{result.kept_since:%Y-%m-%d %H:%M} UTC" if result.kept_since else "their start"
        typer.echo(
            f"kept {result.kept} attempt(s) dialled since {since}, when run(s) {runs} began:"
            " still in progress; prune again once they end"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(results_app, name="results")
