"""The reader pool: a few readers shared by every handset, never one reader on two threads."""

from __future__ import annotations

import threading
import time

import pytest

from robot.domain.model import Reading
from robot.ports import ReadRequest
from robot.reader_pool import ReaderPool


class _GatedReader:
    """Blocks each read until the test opens the gate; fails if two threads use it at once."""

    def __init__(self, gate: threading.Event, inside: threading.Semaphore) -> None:
        self.gate = gate
        self.inside = inside
        self.busy = threading.Lock()
        self.reads = 0
        self.closed = False

    def read(self, request: ReadRequest) -> Reading:
        if not self.busy.acquire(blocking=False):
            raise AssertionError("one reader used by two threads at once")
        try:
            self.inside.release()
            assert self.gate.wait(10)
            self.reads += 1
            return Reading(name=request.image.decode())
        finally:
            self.busy.release()

    def close(self) -> None:
        self.closed = True


def test_reads_share_at_most_size_readers_and_queue_for_a_free_one() -> None:
    gate = threading.Event()
    inside = threading.Semaphore(0)
    built: list[_GatedReader] = []

    def factory() -> _GatedReader:
        reader = _GatedReader(gate, inside)
        built.append(reader)
        return reader

    pool = ReaderPool(factory, size=2)
    results: dict[int, str | None] = {}

    def read(i: int) -> None:
        results[i] = pool.read(ReadRequest(image=f"screen {i}".encode())).name

    threads = [threading.Thread(target=read, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    assert inside.acquire(timeout=10) and inside.acquire(timeout=10)  # two reads are running
    assert pool.built == 2  # the other six wait for one of them
    gate.set()
    for thread in threads:
        thread.join(10)
    assert results == {i: f"screen {i}" for i in range(8)}
    assert len(built) == 2 and pool.built == 2
    assert sum(r.reads for r in built) == 8
    pool.close()
    assert all(r.closed for r in built)
    with pytest.raises(RuntimeError, match="closed"):
        pool.read(ReadRequest(image=b"late"))


def test_a_reader_that_fails_to_build_frees_its_place() -> None:
    attempts = []

    def factory() -> _GatedReader:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("no language pack")
        gate = threading.Event()
        gate.set()
        return _GatedReader(gate, threading.Semaphore(0))

    pool = ReaderPool(factory, size=1)
    with pytest.raises(OSError, match="language pack"):
        pool.read(ReadRequest(image=b"x"))
    assert pool.read(ReadRequest(image=b"y")).name == "y"
    assert pool.built == 1


def test_a_reader_in_use_when_the_pool_closes_is_closed_after_its_read() -> None:
    gate = threading.Event()
    inside = threading.Semaphore(0)
    reader = _GatedReader(gate, inside)
    pool = ReaderPool(lambda: reader, size=1)
    thread = threading.Thread(target=pool.read, args=(ReadRequest(image=b"x"),))
    thread.start()
    assert inside.acquire(timeout=10)
    pool.close()
    assert not reader.closed
    gate.set()
    thread.join(10)
    assert reader.closed


def test_the_default_size_is_the_cores_available() -> None:
    assert ReaderPool(lambda: _GatedReader(threading.Event(), threading.Semaphore())).size >= 1


def test_an_urgent_read_goes_before_reads_already_waiting() -> None:
    """A handset tying a ring to its call waits on its read; screens of calls already over
    can wait: with the one reader busy and two reads queued, the urgent read comes next."""
    gate = threading.Event()
    inside = threading.Semaphore(0)
    reader = _GatedReader(gate, inside)
    pool = ReaderPool(lambda: reader, size=1)
    order: list[str] = []

    def read(name: str, urgent: bool = False) -> None:
        order.append(pool.read(ReadRequest(image=name.encode(), urgent=urgent)).name or "")

    first = threading.Thread(target=read, args=("first",))
    first.start()
    assert inside.acquire(timeout=10)  # the one reader is busy
    waiting = [threading.Thread(target=read, args=(f"finished {i}",)) for i in range(2)]
    for thread in waiting:
        thread.start()
    _until_waiting(pool, 2)
    waiting.append(threading.Thread(target=read, args=("ringing", True)))
    waiting[-1].start()
    _until_waiting(pool, 3)
    gate.set()
    for thread in [first, *waiting]:
        thread.join(10)
    assert order[:2] == ["first", "ringing"]
    assert sorted(order[2:]) == ["finished 0", "finished 1"]


def _until_waiting(pool: ReaderPool, count: int) -> None:
    """Until `count` reads wait for a reader (the pool's condition has that many waiters)."""
    deadline = time.monotonic() + 10
    while len(pool._cond._waiters) < count:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, f"{count} reads never queued"
        time.sleep(0.005)
