"""Fixtures for config tests: a writable copy of the example project and the real CLI.

The CLI runs as a subprocess through `robot.cli.app.main`, so tests see the real exit code
and the one line on stderr that a person sees.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .files import CliResult

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


Cli = Callable[..., CliResult]


@pytest.fixture
def project(project_tmp: Path) -> Path:
    """A copy of examples/ in a temp folder, which is also the current folder."""
    for item in EXAMPLES.iterdir():
        if item.is_file():
            shutil.copy(item, project_tmp / item.name)
    return project_tmp


@pytest.fixture
def cli(project_tmp: Path) -> Cli:
    """Run `ringcheck ARGS` in the temp folder; `env` adds variables."""

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        base = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
        base.update(env or {})
        base["COLUMNS"] = "160"
        base["PYTHONPATH"] = str(EXAMPLES.parent)
        proc = subprocess.run(
            [sys.executable, "-c", "from robot.cli.app import main; main()", *args],
            cwd=project_tmp,
            env=base,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run
