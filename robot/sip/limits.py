"""Per-trunk limits: calls per second (paced, so a burst waits) and concurrent calls.

Carriers throttle or block a trunk that exceeds its agreed CPS, so placing calls is paced
here rather than left to the network. The concurrent-call limit is queued where calls are
planned (`robot.engine.trunk_slots`); here it is the dialer's own guard, which waits briefly
for a slot (a call ending frees it just before its outcome is published) and only then
refuses.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    """Hands out start times at least 1/cps apart; thread-safe."""

    def __init__(self, cps: float, clock: Callable[[], float] = time.monotonic) -> None:
        if cps <= 0:
            raise ValueError("cps must be positive")
        self.interval_s = 1.0 / cps
        self._clock = clock
        self._next = float("-inf")
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """The monotonic time at which the caller may start (now or later)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval_s
            return start

    def wait(self, sleep: Callable[[float], None] = time.sleep) -> float:
        start = self.reserve()
        delay = start - self._clock()
        if delay > 0:
            sleep(delay)
        return start


class Slots:
    """A counter with a ceiling: `take()` waits up to `timeout_s` for room, False if none."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._cond = threading.Condition()

    def take(self, timeout_s: float = 0.0) -> bool:
        with self._cond:
            if not self._cond.wait_for(lambda: self.used < self.limit, timeout=timeout_s):
                return False
            self.used += 1
            return True

    def give(self) -> None:
        with self._cond:
            self.used = max(0, self.used - 1)
            self._cond.notify()
