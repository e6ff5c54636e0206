"""The child's side of `robot.child_process`: `python -m robot.child_entry FD` reads a pickled
target and its arguments from the socket FD and runs `target(channel, *args)`.

Kept apart from `ChildProcess` so that a child imports only what it uses: running the parent's
module as `__main__` put subprocess and multiprocessing's connection machinery (~3 MB RSS and
~10 ms of start-up) into every SIP worker, a process that exists only because pjsua allows 4
calls each. `Channel` speaks `multiprocessing.connection.Connection`'s framing (a signed 4-byte
big-endian length, or -1 and an 8-byte length beyond 2 GiB, then the bytes; objects pickled),
so the parent keeps its `Connection`.
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
    channel = Channel(int(argv[1]))
    target, args = pickle.loads(channel.recv_bytes())
    target(channel, *args)


if __name__ == "__main__":
    main(sys.argv)
