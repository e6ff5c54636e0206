"""How many calls one pjsua process may start now without exhausting pjlib's socket handles.

The wheel's pjlib watches sockets with a `select` ioqueue of 64 handles (PJ_IOQUEUE_MAX_HANDLES).
Each call opens an RTP and an RTCP socket, and a closed socket's handle comes back only
500 ms later (PJ_IOQUEUE_KEY_FREE_DELAY): a process that starts calls faster than handles come
back runs out, and pjlib aborts it. So a process waits for handles, not for a rate: a call
placed alone, or a burst within the budget, starts at once; only a process that has churned
through its handles in the last half second makes the next call wait for one to come back.
The dialer also spreads calls over its processes by the same count (`HandleBudget.in_use`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

IOQUEUE_HANDLES = 64
SIP_HANDLES = 14
"""Kept for SIP itself: the UDP, TCP and TLS transports, their connections and the wake-up
transport (`robot.sip.wake`)."""
HANDLES_PER_CALL = 2
HANDLE_REUSE_DELAY_S = 0.6
"""pjlib's 500 ms before a closed socket's handle is reused, plus a margin."""
CALLS_PER_PROCESS = (IOQUEUE_HANDLES - SIP_HANDLES) // HANDLES_PER_CALL


class HandleBudget:
    """Counts calls that hold handles: those up, and those ended less than the reuse delay
    ago. Thread-safe (the dialer's reader threads release, its callers count)."""

    def __init__(
        self,
        calls: int = CALLS_PER_PROCESS,
        reuse_delay_s: float = HANDLE_REUSE_DELAY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.calls = calls
        self.reuse_delay_s = reuse_delay_s
        self._clock = clock
        self._released: deque[float] = deque()
        self._lock = threading.Lock()

    def released(self) -> None:
        """A call's sockets were closed (the call ended, or failed to start)."""
        with self._lock:
            self._released.append(self._clock())

    def in_use(self, live: int) -> int:
        """Calls holding handles, given `live` calls up now."""
        horizon = self._clock() - self.reuse_delay_s
        with self._lock:
            while self._released and self._released[0] <= horizon:
                self._released.popleft()
            return live + len(self._released)

    def room(self, live: int) -> bool:
        """Whether one more call may start now."""
        return self.in_use(live) < self.calls
