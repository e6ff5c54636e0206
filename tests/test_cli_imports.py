"""Commands import only what they use: help lists every command without loading one, and
reading results loads the store but neither migrations nor OCR, SIP, Appium or the report.

These tests check which modules load, never how long it takes (start-up time lives in
benchmarks/startup_bench.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from robot.cli.app import COMMAND_HELP, COMMAND_MODULES

# Stacks that cost tenths of a second each to import, and the command-line start-up pays for
# every one of them.
HEAVY = (
    "alembic", "apscheduler", "appium", "boto3", "cv2", "fastapi", "httpx", "jinja2",
    "numpy", "PIL", "pjsua2", "procrastinate", "pytesseract", "selenium", "sqlalchemy",
)  # fmt: skip

_PROBE = """
import atexit, json, sys
out = sys.argv[1]
sys.argv = ["ringcheck", *sys.argv[2:]]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from robot.cli.app import main
main()
"""


def modules_loaded_by(tmp_path: Path, *args: str, cwd: Path | None = None) -> set[str]:
    """The modules loaded by `ringcheck ARGS` run to its end."""
    out = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", _PROBE, str(out), *args],
        cwd=cwd or tmp_path,
        capture_output=True,
        check=False,
        timeout=120,
    )
    return set(json.loads(out.read_text()))


def loaded_by(tmp_path: Path, *args: str, cwd: Path | None = None) -> set[str]:
    """The top-level packages loaded by `ringcheck ARGS` run to its end."""
    return {name.split(".")[0] for name in modules_loaded_by(tmp_path, *args, cwd=cwd)}


def test_help_loads_no_command(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "--help")
    assert not loaded & {*HEAVY, "pydantic", "reports", "devices"}


def test_an_unknown_command_is_answered_without_loading_any(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "resuts")  # (Typer coerces option values with pydantic)
    assert not loaded & {*HEAVY, "reports", "devices"}


def test_results_list_loads_the_store_and_nothing_else_heavy(tmp_path: Path) -> None:
    from robot.store import open_store

    open_store(f"sqlite:///{tmp_path / '.ringcheck' / 'results.db'}").close()
    loaded = loaded_by(tmp_path, "results", "list", "--json")
    assert "sqlalchemy" in loaded
    assert not loaded & (set(HEAVY) - {"sqlalchemy"})


def test_results_list_in_a_project_reads_only_where_the_store_is(tmp_path: Path) -> None:
    """The project's store keys, not its numbers files (phone-number parsing) or farm."""
    from robot.store import open_store

    (tmp_path / "ringcheck.yaml").write_text("store: sqlite:///r.db\n", encoding="utf-8")
    (tmp_path / "numbers.csv").write_text("Number\n+12025550100\n", encoding="utf-8")
    open_store(f"sqlite:///{tmp_path / 'r.db'}").close()
    loaded = loaded_by(tmp_path, "results", "list", "--json")
    assert "sqlalchemy" in loaded
    assert not loaded & ((set(HEAVY) - {"sqlalchemy"}) | {"phonenumbers"})


def test_results_list_builds_no_config_model_for_plain_store_keys(tmp_path: Path) -> None:
    """Plain text store keys are read without the pydantic models of the project file, and
    the store's read path needs none of the engine's ports."""
    from robot.store import open_store

    (tmp_path / "ringcheck.yaml").write_text(
        "store: sqlite:///r.db\nevidence: shots\ntimezone: UTC\n", encoding="utf-8"
    )
    open_store(f"sqlite:///{tmp_path / 'r.db'}").close()
    loaded = modules_loaded_by(tmp_path, "results", "list", "--json")
    assert "robot.store.results" in loaded
    assert not loaded & {"robot.config.store_keys", "robot.config.models", "robot.ports"}


@pytest.mark.parametrize("command", ["dial", "read-screen", "report", "run", "devices"])
def test_a_command_help_loads_no_engine_it_would_drive(tmp_path: Path, command: str) -> None:
    loaded = loaded_by(tmp_path, command, "--help")
    assert not loaded & {"cv2", "pjsua2", "pytesseract", "selenium", "appium", "alembic"}


def test_every_command_has_its_own_help_line() -> None:
    """The line `ringcheck --help` shows for a command is the command's own first line."""
    import importlib

    import typer
    import typer.main

    app = typer.Typer()
    for module in dict.fromkeys(m for ms in COMMAND_MODULES.values() for m in ms):
        importlib.import_module(f"robot.cli.{module}").register(app)
    group = typer.main.get_command(app)
    real = {
        name: " ".join((group.commands[name].help or "").split("\n\n")[0].split())
        for name in group.commands
    }
    assert set(real) == set(COMMAND_MODULES) == set(COMMAND_HELP)
    assert real == COMMAND_HELP


def test_the_dialer_loads_the_signing_stack_only_for_signed_calls() -> None:
    """`ringcheck dial` without STIR/SHAKEN signing does not import cryptography's X.509."""
    probe = "import sys, robot.sip.pool; print('cryptography' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"
