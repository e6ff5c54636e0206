"""Waking a SIP worker's event loop when a command arrives on its pipe.

A worker runs pjsua on one thread, blocked in `libHandleEvents` until a packet arrives on a
socket pjlib watches or its poll times out; commands arrive on a pipe pjlib cannot watch. A
short poll (1 ms) made the worker answer a command at once but spun a thousand times a
second per process while calls were up: a fifth of the robot's CPU at 24 handsets. Instead
each worker opens one more UDP transport on the loopback, and the parent, after each command,
sends it an empty keep-alive (CRLF CRLF, RFC 5626), which pjsip reads and drops without a log
line: the loop returns within a tenth of a millisecond and may otherwise sleep long.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

WAKE_HOST = "127.0.0.1"
KEEP_ALIVE = b"\r\n\r\n"
BUSY_POLL_MS = 20
"""Poll while calls are up or waiting: our own deadlines (ring timeout, maximum duration, the
grace after a hang-up, handles coming back) are checked this often."""
IDLE_POLL_MS = 100


def open_wake_transport(pj: Any, ep: Any) -> int:
    """A UDP transport on the loopback that only receives wake-ups; returns its port."""
    cfg = pj.TransportConfig()
    cfg.boundAddress = WAKE_HOST
    cfg.port = 0
    transport = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, cfg)
    return int(ep.transportGetInfo(transport).localName.rsplit(":", 1)[1])


class Waker:
    """The parent's side: one datagram to the worker's wake port after each command."""

    def __init__(self) -> None:
        self.port: int | None = None
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.setblocking(False)
        self._socket.bind((WAKE_HOST, 0))  # never every interface (as sendto would bind)

    def wake(self) -> None:
        if self.port is None:
            return  # not ready yet: the worker reads its pipe within IDLE_POLL_MS
        # A full buffer means a wake-up is already pending; a gone worker is seen on its pipe.
        with contextlib.suppress(OSError):
            self._socket.sendto(KEEP_ALIVE, (WAKE_HOST, self.port))

    def close(self) -> None:
        self._socket.close()
