"""The hostile-input suite: every input the hardening issue found through the real CLI.

`cli(...)` runs `ringcheck` in a fresh process, as a person or a script would, with its data
segment capped (`memory_mb`) so an input that explodes in memory fails the test quickly
instead of taking the machine down. `assert_one_line_error` is what "a clear error" means
here: the exit code, exactly one line on stderr naming the thing at fault, no traceback, and
no raw control character reaching the terminal.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


Cli = Callable[..., Result]


@pytest.fixture
def project(project_tmp: Path) -> Path:
    """A copy of examples/ in a temp folder, which is also the current folder."""
    for item in EXAMPLES.iterdir():
        if item.is_file():
            shutil.copy(item, project_tmp / item.name)
    return project_tmp


def _limit(memory_mb: int) -> Callable[[], None]:
    def apply() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))

    return apply


@pytest.fixture
def cli(project_tmp: Path) -> Cli:
    """Run `ringcheck ARGS` in the temp folder (or `cwd`); `env` adds variables."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        memory_mb: int = 1500,
        timeout_s: float = 120,
    ) -> Result:
        base = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
        base.update(env or {})
        base["COLUMNS"] = "160"
        base["PYTHONPATH"] = str(ROOT)
        proc = subprocess.run(
            [sys.executable, "-c", "from robot.cli.app import main; main()", *args],
            cwd=cwd or project_tmp,
            env=base,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            preexec_fn=_limit(memory_mb),
            check=False,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


def assert_one_line_error(result: Result, code: int, *fragments: str) -> str:
    """Exit `code`, one `error:` line on stderr holding every fragment; returns the line."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("error: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    assert_no_raw_controls(result.stderr)
    assert result.code == code, (result.code, line)
    return line


def assert_no_raw_controls(text: str) -> None:
    """No control character a terminal would act on (newlines and tabs aside)."""
    from robot.controlchars import CONTROL_IN_TEXT

    found = CONTROL_IN_TEXT.search(text)
    assert found is None, f"raw U+{ord(found.group(0)):04X} in output: {text!r}"
