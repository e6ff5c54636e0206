"""A screen reader in a child process of its own, so reading never holds the robot's GIL.

A run's handset threads spend their time in Python (Appium HTTP, SIP events, the store), and a
screen read is mostly Python too: decoding the PNG (libspng keeps the GIL), finding lines,
matching labels. Read on the robot's threads, reads and handsets queued for one GIL: at 24
handsets the GIL, not the cores, capped the calls a minute. In a process of its own the reader
has a GIL of its own; the robot only sends the screenshot and waits on a pipe.

`ReaderProcess` is one reader; `robot.reader_pool.ReaderPool` lends a few of them (one per
core) to every handset, as it lends in-process readers. A child that dies (a native crash on
a strange picture) fails that read with a `ScreenReadError`; the next read starts a new one.
"""

from __future__ import annotations

import contextlib
import pickle
import signal
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from robot.child_process import ChildProcess
from robot.domain.model import Reading
from robot.errors import RingcheckError, ScreenReadError
from robot.ports import ReadRequest, ScreenReader

CLOSE_TIMEOUT_S = 5.0
"""How long a closing reader's child gets to end by itself before it is killed."""


def tesseract_reader(escalate: bool = False, required: bool = True) -> ScreenReader:
    """The default reader, built in the child (imports OCR only there). With `escalate`, lines
    Tesseract doubts are read again with RapidOCR, whose engine loads in the child the first
    time a line needs it (robot.screen.escalate): a child reading only sure English lines never
    pays its memory; unless `required`, an engine that fails to load leaves Tesseract alone.
    `functools.partial(tesseract_reader, escalate=True)` is a factory too."""
    from robot.screen.reader import TesseractReader

    if not escalate:
        return TesseractReader()
    from robot.screen.escalate import RapidOcrLine

    return TesseractReader(escalation=RapidOcrLine(required=required))


def serve(conn: Connection, factory: Callable[[], ScreenReader]) -> None:
    """The child's loop: build one reader, then answer each request with (True, Reading) or
    (False, exception) until the pipe closes or a None arrives. Ctrl-C reaches the whole
    process group: the robot stops its run and still reads the screens of finished calls, so
    the child leaves SIGINT to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    reader = factory()
    try:
        while True:
            try:
                request = conn.recv()
            except (EOFError, OSError):
                return
            if request is None:
                return
            conn.send(_answer(reader, request))
    finally:
        close = getattr(reader, "close", None)
        if close is not None:
            close()


def _answer(reader: ScreenReader, request: ReadRequest) -> tuple[bool, Any]:
    try:
        return True, reader.read(request)
    except Exception as exc:
        return False, _portable(exc)


def _portable(exc: Exception) -> Exception:
    """The exception as the robot can take it back: our own errors as they are when they
    survive pickling (else as a ScreenReadError with their message), anything else (a reader
    bug) as a RuntimeError carrying the child's traceback."""
    if isinstance(exc, RingcheckError):
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            return ScreenReadError(str(exc))
        return exc
    trace = "".join(traceback.format_exception(exc))
    return RuntimeError(f"the screen reader process failed: {type(exc).__name__}: {exc}\n{trace}")


class ReaderProcess:
    """A `ScreenReader` whose reads run in one child process; one read at a time."""

    def __init__(self, factory: Callable[[], ScreenReader] = tesseract_reader) -> None:
        """`factory` builds the reader in the child: a module-level function (it is pickled)."""
        self._factory = factory
        self._lock = threading.Lock()
        self._child: ChildProcess | None = ChildProcess(serve, factory)

    @property
    def pid(self) -> int | None:
        """The child's process id (for tests and benchmarks)."""
        return None if self._child is None else self._child.pid

    def read(self, request: ReadRequest) -> Reading:
        with self._lock:
            if self._child is None:
                self._child = ChildProcess(serve, self._factory)
            try:
                self._child.conn.send(request)
                ok, value = self._child.conn.recv()
            except (EOFError, OSError) as exc:
                code = self._stop()
                raise ScreenReadError(
                    f"the screen reader process ended (exit code {code}); the next read "
                    "starts a new one"
                ) from exc
        if ok:
            result: Reading = value
            return result
        raise value

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> int | None:
        """End the child (asked first, then killed) and return its exit code."""
        child, self._child = self._child, None
        if child is None:
            return None
        with contextlib.suppress(OSError, ValueError):  # already gone
            child.conn.send(None)
        child.conn.close()
        child.join(CLOSE_TIMEOUT_S)
        if child.is_alive():
            child.kill()
            child.join(CLOSE_TIMEOUT_S)
        return child.exitcode
