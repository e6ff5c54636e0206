"""Real local peers (PostgreSQL, SIPp, Appium, Chromium) for adapter tests.

A missing peer skips its tests on a developer's machine, but with RINGCHECK_REQUIRE_PEERS=1
(as `.ci/run` sets) it fails them, so CI can never pass by silently testing nothing.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

import pytest


def peers_required() -> bool:
    return os.environ.get("RINGCHECK_REQUIRE_PEERS") == "1"


def need(peer: str, available: bool, why: str = "") -> None:
    """Skip (developer) or fail (CI) the calling test when `peer` is not available."""
    if available:
        return
    message = f"{peer} is not available{': ' + why if why else ''}"
    if peers_required():
        pytest.fail(f"{message} (RINGCHECK_REQUIRE_PEERS=1)")
    pytest.skip(message)


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port free for both TCP and UDP on 127.0.0.1 (SIP peers listen on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as first:
            first.bind(("127.0.0.1", 0))
            port = int(first.getsockname()[1])
            other = socket.SOCK_DGRAM if kind == socket.SOCK_STREAM else socket.SOCK_STREAM
            try:
                with socket.socket(socket.AF_INET, other) as second:
                    second.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port on 127.0.0.1")


def free_ports(count: int) -> list[int]:
    """`count` distinct ports, each free for TCP and UDP on 127.0.0.1.

    Asking `free_port` twice can hand back the same number (the first socket is closed before
    the second asks), and a peer given one port for SIP and the same for its control socket
    fails to bind the second; the sockets here stay bound until every port is chosen.
    """
    held: list[socket.socket] = []
    try:
        while len(held) < count:
            port = free_port()
            taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                taken.bind(("127.0.0.1", port))
            except OSError:
                taken.close()
                continue
            held.append(taken)
        return [int(sock.getsockname()[1]) for sock in held]
    finally:
        for sock in held:
            sock.close()


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll `predicate` until it holds or fail after `timeout_s` (no blind sleeps)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")


def free_port_block(count: int = 4) -> int:
    """The first of `count` consecutive ports free for TCP and UDP on 127.0.0.1.

    Chosen below the kernel's ephemeral range (32768+), so a port handed out by `bind(0)` in a
    concurrent test cannot land inside the block: SIPp binds its media port and the next three
    (audio/video RTP and RTCP) without asking.
    """
    import random

    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20000, 32000 - count, 2)
        if all(_bindable(base + i) for i in range(count)):
            return base
    raise RuntimeError(f"no block of {count} free ports on 127.0.0.1")


def _bindable(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True
