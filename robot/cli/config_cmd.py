"""`ringcheck config check`: validate a project and print its inventory."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from robot.cli.context import CliState
from robot.cli.printable import cell, markup_safe, safe_console, safe_json
from robot.config import Project, load_project
from robot.config.summary import (
    caller_id_text,
    handsets_by_carrier,
    numbers_by_trunk,
    project_dict,
)
from robot.config.yamlsrc import display_path
from robot.domain.model import Direction, Platform

config_app = typer.Typer(help="Check the project's configuration.", no_args_is_help=True)


def project_from(ctx: typer.Context) -> Project:
    """The project named by --project / RINGCHECK_PROJECT / the current folder."""
    state = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    return load_project(state.project_dir)


def console() -> Console:
    """Stdout console (control characters in data escaped); piped output gets 120 columns so
    tables are not squeezed to 80."""
    return safe_console(width=120)


def print_json(data: Any) -> None:
    """JSON on stdout; names from files and text from screens cannot drive the terminal."""
    typer.echo(safe_json(data))


@config_app.command("check")
def check(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the inventory as JSON."),
) -> None:
    """Validate ringcheck.yaml, numbers and farm files; print the inventory."""
    project = project_from(ctx)
    if as_json:
        print_json(project_dict(project))
        return
    out = console()
    out.print(
        f"[bold]{markup_safe(display_path(project.file))}[/] is valid  "
        f"(timezone {markup_safe(project.timezone)}, store {markup_safe(project.store_url)})",
    )
    out.print(_trunks_table(project))
    out.print(_numbers_table(project))
    out.print(_handsets_table(project))
    for note in project.notes:
        out.print(f"[yellow]note:[/] {markup_safe(note)}", markup=True)
    carriers = len(project.carrier_names())
    out.print(
        f"{len(project.trunks)} trunk(s), {len(project.numbers)} number(s), "
        f"{len(project.handsets)} handset(s) on {carriers} carrier(s)"
    )


def _trunks_table(project: Project) -> Table:
    table = Table(title="Trunks", title_justify="left")
    for column in ("name", "address", "auth user", "password", "caller ID", "cps", "calls"):
        table.add_column(column, overflow="fold")
    table.add_column("signing", overflow="fold")
    for t in project.trunks:
        password = f"${t.password_env}" if t.password_env else "-"
        signing = f"attest {t.signing.attestation}" if t.signing else "off"
        table.add_row(
            cell(t.name),
            cell(f"{t.host}:{t.port}/{t.transport}"),
            cell(t.auth_user),
            cell(password),
            cell(caller_id_text(t)),
            cell(f"{t.cps:g}"),
            cell(t.max_concurrent_calls),
            cell(signing),
        )
    return table


def _numbers_table(project: Project) -> Table:
    table = Table(title=f"Numbers ({len(project.numbers)})", title_justify="left")
    table.add_column("trunk")
    for direction in Direction:
        table.add_column(direction.value, justify="right")
    table.add_column("total", justify="right")
    for trunk, counts in sorted(numbers_by_trunk(project).items()):
        values = [str(counts[d.value]) for d in Direction]
        table.add_row(cell(trunk), *values, str(sum(counts.values())))
    return table


def _handsets_table(project: Project) -> Table:
    table = Table(title=f"Handsets ({len(project.handsets)})", title_justify="left")
    table.add_column("carrier")
    for platform in Platform:
        table.add_column(platform.value, justify="right")
    table.add_column("enabled", justify="right")
    names = {c.name: c.label for c in project.carriers}
    for carrier, counts in handsets_by_carrier(project).items():
        label = (
            f"{carrier} ({names[carrier]})" if names.get(carrier, carrier) != carrier else carrier
        )
        values = [str(counts[p.value]) for p in Platform]
        table.add_row(cell(label), *values, str(counts["enabled"]))
    return table


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
