"""The real clock (robot.ports.Clock): wall time in UTC for records, monotonic for deadlines."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class SystemClock:
    """Clock of this machine; tests pass a fixed or stepping clock instead."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()
