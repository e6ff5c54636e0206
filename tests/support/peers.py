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


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll `predicate` until it holds or fail after `timeout_s` (no blind sleeps)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
