"""How many calls one pjsua process may start now without exhausting pjlib's socket handles.

pjsua's media endpoint watches RTP and RTCP sockets with its own `select` ioqueue (pjsua's
default `has_ioqueue`; SIP transports have another) of 64 handles (PJ_IOQUEUE_MAX_HANDLES,
fixed in the wheel). Each call opens an RTP and an RTCP socket, RTCP mux or not (the offer
keeps `a=rtcp` for an answerer without mux), and a closed socket's handle comes back only
500 ms later (PJ_IOQUEUE_KEY_FREE_DELAY): a process that starts calls faster than handles
come back runs out, and pjlib aborts it (in this wheel the 33rd call within half a second,
whatever SIP transports are open). So a process waits for handles, not for a rate: a call
placed alone, or a burst within the budget, starts at once; only a process that has churned
through its handles in the last half second makes the next call wait for one to come back.
The dialer also spreads calls over its processes by the same count (`HandleBudget.in_use`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MEDIA_IOQUEUE_HANDLES = 64
HANDLES_PER_CALL = 2
SPARE_CALLS = 1
"""Left unused: the budget is exact (32 calls fit, the 33rd aborts), so one call's handles
stay free should a pjsua path open one more socket than we count."""
HANDLE_REUSE_DELAY_S = 0.52
"""pjlib's 500 ms before a closed socket's handle is reused, plus a margin; our clock reads a
release after pjsua closed the sockets, never before."""
CALLS_PER_PROCESS = MEDIA_IOQUEUE_HANDLES // HANDLES_PER_CALL - SPARE_CALLS


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
