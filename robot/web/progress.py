"""Progress of finished runs, counted once: their attempts no longer change, and counting a run
of many thousand calls scans its attempts (the Now and Runs pages show ten at a time)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from robot.domain.model import RunStatus
from robot.store.console_queries import Progress, RunRecord

if TYPE_CHECKING:
    from robot.store.console_queries import SqlConsoleReads


class FinishedProgress:
    """Counts per run; those of finished runs are kept (the oldest dropped past `size`)."""

    def __init__(self, size: int = 2000) -> None:
        self._size = size
        self._items: OrderedDict[int, Progress] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, reads: SqlConsoleReads, records: list[RunRecord]) -> dict[int, Progress]:
        ids = [r.run.id for r in records if r.run.id is not None]
        with self._lock:
            known = {i: self._items[i] for i in ids if i in self._items}
        missing = [i for i in ids if i not in known]
        counted = reads.progress(missing) if missing else {}
        finished = {
            r.run.id
            for r in records
            if r.run.id in counted and r.run.status is not RunStatus.RUNNING
        }
        with self._lock:
            for run_id in finished:
                self._items[run_id] = counted[run_id]
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return {**known, **counted}
