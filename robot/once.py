"""A value built once per process, even when many threads ask for it first at the same moment.

`functools.cache` lets every caller that arrives before the first result is stored build its
own and keeps the last one. A run starts every handset's thread at once, so each of 24 threads
built the Appium preflight's HTTP client (an SSL context that loads the CA store) and all but
one were dropped: ~18 MB of freed, scattered heap stayed resident in the robot process for the
whole run, which made its memory grow with the handset count. Here the first caller builds
while the others wait for its result.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def built_once(build: Callable[[], T]) -> Callable[[], T]:
    """`build()` called by the first caller only; every caller gets that one result. A build
    that raises is tried again by the next caller."""
    lock = threading.Lock()
    built: list[T] = []

    @functools.wraps(build)
    def get() -> T:
        if built:
            return built[0]
        with lock:
            if not built:
                built.append(build())
            return built[0]

    return get
