"""`ringcheck numbers list|import`: the caller IDs we test."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from robot.cli.config_cmd import console, print_json, project_from
from robot.cli.printable import cell, printable, safe_console
from robot.config import load_project
from robot.config.importer import NumbersImportError, import_numbers
from robot.config.summary import number_dict
from robot.config.yamlsrc import display_path

numbers_app = typer.Typer(help="List and import the numbers we call from.", no_args_is_help=True)


@numbers_app.command("list")
def list_numbers(
    ctx: typer.Context,
    tag: str | None = typer.Option(None, "--tag", help="Only numbers with this tag."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the project's numbers (all numbers files)."""
    project = project_from(ctx)
    numbers = [n for n in project.numbers if tag is None or tag in n.tags]
    if as_json:
        print_json([number_dict(n, project.number_sources.get(n.e164)) for n in numbers])
        return
    table = Table(title=f"Numbers ({len(numbers)})", title_justify="left")
    for column in ("number", "expected name", "direction", "trunk", "tags", "source"):
        table.add_column(column, overflow="fold", no_wrap=column == "number")
    for n in numbers:
        table.add_row(
            cell(n.e164),
            cell(n.expected_name),
            cell(n.direction.value),
            cell(n.trunk, "(default)"),
            cell(", ".join(n.tags), ""),
            cell(project.number_sources.get(n.e164, ""), ""),
        )
    console().print(table)


@numbers_app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV exported from a carrier portal (or YAML).")],
    into: str | None = typer.Option(
        None, "--into", help="Numbers file of the project to merge into (default: first CSV)."
    ),
) -> None:
    """Check every line of FILE, then merge it into the project's numbers CSV (all or nothing)."""
    project = project_from(ctx)
    try:
        report = import_numbers(project, file, into)
    except NumbersImportError as exc:
        err = safe_console(stderr=True)
        for problem in exc.problems:
            err.print(f"  {printable(problem)}", markup=False)
        raise
    load_project(project.project_dir)  # the merged inventory must still load as a whole
    for note in report.notes:
        typer.echo(f"note: {printable(note)}", err=True)
    typer.echo(
        printable(
            f"imported {display_path(file)} into {display_path(report.target)}: "
            f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged"
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(numbers_app, name="numbers")
