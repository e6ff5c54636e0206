"""`ringcheck config check`: validate a project and print its inventory."""

from __future__ import annotations

import typer

config_app = typer.Typer(help="Check the project's configuration.", no_args_is_help=True)


@config_app.command("check")
def check(ctx: typer.Context) -> None:
    """Validate ringcheck.yaml, numbers and farm files; print the inventory."""
    raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
