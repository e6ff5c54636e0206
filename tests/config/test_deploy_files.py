"""The deployment files in deploy/ (docs/deploy.md) are what a team copies as they are: the
ringcheck commands in them must parse with today's CLI, and the unit files must be ones
systemd reads as meant (no comment after a value: systemd would take it as part of the value)."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.exceptions import TyperException

from robot.cli.app import app

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _parses(argv: list[str]) -> None:
    """Raise the CLI's usage error when `ringcheck argv...` names an unknown command or option
    (parsed as `ringcheck` would, nothing run)."""
    command: Any = typer.main.get_command(app)
    context = command.make_context("ringcheck", list(argv))
    while hasattr(command, "resolve_command"):  # a group: go down to the named command
        words = [*context._protected_args, *context.args]
        name, command, rest = command.resolve_command(context, words)
        context = command.make_context(name, rest, parent=context)


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    return parser


def test_the_compose_file_runs_serve_with_options_the_cli_has() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert set(compose["services"]) >= {"db", "serve"}
    command = compose["services"]["serve"]["command"]
    assert command[0] == "ringcheck"
    _parses(command[1:])
    # secrets come from the environment, never written in the file
    assert (
        "${RINGCHECK_PG_PASSWORD" in compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"]
    )


@pytest.mark.parametrize("path", UNITS, ids=[p.name for p in UNITS])
def test_unit_files_run_ringcheck_commands_the_cli_has(path: Path) -> None:
    service = _unit(path)["Service"]
    for key, value in service.items():
        assert "#" not in value, f"{path.name}: {key}= has a comment systemd would keep"
    argv = shlex.split(service["ExecStart"].replace("%i", "nyc"))
    assert argv[0].endswith("/ringcheck")
    _parses(argv[1:])
    assert service["KillSignal"] == "SIGTERM"  # the graceful stop: calls end, jobs go back


def test_the_worker_unit_is_a_template_on_the_site_name() -> None:
    assert (DEPLOY / "systemd" / "ringcheck-worker@.service").exists()
    argv = shlex.split(
        _unit(DEPLOY / "systemd" / "ringcheck-worker@.service")["Service"]["ExecStart"]
    )
    assert argv[argv.index("--site") + 1] == "%i"


def test_a_wrong_option_is_caught() -> None:
    with pytest.raises(TyperException):
        _parses(["worker", "--site", "nyc", "--concurency", "2"])
    with pytest.raises(TyperException):
        _parses(["workers", "lst"])
