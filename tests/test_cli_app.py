"""The entry point loads only the command asked for, and every command can be loaded."""

from __future__ import annotations

import importlib

from robot.cli.app import COMMAND_MODULES, hoist_global_options, requested_command


def test_the_command_word_is_found_after_global_options() -> None:
    assert requested_command(["--project", "examples", "config", "check"]) == "config"
    assert requested_command(["-v", "run", "smoke"]) == "run"
    assert requested_command(["--help"]) is None
    assert requested_command([]) is None


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
