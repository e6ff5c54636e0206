"""A trunk's `max_concurrent_calls` as a queue: a call waits for a free slot, never fails.

The limit is ours (what the carrier agreed to carry), so reaching it is no network failure:
a run with more handsets than a trunk's slots dials them in turn. The wait happens before the
handset is armed and before the call's clock starts, so it never eats into the ring time; it
is recorded apart (`Attempt.slot_wait_ms`). Setting the run's stop event ends the wait.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator

from robot.domain.model import Trunk

log = logging.getLogger(__name__)

POLL_S = 0.25
"""How often a waiting call looks at the run's stop event."""


class TrunkSlots:
    """Calls up per trunk (by name), bounded by each trunk's `max_concurrent_calls`."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._used: dict[str, int] = {}

    def acquire(self, trunk: Trunk | None, stop: threading.Event) -> float | None:
        """Wait for a slot on `trunk`; the seconds waited, or None when `stop` was set first."""
        if trunk is None:
            return 0.0
        started = time.monotonic()
        with self._cond:
            while self._used.get(trunk.name, 0) >= trunk.max_concurrent_calls:
                if stop.is_set():
                    return None
                self._cond.wait(POLL_S)
            self._used[trunk.name] = self._used.get(trunk.name, 0) + 1
        waited = time.monotonic() - started
        if waited >= POLL_S:
            log.info(
                "waited %.1f s for a call slot on trunk %s (max_concurrent_calls %d)",
                waited,
                trunk.name,
                trunk.max_concurrent_calls,
            )
        return waited

    def release(self, trunk: Trunk | None) -> None:
        if trunk is None:
            return
        with self._cond:
            self._used[trunk.name] = max(0, self._used.get(trunk.name, 0) - 1)
            self._cond.notify_all()

    def in_use(self, trunk_name: str) -> int:
        with self._cond:
            return self._used.get(trunk_name, 0)

    @contextlib.contextmanager
    def slot(self, trunk: Trunk | None, stop: threading.Event) -> Iterator[float | None]:
        """Hold a slot for the `with` block; yields the seconds waited (None: stopped)."""
        waited = self.acquire(trunk, stop)
        try:
            yield waited
        finally:
            if waited is not None:
                self.release(trunk)
