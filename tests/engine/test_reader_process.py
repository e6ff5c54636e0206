"""A reader in a child process: reads answered there, its errors brought back as ours, a dead
child failing one read and replaced on the next."""

from __future__ import annotations

import os

import pytest

from robot.domain.model import Reading
from robot.errors import ScreenReadError
from robot.ports import ReadRequest
from robot.reader_pool import ReaderPool
from robot.reader_process import ReaderProcess


class _ScriptedReader:
    """Answers by what the image says: its text and the reading process's id, an error of
    ours, a bug, or the process ending at once."""

    def read(self, request: ReadRequest) -> Reading:
        command = request.image.decode()
        if command == "unreadable":
            raise ScreenReadError("not an image (unknown or damaged format)")
        if command == "bug":
            raise KeyError("a reader bug")
        if command == "die":
            os._exit(3)
        return Reading(name=command, raw_text=str(os.getpid()))


def scripted_reader() -> _ScriptedReader:
    return _ScriptedReader()


def _read(reader: ReaderProcess | ReaderPool, text: str) -> Reading:
    return reader.read(ReadRequest(image=text.encode()))


def test_reads_run_in_a_child_and_come_back_whole() -> None:
    reader = ReaderProcess(scripted_reader)
    try:
        first, second = _read(reader, "Northwind Bank"), _read(reader, "Scam Likely")
        assert (first.name, second.name) == ("Northwind Bank", "Scam Likely")
        assert first.raw_text == second.raw_text == str(reader.pid)  # one child, kept
        assert reader.pid != os.getpid()
    finally:
        reader.close()


def test_errors_of_the_child_come_back_as_ours_and_bugs_as_bugs() -> None:
    reader = ReaderProcess(scripted_reader)
    try:
        with pytest.raises(ScreenReadError, match="damaged format"):
            _read(reader, "unreadable")
        with pytest.raises(RuntimeError, match="KeyError: 'a reader bug'"):
            _read(reader, "bug")
        assert _read(reader, "still here").name == "still here"
    finally:
        reader.close()


def test_a_child_that_dies_fails_its_read_and_the_next_read_starts_another() -> None:
    reader = ReaderProcess(scripted_reader)
    try:
        before = _read(reader, "a").raw_text
        with pytest.raises(ScreenReadError, match="exit code 3"):
            _read(reader, "die")
        after = _read(reader, "b")
        assert after.name == "b" and after.raw_text != before
    finally:
        reader.close()


def test_close_ends_the_child() -> None:
    reader = ReaderProcess(scripted_reader)
    pid = reader.pid
    assert pid is not None and _read(reader, "x").raw_text == str(pid)
    reader.close()
    assert reader.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_pool_of_reader_processes_reads_on_at_most_size_children() -> None:
    pool = ReaderPool(lambda: ReaderProcess(scripted_reader), size=2)
    try:
        children = {_read(pool, f"screen {n}").raw_text for n in range(6)}
        assert 1 <= len(children) <= 2 and str(os.getpid()) not in children
    finally:
        pool.close()
