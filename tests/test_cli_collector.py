"""The garbage collector around a command (`robot.cli.collector`): a command's own garbage
is collected (long commands such as `run` and `serve` rely on it), and `main()` called inside
another process leaves the collector as it found it."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from robot.cli.app import main

_PROBE = """
import gc, sys
from robot.cli import app
app.app.command('probe')(lambda: print(gc.isenabled(), gc.get_freeze_count() > 0))
sys.argv = ['ringcheck', 'probe']
app.main()
"""


def test_a_command_runs_with_the_collector_on() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    # on, with the start-up's objects (alive until exit) left out of its collections
    assert done.stdout.split() == ["True", "True"]


@pytest.mark.parametrize(
    "args",
    [["--version"], ["no-such-command"], ["--project", "{tmp}", "config", "check"]],
    ids=["exits-while-starting", "usage-error", "command-ran"],
)
def test_main_in_process_leaves_the_collector_as_it_found_it(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["ringcheck", *(a.format(tmp=tmp_path) for a in args)]
    monkeypatch.setattr(sys, "argv", argv)
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with pytest.raises(SystemExit):
        main()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
