"""The `ringcheck` entry point: global options, command groups, and the one place errors
become a single line and an exit code."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

from robot import __version__
from robot.cli.context import CliState
from robot.errors import RingcheckError

app = typer.Typer(
    name="ringcheck",
    help="Test-call robot: what do customers see when we call them?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ringcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    project: str | None = typer.Option(
        None, "--project", envvar="RINGCHECK_PROJECT", help="Project folder (default: .)"
    ),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Show details of errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    del version
    ctx.obj = CliState(project=project, verbose=verbose)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _register() -> None:
    """Attach every command group; each lives in its own module with a `register(app)`."""
    from robot.cli import (
        config_cmd,
        devices_cmd,
        devices_ops_cmd,
        numbers_cmd,
        results_cmd,
        run_cmd,
        scenarios_cmd,
        serve_cmd,
    )

    for module in (
        config_cmd,
        numbers_cmd,
        devices_cmd,
        devices_ops_cmd,
        results_cmd,
        scenarios_cmd,
        run_cmd,
        serve_cmd,
    ):
        module.register(app)


_register()


def main() -> None:
    """Console entry point. Typer handles usage errors, `Exit` codes and Ctrl-C itself; our
    own errors become one line on stderr (details with -v) and their exit code."""
    verbose = "-v" in sys.argv or "--verbose" in sys.argv
    try:
        app()
    except RingcheckError as exc:
        err_console.print(f"error: {exc}", markup=False)
        if verbose:
            err_console.print_exception()
        sys.exit(exc.exit_code)
