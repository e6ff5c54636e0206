"""`ringcheck scenarios list|check`: the scenarios a project can run, and whether they load."""

from __future__ import annotations

import typer
from rich.table import Table

from robot.cli.config_cmd import console, print_json, project_from
from robot.cli.printable import cell, printable, safe_console
from robot.config.yamlsrc import display_path
from robot.domain.scenario import Scenario, plan
from robot.errors import ConfigError
from robot.scenario.load import find_scenario, list_scenario_files, load_scenario

scenarios_app = typer.Typer(help="Scenario files: list and check them.", no_args_is_help=True)


def _schedule_text(scenario: Scenario) -> str | None:
    return scenario.schedule.describe() if scenario.schedule else None


def _describe(scenario: Scenario, calls: int) -> dict[str, object]:
    return {
        "name": scenario.name,
        "description": scenario.description,
        "file": scenario.source,
        "schedule": _schedule_text(scenario),
        "calls": calls,
    }


@scenarios_app.command("list")
def list_cmd(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Scenarios of the project (its `scenarios/` folder) and the shipped examples. A file that
    does not load is reported on stderr (exit 2) and the others are still listed."""
    project = project_from(ctx)
    rows = []
    broken: list[ConfigError] = []
    for path in list_scenario_files(project):
        try:
            scenario = load_scenario(path, project)
        except ConfigError as exc:
            broken.append(exc)
            continue
        rows.append(_describe(scenario, len(plan(scenario, project.numbers, project.handsets))))
    if as_json:
        print_json(rows)
    else:
        table = Table("scenario", "calls", "schedule", "file", "description", title="Scenarios")
        for row in rows:
            table.add_row(
                cell(row["name"]),
                cell(row["calls"]),
                cell(row["schedule"] or "manual"),
                cell(row["file"]),
                cell(row["description"]),
            )
        console().print(table)
    if broken:
        err = safe_console(stderr=True)
        for problem in broken:
            err.print(f"error: {printable(problem)}", markup=False)
        raise typer.Exit(2)


@scenarios_app.command("check")
def check_cmd(
    ctx: typer.Context,
    names: list[str] = typer.Argument(None, help="Scenario names or files (default: all)."),
) -> None:
    """Load and check scenarios against the project; the first problem exits 2 with its line."""
    project = project_from(ctx)
    paths = [find_scenario(n, project) for n in names] if names else list_scenario_files(project)
    for path in paths:
        scenario = load_scenario(path, project)
        calls = plan(scenario, project.numbers, project.handsets)
        typer.echo(printable(f"{display_path(path)}: ok ({scenario.name}, {len(calls)} calls)"))


def register(app: typer.Typer) -> None:
    app.add_typer(scenarios_app, name="scenarios")
