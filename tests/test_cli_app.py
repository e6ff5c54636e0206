"""The entry point loads only the command asked for, and every command can be loaded."""

from __future__ import annotations

import importlib
from pathlib import Path

from typer.testing import CliRunner

from robot.cli.app import COMMAND_MODULES, app, hoist_global_options


def test_the_command_is_loaded_when_a_command_line_names_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--project", str(tmp_path), "scenarios", "--help"])
    assert result.exit_code == 0, result.output
    assert "check" in result.output and "list" in result.output


def test_every_command_module_exists_and_registers() -> None:
    for modules in COMMAND_MODULES.values():
        for name in modules:
            module = importlib.import_module(f"robot.cli.{name}")
            assert callable(module.register), name


def test_global_options_are_taken_wherever_they_are_typed() -> None:
    assert hoist_global_options(["run", "smoke", "--project", "p", "--dry-run"]) == [
        "--project", "p", "run", "smoke", "--dry-run",
    ]  # fmt: skip
    assert hoist_global_options(["results", "list", "--project=p", "-v"]) == [
        "--project=p", "-v", "results", "list",
    ]  # fmt: skip
    assert hoist_global_options(["read-screen", "--", "--project"]) == [
        "read-screen", "--", "--project",
    ]  # fmt: skip
