"""Scenarios (with their dry-run plan) and runs: trigger, list, show, cancel, live attempts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from robot.cli.run_cmd import plan_json
from robot.config.project import Project
from robot.config.yamlsrc import display_path
from robot.domain.model import RunStatus
from robot.domain.scenario import Scenario, plan
from robot.errors import ConfigError, UsageError
from robot.prepare import CallFilter
from robot.scenario.load import find_scenario, list_scenario_files, load_scenario
from robot.store.console_queries import AttemptFilter
from robot.web import actions, params
from robot.web.deps import ActorDep, ConsoleDep, Operator, Viewer
from robot.web.launcher import RunRequest
from robot.web.queries import page_link, run_record, runs_json
from robot.web.views import attempt_summary, page_json

router = APIRouter(prefix="/api", tags=["runs"])

Many = Annotated[list[str], Query()]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
Before = Annotated[int | None, Query(description="Page on: the `next` link sets it.")]


def scenario_json(scenario: Scenario, project: Project) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "description": scenario.description,
        "file": display_path(Path(scenario.source)) if scenario.source else None,
        "schedule": scenario.schedule.describe() if scenario.schedule else None,
        "calls": len(plan(scenario, project.numbers, project.handsets)),
        "plan": f"/api/scenarios/{scenario.name}/plan",
    }


def scenarios_json(project: Project) -> list[dict[str, Any]]:
    """Every scenario the project can run; a file that does not load says why."""
    out = []
    for path in list_scenario_files(project):
        try:
            out.append(scenario_json(load_scenario(path, project), project))
        except ConfigError as exc:
            out.append({"name": path.stem, "file": display_path(path), "error": str(exc)})
    return out


def call_filter(
    project: Project, numbers: list[str], carriers: list[str], seed: int | None
) -> CallFilter:
    return CallFilter(
        numbers=params.numbers(numbers, project) if numbers else (),
        carriers=params.carriers(carriers, project),
        seed=seed,
    )


@router.get("/scenarios", summary="Scenarios the project can run")
def list_scenarios(console: ConsoleDep, _: Viewer) -> dict[str, Any]:
    items = scenarios_json(console.project())
    return page_json(items, None)


@router.get("/scenarios/{name}", summary="One scenario")
def show_scenario(name: str, console: ConsoleDep, _: Viewer) -> dict[str, Any]:
    project = console.project()
    return scenario_json(load_scenario(find_scenario(name, project), project), project)


@router.get(
    "/scenarios/{name}/plan",
    summary="Dry run: the calls a run would make now, and what it would leave out and why",
)
def plan_scenario(
    name: str,
    console: ConsoleDep,
    _: Viewer,
    number: Many = [],  # noqa: B006 (FastAPI copies defaults)
    carrier: Many = [],  # noqa: B006
    seed: int | None = None,
    ignore_quiet_hours: bool = False,
) -> dict[str, Any]:
    only = call_filter(console.project(), number, carrier, seed)
    request = RunRequest(name, only, ignore_quiet_hours=ignore_quiet_hours)
    return plan_json(console.launcher.plan(request))


class RunBody(BaseModel):
    """What to run: a scenario and the same narrowing as `ringcheck run`."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(description="Scenario name (file stem), as in `ringcheck run NAME`.")
    numbers: list[str] = Field(
        default_factory=list, description="Only these numbers: E.164, tag or brand."
    )
    carriers: list[str] = Field(
        default_factory=list, description="Only handsets on these carriers: id or name."
    )
    seed: int | None = Field(default=None, description="Seed for sampled pairs.")
    ignore_quiet_hours: bool = False
    wait_s: float = Field(
        default=0.0, ge=0, le=3600, description="Seconds to wait for handsets another run holds."
    )


@router.post(
    "/runs",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Trigger a run (operator); it runs in the serve process, follow it at its URL",
)
def trigger_run(
    body: RunBody, request: Request, console: ConsoleDep, _: Operator, actor: ActorDep
) -> JSONResponse:
    only = call_filter(console.project(), body.numbers, body.carriers, body.seed)
    run = actions.trigger(
        console,
        actor,
        RunRequest(
            body.scenario, only, ignore_quiet_hours=body.ignore_quiet_hours, wait_s=body.wait_s
        ),
    )
    assert run.id is not None
    shown = runs_json(console, [run_record(console, run.id)])[0]
    return JSONResponse(
        shown, status.HTTP_202_ACCEPTED, headers={"Location": f"/api/runs/{run.id}"}
    )


@router.get("/runs", summary="Runs, newest first")
def list_runs(
    console: ConsoleDep,
    _: Viewer,
    scenario: str | None = None,
    status_: Annotated[list[str], Query(alias="status")] = [],  # noqa: B006
    limit: Limit = 50,
    before: Before = None,
) -> dict[str, Any]:
    known = {s.value for s in RunStatus}
    for value in status_:
        if value not in known:
            raise UsageError(f"status {value!r}: choose among {', '.join(sorted(known))}")
    page = console.reads.runs(before=before, limit=limit, scenario=scenario, statuses=status_)
    query = {"scenario": scenario, "status": status_, "limit": limit}
    return page_json(runs_json(console, page.items), page_link("/api/runs", query, page))


@router.get("/runs/{run_id}", summary="One run with its progress")
def show_run(run_id: int, console: ConsoleDep, _: Viewer) -> dict[str, Any]:
    return runs_json(console, [run_record(console, run_id)])[0]


@router.post(
    "/runs/{run_id}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Cancel a running run (operator): its live calls end, finished attempts stay",
)
def cancel_run(run_id: int, console: ConsoleDep, _: Operator, actor: ActorDep) -> dict[str, Any]:
    actions.cancel(console, actor, run_id)
    return runs_json(console, [run_record(console, run_id)])[0]


@router.get("/runs/{run_id}/attempts", summary="A run's attempts so far (live while it runs)")
def run_attempts(
    run_id: int,
    console: ConsoleDep,
    _: Viewer,
    limit: Limit = 200,
    before: Before = None,
) -> dict[str, Any]:
    run_record(console, run_id)
    page = console.reads.attempts(AttemptFilter(run_id=run_id), before=before, limit=limit)
    items = [attempt_summary(a) for a in page.items]
    return page_json(items, page_link(f"/api/runs/{run_id}/attempts", {"limit": limit}, page))
