"""Worker processes of ours (SIP workers, screen readers), each talking to the robot over one
socket, started as `python -m robot.child_entry` rather than by multiprocessing's spawn.

A spawned child first imports the parent's main module, whatever it is: a benchmark or a test
session drags the whole robot (store, config, Appium client) into every SIP worker and screen
reader, ~36 MB each that the child never uses (24 handsets: 8 children, ~290 MB of a run's
peak memory). Here the child imports only `robot.child_entry` and the module of the function
it runs. `ChildProcess` offers the part of `multiprocessing.Process` our pools use.

Processes of one kind that a run starts many of (SIP workers: the pjsua2 wheel allows 4 calls a
process) are forked by a `ForkServer` instead, which imported what they run once: a spawned SIP
worker held ~13 MB of its own (the interpreter, our modules, pjsua2's bindings) before its
first call, a forked one ~2.3 MB, the rest shared with the server and its siblings.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

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


class Child(Protocol):
    """What a pool needs of a process of ours, spawned (`ChildProcess`) or forked
    (`ForkedChild`)."""

    conn: Connection

    @property
    def pid(self) -> int: ...

    @property
    def exitcode(self) -> int | None: ...

    def is_alive(self) -> bool: ...

    def join(self, timeout: float | None = None) -> None: ...

    def terminate(self) -> None: ...

    def kill(self) -> None: ...


UNKNOWN_EXIT = 1
"""The exit code given to a forked child found gone after its fork server died (nobody could
reap it for us)."""


class ForkServer:
    """A process that runs `preload` (imports what its children run), then forks a child for
    each `start`. Its children share the pages it filled until they write them, where spawned
    children would each fill their own. The children are the server's, not ours: it reports
    their pids and exit codes. Thread-safe."""

    def __init__(self, preload: Callable[[], None], fork_timeout_s: float = 60.0) -> None:
        payload = pickle.dumps(preload)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            command, env = robot_module_command(
                "robot.child_entry", "--fork-server", str(theirs.fileno())
            )
            self._popen = subprocess.Popen(
                command, pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
        self._sock = ours
        self._sock.send(payload)
        self.fork_timeout_s = fork_timeout_s
        self._cond = threading.Condition()
        self._forked: deque[int] = deque()
        self._exits: dict[int, int] = {}
        self._gone = False
        self._fork_lock = threading.Lock()  # one fork request and its reply at a time
        self._reader = threading.Thread(
            target=self._read, daemon=True, name="ringcheck-fork-server"
        )
        self._reader.start()

    @property
    def pid(self) -> int:
        return self._popen.pid

    def start(self, target: Callable[..., None], *args: Any) -> ForkedChild:
        """Fork a child running `target(channel, *args)`, as `ChildProcess` does; OSError
        when the server is gone."""
        payload = pickle.dumps((target, args))
        ours, theirs = socket.socketpair()
        with theirs, self._fork_lock:
            try:
                socket.send_fds(self._sock, [b"fork"], [theirs.fileno()])
            except OSError:
                ours.close()
                raise
            with self._cond:
                self._cond.wait_for(lambda: self._forked or self._gone, self.fork_timeout_s)
                if not self._forked:
                    ours.close()
                    raise OSError(f"fork server {self.pid} forked no child")
                pid = self._forked.popleft()
        conn = Connection(ours.detach())
        conn.send_bytes(payload)
        return ForkedChild(self, pid, conn)

    def exitcode(self, pid: int) -> int | None:
        with self._cond:
            if pid in self._exits or not self._gone:
                return self._exits.get(pid)
        return None if _running(pid) else UNKNOWN_EXIT

    def wait(self, pid: int, timeout: float | None) -> None:
        """Until the server reports `pid` ended, at most `timeout` seconds."""
        with self._cond:
            self._cond.wait_for(lambda: pid in self._exits or self._gone, timeout)

    def close(self) -> None:
        """Stop the server (its children live on: each ends when its own parent tells it);
        exit codes of children still running are then no longer known."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        try:
            self._popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._popen.kill()
            self._popen.wait(timeout=5)
        self._reader.join(timeout=5)
        self._sock.close()

    def _read(self) -> None:
        while True:
            try:
                data = self._sock.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                break
            message = pickle.loads(data)
            with self._cond:
                if message[0] == "forked":
                    self._forked.append(message[1])
                elif message[0] == "exited":
                    self._exits[message[1]] = message[2]
                self._cond.notify_all()
        with self._cond:
            self._gone = True
            self._cond.notify_all()


def _running(pid: int) -> bool:
    """Whether `pid` runs (a zombie does not: whoever adopted it has not reaped it yet)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except (OSError, IndexError):  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True


class ForkedChild:
    """A child forked by a `ForkServer`: the part of `ChildProcess` our pools use."""

    def __init__(self, server: ForkServer, pid: int, conn: Connection) -> None:
        self._server = server
        self._pid = pid
        self.conn = conn

    @property
    def pid(self) -> int:
        return self._pid

    @property
    def exitcode(self) -> int | None:
        """The exit code once it ended (negative: the signal that ended it), else None."""
        return self._server.exitcode(self._pid)

    def is_alive(self) -> bool:
        return self.exitcode is None

    def join(self, timeout: float | None = None) -> None:
        """Wait up to `timeout` seconds for it to end (no error when it has not)."""
        self._server.wait(self._pid, timeout)

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, signum: int) -> None:
        if self.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signum)
