"""Worker processes of ours: started with only their target's module, ended and reaped."""

from __future__ import annotations

from pathlib import Path

import pytest

import robot
from robot.child_process import ChildProcess
from tests.support.child_targets import echo, exit_with, report_files, report_modules


def test_a_child_imports_its_target_not_the_parents_main_module() -> None:
    child = ChildProcess(report_modules)
    modules = child.conn.recv()
    child.join(30)
    assert "tests.support.child_targets" in modules
    # the parent's main module here is pytest's: a spawned child would import it first
    assert not [m for m in modules if m == "_pytest" or m.startswith("_pytest.")]
    # nor the parent's side of the pipe (subprocess, multiprocessing): ~3 MB a SIP worker
    assert "subprocess" not in modules and "multiprocessing" not in modules
    assert child.exitcode == 0 and not child.is_alive()


def test_a_child_that_exits_is_seen_with_its_code() -> None:
    child = ChildProcess(exit_with, 5)
    assert child.conn.recv() == "bye"
    child.join(30)
    assert child.exitcode == 5 and not child.is_alive()
    child.kill()  # a no-op once it is gone


def test_messages_of_every_size_cross_both_ways() -> None:
    """The child's `Channel` frames as `multiprocessing.connection.Connection` does: one write
    up to 16 KiB, header and payload apart above it."""
    child = ChildProcess(echo)
    for message in ("", ("place", 1, {"k": "v" * 100}), b"x" * 16_379, b"y" * 3_000_000):
        child.conn.send(message)
        assert child.conn.recv() == message
    child.conn.send(None)
    child.join(30)
    assert child.exitcode == 0


def test_a_robot_package_in_the_working_folder_is_not_the_childs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m` puts the working folder first on the path: run from a folder holding a
    `robot` package of its own (a Robot Framework suite), a child imported that one."""
    (tmp_path / "robot").mkdir()
    (tmp_path / "robot" / "__init__.py").write_text('raise SystemExit("not ringcheck")\n')
    monkeypatch.chdir(tmp_path)
    child = ChildProcess(report_files)
    files = child.conn.recv()
    child.join(30)
    assert files["robot"] == robot.__file__
    assert child.exitcode == 0
