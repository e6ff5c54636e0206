"""Reading many screenshots at once: one reader per worker process, results in file order.

OCR is CPU work that holds a core; a process per core reads a batch about N times faster.
Each worker builds its reader once (its Tesseract models load once) and reads the file itself,
so only paths and readings cross between processes. A file that cannot be read is an item
with an error, and the others are still read.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from robot.domain.model import DialerKind, Reading
from robot.errors import ScreenReadError
from robot.ports import ReadRequest, ScreenReader


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What every screenshot of a batch is read with."""

    dialer: DialerKind | None = None
    languages: tuple[str, ...] = ("auto",)
    page_source: str | None = None
    escalate: bool = False


Loader = Callable[[str], bytes]
"""How a file becomes bytes (the CLI refuses files far larger than any phone screen);
a module-level function, so that it reaches worker processes by name."""


def read_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


@dataclass(frozen=True, slots=True)
class BatchItem:
    path: str
    reading: Reading | None
    ms: float = 0.0
    error: str | None = None


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def build_reader(escalate: bool) -> ScreenReader:
    from robot.screen.reader import TesseractReader

    escalation = None
    if escalate:
        from robot.screen.escalate import RapidOcrLine

        escalation = RapidOcrLine()
    return TesseractReader(escalation=escalation)


def read_one(
    reader: ScreenReader, path: str, options: BatchOptions, load: Loader = read_bytes
) -> BatchItem:
    try:
        data = load(path)
        start = time.perf_counter()
        request = ReadRequest(
            data,
            dialer=options.dialer,
            languages=options.languages,
            page_source=options.page_source,
        )
        reading = reader.read(request)
        return BatchItem(path, reading, (time.perf_counter() - start) * 1000)
    except OSError as exc:
        return BatchItem(path, None, error=exc.strerror or str(exc))
    except ScreenReadError as exc:
        return BatchItem(path, None, error=str(exc))


# --- the worker side: one reader per process, built by the pool's initializer --------------

_worker_reader: ScreenReader | None = None


def _start_worker(escalate: bool) -> None:
    global _worker_reader
    _worker_reader = build_reader(escalate)


def _read_in_worker(path: str, options: BatchOptions, load: Loader) -> BatchItem:
    assert _worker_reader is not None, "the pool's initializer builds the reader"
    return read_one(_worker_reader, path, options, load)


def read_files(
    paths: Sequence[str], options: BatchOptions, jobs: int, load: Loader = read_bytes
) -> Iterator[BatchItem]:
    """Every file's reading, in the order given, read on up to `jobs` processes."""
    workers = max(1, min(jobs, len(paths)))
    if workers == 1:
        reader = build_reader(options.escalate)
        try:
            for path in paths:
                yield read_one(reader, path, options, load)
        finally:
            close = getattr(reader, "close", None)
            if close is not None:
                close()
        return
    with ProcessPoolExecutor(
        workers, initializer=_start_worker, initargs=(options.escalate,)
    ) as pool:
        yield from pool.map(_read_in_worker, paths, [options] * len(paths), [load] * len(paths))
