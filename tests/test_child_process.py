"""Worker processes of ours: started with only their target's module, ended and reaped."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

import robot
from robot.child_process import ChildProcess, ForkServer
from tests.support.child_targets import (
    echo,
    exit_with,
    preload_json,
    report_files,
    report_modules,
    report_parent,
)
from tests.support.peers import wait_until


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


def test_a_forked_child_is_the_servers_and_has_what_it_preloaded() -> None:
    """Children of a `ForkServer` share what it imported: `json` here, pjsua2's bindings for
    SIP workers. The child imports neither subprocess nor multiprocessing."""
    server = ForkServer(preload_json)
    try:
        child = server.start(report_parent)
        pid, parent, modules = child.conn.recv()
        assert (pid, parent) == (child.pid, server.pid) and server.pid != os.getpid()
        assert "json" in modules and "tests.support.child_targets" in modules
        assert "subprocess" not in modules and "multiprocessing" not in modules
        assert child.is_alive() and child.exitcode is None
        child.conn.send(None)
        child.join(30)
        assert child.exitcode == 0 and not child.is_alive()
    finally:
        server.close()


def test_a_forked_child_is_seen_ending_with_its_code_or_signal() -> None:
    server = ForkServer(preload_json)
    try:
        leaving = server.start(exit_with, 5)
        assert leaving.conn.recv() == "bye"
        leaving.join(30)
        assert leaving.exitcode == 5 and not leaving.is_alive()
        echoing = server.start(echo)
        for message in (("place", 1, {"k": "v"}), b"y" * 3_000_000):
            echoing.conn.send(message)
            assert echoing.conn.recv() == message
        echoing.kill()
        echoing.join(30)
        assert echoing.exitcode == -signal.SIGKILL
    finally:
        server.close()


def test_children_outlive_their_fork_server_and_a_closed_server_forks_no_more() -> None:
    server = ForkServer(preload_json)
    child = server.start(echo)
    server.close()
    child.conn.send("still here")
    assert child.conn.recv() == "still here"
    child.conn.send(None)
    wait_until(lambda: not child.is_alive(), 30, "the orphaned child to end")
    with pytest.raises(OSError):
        server.start(echo)
