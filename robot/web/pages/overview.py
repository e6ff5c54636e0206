"""Pages: Now (runs and handsets, updated live by the page script), Matrix, runs."""

from __future__ import annotations

from datetime import tzinfo
from typing import Annotated
from urllib.parse import quote_plus

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from robot.store.console_queries import AttemptFilter
from robot.web import actions
from robot.web.deps import ActorDep, ConsoleDep, Operator, Viewer
from robot.web.pages.render import STATE_WORDS, page
from robot.web.queries import Matrix, matrix, now_snapshot, page_link, run_record, runs_json
from robot.web.views import attempt_summary

router = APIRouter(include_in_schema=False)

POLL_S = 2


@router.get("/")
def home(_: Viewer) -> RedirectResponse:
    return RedirectResponse("/now", status_code=303)


@router.get("/now")
def now_page(request: Request, console: ConsoleDep, _: Viewer) -> HTMLResponse:
    return page(
        request,
        "now.html.j2",
        title="Now",
        page_id="now",
        snapshot=now_snapshot(console),
        poll_s=POLL_S,
    )


@router.get("/matrix")
def matrix_page(request: Request, console: ConsoleDep, _: Viewer) -> HTMLResponse:
    found = matrix(console)
    zone = console.project().zone
    return page(
        request,
        "matrix.html.j2",
        title="Matrix",
        page_id="matrix",
        matrix=found,
        rows=matrix_rows(found, zone),
    )


def matrix_rows(found: Matrix, zone: tzinfo) -> list[tuple[str, str, list[dict[str, str] | None]]]:
    """Each number's row with its cells ready to print: with 2 000 cells, a template macro
    call (or a URL encoding) per cell costs more than the query."""
    columns = [(carrier, quote_plus(carrier)) for carrier, _ in found.carriers]
    rows = []
    for number, expected in found.numbers:
        base = f"/attempts?number={quote_plus(number)}&carrier="
        cells: list[dict[str, str] | None] = []
        for carrier, quoted in columns:
            cell = found.cells.get((number, carrier))
            if cell is None:
                cells.append(None)
                continue
            word, icon, css = STATE_WORDS.get(cell.state, STATE_WORDS[None])
            if cell.state == "labelled":
                extra = cell.spam_label or ""
            elif cell.state == "misnamed":
                extra = cell.name or "(no name)"
            elif cell.state == "blocked":
                extra = str(cell.final_code or "")
            else:
                extra = ""
            cells.append(
                {
                    "href": base + quoted, "css": css, "icon": icon, "word": word,
                    "extra": extra,
                    "when": cell.dialed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                }
            )  # fmt: skip
        rows.append((number, expected or "", cells))
    return rows


@router.get("/runs")
def runs_page(
    request: Request,
    console: ConsoleDep,
    _: Viewer,
    before: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> HTMLResponse:
    found = console.reads.runs(before=before, limit=limit)
    return page(
        request,
        "runs.html.j2",
        title="Runs",
        page_id="runs",
        runs=runs_json(console, found.items),
        next=page_link("/runs", {"limit": limit}, found),
    )


@router.get("/runs/{run_id}")
def run_page(run_id: int, request: Request, console: ConsoleDep, _: Viewer) -> HTMLResponse:
    run = runs_json(console, [run_record(console, run_id)])[0]
    calls = console.reads.attempts(AttemptFilter(run_id=run_id), before=None, limit=500)
    return page(
        request,
        "run.html.j2",
        title=f"Run {run_id}",
        page_id="runs",
        run=run,
        attempts=[attempt_summary(a) for a in calls.items],
    )


@router.post("/runs/{run_id}/cancel")
def cancel_form(run_id: int, console: ConsoleDep, _: Operator, actor: ActorDep) -> RedirectResponse:
    actions.cancel(console, actor, run_id)
    return RedirectResponse(f"/runs/{run_id}?cancelled={run_id}", status_code=303)
