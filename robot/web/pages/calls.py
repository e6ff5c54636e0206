"""Pages: calls with filters, and one call's evidence (screenshot, reading with its uncertain
fields, verdict, SIP ladder, trace and page source)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from robot.store.artifacts import ArtifactKind
from robot.web import params
from robot.web.deps import ConsoleDep, Viewer
from robot.web.evidence import read_text
from robot.web.pages.ladder import ladder
from robot.web.pages.render import page
from robot.web.queries import attempt_json, page_link
from robot.web.views import attempt_summary

router = APIRouter(include_in_schema=False)

TEXT_MAX_CHARS = 200_000
READING_ROWS = (
    ("surface", "Call surface"),
    ("name", "Name"),
    ("number", "Number"),
    ("spam_label", "Label"),
    ("spam_class", "Label class"),
    ("label_source", "Label from"),
    ("verified", "Verified badge"),
    ("logo", "Logo shown"),
    ("logo_matches", "Logo is ours"),
    ("call_reason", "Call reason"),
)


def words(values: list[str]) -> list[str]:
    """Form fields hold comma-separated words (a brand has spaces); the API repeats them."""
    return [w.strip() for v in values for w in v.split(",") if w.strip()]


Words = Annotated[list[str], Query()]


@router.get("/attempts")
def attempts_page(
    request: Request,
    console: ConsoleDep,
    _: Viewer,
    number: Words = [],  # noqa: B006
    carrier: Words = [],  # noqa: B006
    scenario: Words = [],  # noqa: B006
    outcome: Words = [],  # noqa: B006
    handset: str | None = None,
    run: int | None = None,
    since: str | None = None,
    until: str | None = None,
    before: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> HTMLResponse:
    query: dict[str, Any] = {
        "number": words(number), "carrier": words(carrier), "scenario": words(scenario),
        "outcome": words(outcome), "handset": handset, "run": run, "since": since,
        "until": until,
    }  # fmt: skip
    where = params.attempt_filter(console.project(), datetime.now(UTC), **query)
    found = console.reads.attempts(where, before=before, limit=limit)
    return page(
        request,
        "attempts.html.j2",
        title="Calls",
        page_id="attempts",
        items=[attempt_summary(a) for a in found.items],
        query=query,
        next=page_link("/attempts", {**query, "limit": limit}, found),
    )


@router.get("/attempts/{attempt_id}")
def attempt_page(attempt_id: int, request: Request, console: ConsoleDep, _: Viewer) -> HTMLResponse:
    detail = attempt_json(console, attempt_id)
    reading = detail["reading"]
    rows = [(f, label, reading[f]) for f, label in READING_ROWS] if reading else []
    return page(
        request,
        "attempt.html.j2",
        title=f"Call {attempt_id}: {detail['number']} on {detail['carrier']}",
        page_id="attempts",
        a=detail,
        r=reading,
        reading_rows=rows,
        ladder=ladder(detail),
        sip_trace=read_text(console, attempt_id, ArtifactKind.SIP_TRACE, TEXT_MAX_CHARS),
        page_source=read_text(console, attempt_id, ArtifactKind.PAGE_SOURCE, TEXT_MAX_CHARS),
    )
