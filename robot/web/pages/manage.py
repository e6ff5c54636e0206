"""Pages: Scenarios (dry-run preview, start a run), Handsets (enable, disable, release),
Reports (weekly, by ISO week), Audit, Tokens (admins)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from robot.domain.access import Role
from robot.errors import UsageError
from robot.scenario.load import find_scenario, load_scenario
from robot.web import actions
from robot.web.api.runs import call_filter, scenario_json, scenarios_json
from robot.web.deps import ActorDep, Admin, ConsoleDep, Operator, Viewer
from robot.web.evidence import REPORT_CSP, report_evidence
from robot.web.launcher import RunRequest
from robot.web.pages.calls import words
from robot.web.pages.render import page
from robot.web.queries import handsets, report_weeks, week

router = APIRouter(include_in_schema=False)

Words = Annotated[list[str], Query()]


@router.get("/scenarios")
def scenarios_page(request: Request, console: ConsoleDep, _: Viewer) -> HTMLResponse:
    return page(
        request,
        "scenarios.html.j2",
        title="Scenarios",
        page_id="scenarios",
        scenarios=scenarios_json(console.project()),
    )


@router.get("/scenarios/{name}")
def scenario_page(
    name: str,
    request: Request,
    console: ConsoleDep,
    _: Viewer,
    number: Words = [],  # noqa: B006
    carrier: Words = [],  # noqa: B006
    seed: str | None = None,
) -> HTMLResponse:
    project = console.project()
    scenario = load_scenario(find_scenario(name, project), project)
    # A sampled scenario draws its pairs from the seed: the run dials what was previewed.
    chosen_seed = _seed(seed)
    if chosen_seed is None:
        chosen_seed = secrets.randbelow(1_000_000)
    numbers, carriers = words(number), words(carrier)
    only = call_filter(project, numbers, carriers, chosen_seed)
    query = {"number": numbers, "carrier": carriers, "seed": chosen_seed}
    prepared = console.launcher.plan(RunRequest(scenario.name, only))
    from robot.cli.run_cmd import plan_json

    return page(
        request,
        "scenario.html.j2",
        title=f"Scenario {scenario.name}",
        page_id="scenarios",
        scenario=scenario_json(scenario, project),
        plan=plan_json(prepared),
        query=query,
    )


def _seed(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"seed {text!r}: a whole number, or nothing") from None


@router.post("/scenarios/{name}/run")
def trigger_form(
    name: str,
    console: ConsoleDep,
    _: Operator,
    actor: ActorDep,
    number: Annotated[list[str], Form()] = [],  # noqa: B006
    carrier: Annotated[list[str], Form()] = [],  # noqa: B006
    seed: Annotated[str | None, Form()] = None,
    ignore_quiet_hours: Annotated[str | None, Form()] = None,
    wait_s: Annotated[str, Form()] = "0",
) -> RedirectResponse:
    try:
        wait = float(wait_s or 0)
    except ValueError:
        raise UsageError(f"wait {wait_s!r}: seconds, such as 0 or 60") from None
    if not 0 <= wait <= 3600:
        raise UsageError(f"wait {wait_s!r}: between 0 and 3600 seconds")
    only = call_filter(console.project(), words(number), words(carrier), _seed(seed))
    request = RunRequest(name, only, ignore_quiet_hours=bool(ignore_quiet_hours), wait_s=wait)
    run = actions.trigger(console, actor, request)
    return RedirectResponse(f"/now?started={run.id}#run-{run.id}", status_code=303)


@router.get("/handsets")
def handsets_page(request: Request, console: ConsoleDep, _: Viewer) -> HTMLResponse:
    return page(
        request, "handsets.html.j2", title="Handsets", page_id="handsets",
        handsets=handsets(console),
    )  # fmt: skip


@router.post("/handsets/{handset_id}/{action}")
def handset_form(
    handset_id: str, action: str, console: ConsoleDep, _: Operator, actor: ActorDep
) -> RedirectResponse:
    if action in ("enable", "disable"):
        actions.set_enabled(console, actor, handset_id, action == "enable")
        done = f"{action}d"
    elif action == "release":
        actions.release(console, actor, handset_id)
        done = "released"
    else:
        raise UsageError(f"no handset action {action!r} (enable, disable or release)")
    return RedirectResponse(f"/handsets?{done}={handset_id}", status_code=303)


@router.get("/reports")
def reports_page(request: Request, console: ConsoleDep, _: Viewer) -> HTMLResponse:
    weeks = report_weeks(console, datetime.now(UTC))
    return page(request, "reports.html.j2", title="Reports", page_id="reports", weeks=weeks)


@router.get("/reports/evidence/{name}")
def report_evidence_file(name: str, console: ConsoleDep, _: Viewer) -> Response:
    return report_evidence(console, name)


@router.get("/reports/{iso_week}")
def report_page(iso_week: str, console: ConsoleDep, _: Viewer) -> HTMLResponse:
    html = console.reports.html(console, week(iso_week))
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/audit")
def audit_page(
    request: Request,
    console: ConsoleDep,
    _: Viewer,
    before: int | None = None,
    action: str | None = None,
    actor: str | None = None,
) -> HTMLResponse:
    limit = 100
    entries = console.audit.entries(before_id=before, limit=limit + 1, action=action, actor=actor)
    more = len(entries) > limit
    entries = entries[:limit]
    next_url = f"/audit?before={entries[-1].id}" if more and entries else None
    return page(
        request, "audit.html.j2", title="Audit", page_id="audit", entries=entries, next=next_url
    )


def _tokens_page(request: Request, console: ConsoleDep, **extra: object) -> HTMLResponse:
    return page(
        request,
        "tokens.html.j2",
        title="Tokens",
        page_id="tokens",
        tokens=console.tokens.list(),
        roles=[r.value for r in Role],
        **{"created": None, "created_secret": None, **extra},
    )


@router.get("/tokens")
def tokens_page(request: Request, console: ConsoleDep, _: Admin) -> HTMLResponse:
    return _tokens_page(request, console)


@router.post("/tokens")
def create_token_form(
    request: Request,
    console: ConsoleDep,
    _: Admin,
    actor: ActorDep,
    name: Annotated[str, Form()],
    role: Annotated[str, Form()] = Role.VIEWER.value,
) -> HTMLResponse:
    try:
        chosen = Role(role)
    except ValueError:
        raise UsageError(f"role {role!r}: viewer, operator or admin") from None
    token, secret = actions.create_token(console, actor, name, chosen)
    response = _tokens_page(request, console, created=token, created_secret=secret)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/tokens/{token_id}/revoke")
def revoke_token_form(
    token_id: int, console: ConsoleDep, _: Admin, actor: ActorDep
) -> RedirectResponse:
    token = actions.revoke_token(console, actor, str(token_id))
    return RedirectResponse(f"/tokens?revoked={token.name}", status_code=303)
