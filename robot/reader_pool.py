"""A few screen readers shared by every handset of a run.

A reader holds its OCR engines (Tesseract's models: ~120 MB and a third of a second of CPU to
build per reader), and one reader must not be used by two threads at once. Giving each handset
thread its own reader made memory and start-up grow with the farm while the machine's cores,
not the readers, bound how many screens can be read at the same time. The pool builds readers
as they are first needed, up to its size (the cores by default), and lends one to each read;
a read finding them all busy waits for the first one free. An urgent read (`ReadRequest.urgent`:
a handset waits on it, a call ringing) goes before waiting reads of calls already over, whose
handsets have moved on: behind a farm's worth of those, it held its call's capture for seconds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from robot.domain.model import Reading
from robot.native_heap import bound_native_heap
from robot.ports import ReadRequest, ScreenReader


def default_pool_size() -> int:
    """One reader per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


class ReaderPool:
    """A `ScreenReader` lending one of at most `size` readers to each read."""

    def __init__(self, factory: Callable[[], ScreenReader], size: int | None = None) -> None:
        self.size = size if size is not None else default_pool_size()
        if self.size < 1:
            raise ValueError("a reader pool needs at least one reader")
        self._factory = factory
        bound_native_heap(self.size)  # screenshots pass through many threads: robot.native_heap
        self._free: list[ScreenReader] = []
        self._all: list[ScreenReader] = []
        self._building = 0
        self._urgent = 0  # urgent reads waiting for a reader
        self._cond = threading.Condition()
        self._closed = False

    @property
    def built(self) -> int:
        """How many readers exist (for tests and benchmarks)."""
        with self._cond:
            return len(self._all)

    def read(self, request: ReadRequest) -> Reading:
        reader = self._borrow(request.urgent)
        try:
            return reader.read(request)
        finally:
            self._give_back(reader)

    def _borrow(self, urgent: bool) -> ScreenReader:
        with self._cond:
            self._urgent += urgent
            try:
                while True:
                    if self._closed:
                        raise RuntimeError("the reader pool is closed")
                    if self._free and (urgent or not self._urgent):
                        return self._free.pop()
                    if len(self._all) + self._building < self.size:
                        self._building += 1
                        break
                    self._cond.wait()
            finally:
                self._urgent -= urgent
        try:  # built outside the lock: other reads go on meanwhile
            reader = self._factory()
        except BaseException:
            with self._cond:
                self._building -= 1
                self._cond.notify()
            raise
        with self._cond:
            self._building -= 1
            self._all.append(reader)
        return reader

    def _give_back(self, reader: ScreenReader) -> None:
        with self._cond:
            if not self._closed:
                self._free.append(reader)
                self._cond.notify_all()  # an urgent read may be any of the waiters
                return
            self._all.remove(reader)
        _close(reader)  # the pool closed during this read

    def close(self) -> None:
        """Close every reader not in use; one in use is closed when its read ends."""
        with self._cond:
            self._closed = True
            idle, self._free = self._free, []
            for reader in idle:
                self._all.remove(reader)
            self._cond.notify_all()
        for reader in idle:
            _close(reader)


def _close(reader: ScreenReader) -> None:
    close = getattr(reader, "close", None)
    if close is not None:
        close()
