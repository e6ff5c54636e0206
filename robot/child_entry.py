"""The child's side of `robot.child_process`: `python -m robot.child_entry FD` reads a pickled
target and its arguments from the socket FD and runs `target(channel, *args)`.

Kept apart from `ChildProcess` so that a child imports only what it uses: running the parent's
module as `__main__` put subprocess and multiprocessing's connection machinery (~3 MB RSS and
~10 ms of start-up) into every SIP worker, a process that exists only because pjsua allows 4
calls each. `Channel` speaks `multiprocessing.connection.Connection`'s framing (a signed 4-byte
big-endian length, or -1 and an 8-byte length beyond 2 GiB, then the bytes; objects pickled),
so the parent keeps its `Connection`.

`python -m robot.child_entry --fork-server FD` is a fork server instead (`serve_forks`).
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import sys
from typing import Any

_LONG_FRAME = 0x7FFFFFFF
_SMALL_FRAME = 16_384
"""Up to this size header and payload go in one write, as `Connection` does."""


class Channel:
    """The part of `Connection` our child targets use, on the socket FD the parent passed."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._poller = select.poll()
        self._poller.register(fd, select.POLLIN)

    def fileno(self) -> int:
        return self._fd

    def poll(self, timeout: float | None = 0.0) -> bool:
        """Whether `recv` would not block (a message, or the parent gone: then it raises)."""
        return bool(self._poller.poll(None if timeout is None else timeout * 1000.0))

    def send(self, obj: Any) -> None:
        self.send_bytes(pickle.dumps(obj))

    def recv(self) -> Any:
        return pickle.loads(self.recv_bytes())

    def send_bytes(self, data: bytes) -> None:
        size = len(data)
        header = struct.pack("!i", size) if size <= _LONG_FRAME else struct.pack("!iQ", -1, size)
        if size <= _SMALL_FRAME:
            self._write(header + data)
        else:
            self._write(header)
            self._write(data)

    def recv_bytes(self) -> bytes:
        (size,) = struct.unpack("!i", self._read(4))
        if size == -1:
            (size,) = struct.unpack("!Q", self._read(8))
        return self._read(size)

    def close(self) -> None:
        os.close(self._fd)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def _read(self, size: int) -> bytes:
        chunks: list[bytes] = []
        while size:
            chunk = os.read(self._fd, size)
            if not chunk:
                raise EOFError("the parent closed its end")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)


def main(argv: list[str]) -> None:
    if argv[1] == FORK_SERVER_FLAG:
        serve_forks(int(argv[2]))
        return
    channel = Channel(int(argv[1]))
    target, args = pickle.loads(channel.recv_bytes())
    target(channel, *args)


FORK_SERVER_FLAG = "--fork-server"
_MESSAGE_MAX = 1 << 16


def serve_forks(fd: int) -> None:
    """The fork server's loop (`robot.child_process.ForkServer`), on the SOCK_SEQPACKET socket
    `fd`: the first message is a pickled function that imports what the children run; each
    later one carries a socket for a new child, forked from here once that import is done.
    Replies "forked" with the child's pid, and "exited" with its exit code once reaped. Ends
    when the parent closes its end; children live on, each tied to the parent by its own
    socket.

    Single-threaded: a fork copies only the thread that forks."""
    import gc
    import signal
    import socket

    server = socket.socket(fileno=fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent ends the children
    preload = pickle.loads(server.recv(_MESSAGE_MAX))
    preload()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the poll through wake_w
    # Objects made so far are shared with every child until written: frozen, the children's
    # collections never walk (and so never copy) them.
    gc.collect()
    gc.freeze()
    poller = select.poll()
    poller.register(server.fileno(), select.POLLIN)
    poller.register(wake_r, select.POLLIN)
    try:
        while True:
            ready = {ready_fd for ready_fd, _ in poller.poll()}
            if wake_r in ready:
                while True:
                    try:
                        if not os.read(wake_r, 512):
                            break
                    except BlockingIOError:
                        break
            _reap(server)
            if server.fileno() not in ready:
                continue
            message, fds, _, _ = socket.recv_fds(server, _MESSAGE_MAX, 1)
            if not message:
                return  # the parent closed its end
            if not fds:
                continue
            pid = os.fork()
            if pid == 0:
                _run_forked(server, (wake_r, wake_w), fds[0])
            os.close(fds[0])
            server.send(pickle.dumps(("forked", pid)))
    except (BrokenPipeError, ConnectionError):
        return  # the parent is gone


def _reap(server: Any) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        server.send(pickle.dumps(("exited", pid, os.waitstatus_to_exitcode(status))))


def _run_forked(server: Any, wake: tuple[int, int], fd: int) -> None:
    """A forked child: drops the server's ends, then runs as `main` runs a spawned child;
    never returns."""
    import contextlib
    import signal
    import traceback

    code = 1
    try:
        server.close()
        signal.set_wakeup_fd(-1)
        for end in wake:
            os.close(end)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        channel = Channel(fd)
        target, args = pickle.loads(channel.recv_bytes())
        target(channel, *args)
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a closed stream: nothing left to say
                stream.flush()
        os._exit(code)


if __name__ == "__main__":
    main(sys.argv)
