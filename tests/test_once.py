"""A value built once per process though every thread asks for it first at the same moment
(robot.once): a run's handset threads all start together."""

from __future__ import annotations

import threading

import httpx
import pytest

from devices.appium import _status_client
from robot.once import built_once

THREADS = 8


def _ask_together(get: object, asked: threading.Condition | None = None) -> list[object]:
    """Call `get()` from THREADS threads released at once; the results in any order. Each
    thread notifies `asked` (counting in `asked.count`) just before it calls."""
    barrier = threading.Barrier(THREADS)
    results: list[object] = []
    lock = threading.Lock()

    def ask() -> None:
        barrier.wait()
        if asked is not None:
            with asked:
                asked.count += 1  # type: ignore[attr-defined]
                asked.notify_all()
        value = get()  # type: ignore[operator]
        with lock:
            results.append(value)

    threads = [threading.Thread(target=ask) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_the_first_caller_builds_while_the_others_wait_for_its_result() -> None:
    builds: list[object] = []
    asked = threading.Condition()
    asked.count = 0  # type: ignore[attr-defined]

    def build() -> object:
        builds.append(object())
        with asked:  # until every thread has asked, so that they overlap
            asked.wait_for(lambda: asked.count >= THREADS, timeout=5.0)  # type: ignore[attr-defined]
        return builds[-1]

    results = _ask_together(built_once(build), asked)
    assert len(results) == THREADS
    assert len(builds) == 1
    assert all(r is builds[0] for r in results)


def test_a_failed_build_is_tried_again_by_the_next_caller() -> None:
    tries: list[int] = []

    def build() -> int:
        tries.append(1)
        if len(tries) == 1:
            raise OSError("first try fails")
        return len(tries)

    get = built_once(build)
    with pytest.raises(OSError, match="first try"):
        get()
    assert get() == 2 and get() == 2
    assert len(tries) == 2


def test_every_handset_thread_gets_the_one_preflight_client() -> None:
    """Each client loads the CA store; 24 built at once and dropped left ~18 MB of heap."""
    results = _ask_together(_status_client)
    assert len({id(r) for r in results}) == 1
    assert isinstance(results[0], httpx.Client)
