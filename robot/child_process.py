"""Worker processes of ours (SIP workers, screen readers), each talking to the robot over one
socket, started as `python -m robot.child_entry` rather than by multiprocessing's spawn.

A spawned child first imports the parent's main module, whatever it is: a benchmark or a test
session drags the whole robot (store, config, Appium client) into every SIP worker and screen
reader, ~36 MB each that the child never uses (24 handsets: 8 children, ~290 MB of a run's
peak memory). Here the child imports only `robot.child_entry` and the module of the function
it runs. `ChildProcess` offers the part of `multiprocessing.Process` our pools use.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import subprocess
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import robot

_PACKAGE_ROOT = str(Path(robot.__file__).resolve().parent.parent)


def robot_module_command(module: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment that run `python -m module args` of this robot.

    -P: the working folder does not come first on the child's path (`-m` puts it there), or a
    folder holding a `robot` package of its own (Robot Framework suites have one) gave the
    child that package: SIP workers, readers and the demo's farm never started. The child
    finds the robot package where this process found it, then what this process finds
    (site-packages, a checkout run from its folder, tests)."""
    path = [_PACKAGE_ROOT, *(p for p in sys.path if p)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    return [sys.executable, "-P", "-m", module, *args], env


class ChildProcess:
    """Runs `target(channel, *args)` in a new Python process (`robot.child_entry.Channel`, the
    child's end); `conn` is this side's end of the socket between them. `target` and `args`
    are pickled: a module-level function and values."""

    def __init__(self, target: Callable[..., None], *args: Any) -> None:
        payload = pickle.dumps((target, args))  # fails here, not in the child, when unpicklable
        ours, theirs = socket.socketpair()
        with theirs:
            command, env = robot_module_command("robot.child_entry", str(theirs.fileno()))
            self._popen = subprocess.Popen(
                command, pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # never into a command's own output (--json)
            )  # fmt: skip
        self.conn = Connection(ours.detach())
        self.conn.send_bytes(payload)

    @property
    def pid(self) -> int:
        return self._popen.pid

    @property
    def exitcode(self) -> int | None:
        """The exit code once it ended (negative: the signal that ended it), else None."""
        return self._popen.poll()

    def is_alive(self) -> bool:
        return self._popen.poll() is None

    def join(self, timeout: float | None = None) -> None:
        """Wait up to `timeout` seconds for it to end (no error when it has not)."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout)

    def terminate(self) -> None:
        if self.is_alive():
            self._popen.terminate()

    def kill(self) -> None:
        if self.is_alive():
            self._popen.kill()
