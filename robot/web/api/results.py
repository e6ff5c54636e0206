"""Results: attempts with filters, one attempt, its evidence, the matrix, the Now snapshot and
weekly reports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from robot.web import params
from robot.web.deps import ConsoleDep, Viewer
from robot.web.evidence import REPORT_CSP, evidence_response, kind_of
from robot.web.queries import (
    attempt_json,
    matrix,
    now_snapshot,
    page_link,
    report_weeks,
    week,
)
from robot.web.views import attempt_summary, page_json

router = APIRouter(prefix="/api", tags=["results"])

Many = Annotated[list[str], Query()]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
Before = Annotated[int | None, Query(description="Page on: the `next` link sets it.")]


@router.get("/attempts", summary="Attempts, newest first, by number/carrier/scenario/date/outcome")
def list_attempts(
    console: ConsoleDep,
    _: Viewer,
    number: Annotated[list[str], Query(description="E.164, tag or brand (repeatable).")] = [],  # noqa: B006
    carrier: Annotated[list[str], Query(description="Carrier id or name (repeatable).")] = [],  # noqa: B006
    scenario: Many = [],  # noqa: B006
    outcome: Annotated[
        list[str],
        Query(
            description="A verdict (fail), delivery (blocked), screen state (labelled) or status."
        ),
    ] = [],  # noqa: B006
    handset: str | None = None,
    run: int | None = None,
    since: Annotated[str | None, Query(description="A day, ISO week, time or age (7d).")] = None,
    until: Annotated[str | None, Query(description="Included: a day, ISO week or time.")] = None,
    limit: Limit = 50,
    before: Before = None,
) -> dict[str, Any]:
    where = params.attempt_filter(
        console.project(),
        datetime.now(UTC),
        number=number,
        carrier=carrier,
        scenario=scenario,
        outcome=outcome,
        handset=handset,
        run=run,
        since=since,
        until=until,
    )
    page = console.reads.attempts(where, before=before, limit=limit)
    query = {
        "number": number, "carrier": carrier, "scenario": scenario, "outcome": outcome,
        "handset": handset, "run": run, "since": since, "until": until, "limit": limit,
    }  # fmt: skip
    return page_json(
        [attempt_summary(a) for a in page.items], page_link("/api/attempts", query, page)
    )


@router.get("/attempts/{attempt_id}", summary="One attempt: SIP, reading, verdict, evidence")
def show_attempt(attempt_id: int, console: ConsoleDep, _: Viewer) -> dict[str, Any]:
    return attempt_json(console, attempt_id)


@router.get(
    "/attempts/{attempt_id}/evidence/{kind}",
    summary="An attempt's screenshot, page source or SIP trace, streamed",
    response_class=Response,
    responses={
        200: {
            "description": "The file, with its own content type.",
            "content": {
                "image/png": {},
                "application/xml": {},
                "text/plain": {},
            },
        }
    },
)
def attempt_evidence(attempt_id: int, kind: str, console: ConsoleDep, _: Viewer) -> Response:
    return evidence_response(console, attempt_id, kind_of(kind))


@router.get("/matrix", summary="Numbers × carriers: the latest state of each cell")
def get_matrix(console: ConsoleDep, _: Viewer) -> dict[str, Any]:
    return matrix(console).as_json()


@router.get("/now", summary="Running and recent runs with progress, and every handset")
def get_now(console: ConsoleDep, _: Viewer) -> dict[str, Any]:
    return now_snapshot(console)


@router.get("/reports", summary="ISO weeks with attempts, newest first")
def list_reports(console: ConsoleDep, _: Viewer) -> dict[str, Any]:
    weeks = report_weeks(console, datetime.now(UTC))
    items = [
        {"week": w.label, "start": w.start.isoformat(), "end": w.end.isoformat(),
         "html": f"/api/reports/{w.label}", "page": f"/reports/{w.label}"}
        for w in weeks
    ]  # fmt: skip
    return page_json(items, None)


@router.get(
    "/reports/{iso_week}",
    summary="The weekly HTML report of an ISO week (2026-W48)",
    response_class=HTMLResponse,
)
def get_report(iso_week: str, console: ConsoleDep, _: Viewer) -> HTMLResponse:
    html = console.reports.html(console, week(iso_week))
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})
