"""A run's reader process with the second OCR engine (`screen: escalate:`) loads it the first
time a line needs it: screens whose lines Tesseract reads surely never load RapidOCR and ONNX
Runtime (tens of MB in every reader process), a doubtful name does, and each reading names
the engines that read that screen. An engine that cannot load fails reads only where the project
requires it (`always`)."""

from __future__ import annotations

import functools
import logging
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.sim.render import render_call
from devices.sim.screen import CallScreen, Look, Style
from robot.errors import ScreenReadError
from robot.ports import ReadRequest
from robot.reader_process import ReaderProcess, tesseract_reader
from robot.screen import TesseractReader
from robot.screen.escalate import RapidOcrLine, escalation_available
from tests.support.peers import need


def _samsung_screen(name: str) -> bytes:
    return render_call(
        CallScreen(number="+12065550107", name=name), Look(Style.SAMSUNG, 1080, 2400)
    ).png


def _engine_loaded(pid: int) -> bool:
    """Whether ONNX Runtime's native library is mapped into the process."""
    return "onnxruntime" in Path(f"/proc/{pid}/maps").read_text()


@pytest.fixture
def reader() -> Iterator[ReaderProcess]:
    need("tesseract", shutil.which("tesseract") is not None)
    need("RapidOCR (extra ocr-escalation)", escalation_available())
    if not Path("/proc/self/maps").exists():
        pytest.skip("reads /proc (Linux)")
    process = ReaderProcess(functools.partial(tesseract_reader, escalate=True))
    yield process
    process.close()


def test_the_second_engine_loads_on_the_first_doubtful_line_only(reader: ReaderProcess) -> None:
    sure = reader.read(ReadRequest(_samsung_screen("NORTHWIND BANK")))
    assert sure.name == "NORTHWIND BANK" and sure.engine == "tesseract"
    assert reader.pid is not None and not _engine_loaded(reader.pid)

    # Tesseract reads these stroked letters unsurely: the name line goes to RapidOCR
    doubtful = reader.read(ReadRequest(_samsung_screen("ĦĐŊŦ ŁTD")))
    assert doubtful.engine == "tesseract+rapidocr"
    assert _engine_loaded(reader.pid)
    assert reader.read(ReadRequest(_samsung_screen("NORTHWIND BANK"))).engine == "tesseract"


def test_an_engine_that_cannot_load_leaves_tesseract_alone_unless_required(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`auto` found the extra installed, but it does not load (ONNX Runtime built for another
    CPU, say): screens are still read, by Tesseract alone, and the log says why once. Under
    `always` the read fails, naming the extra."""
    need("tesseract", shutil.which("tesseract") is not None)
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # as Python sees a broken install
    doubtful = ReadRequest(_samsung_screen("ĦĐŊŦ ŁTD"))
    alone = TesseractReader(escalation=RapidOcrLine(required=False))
    with caplog.at_level(logging.WARNING, logger="robot.screen.escalate"):
        first, second = alone.read(doubtful), alone.read(doubtful)
    assert first.name and first.engine == second.engine == "tesseract"
    [warning] = caplog.records
    assert "Tesseract alone" in warning.getMessage()

    required = TesseractReader(escalation=RapidOcrLine())
    with pytest.raises(ScreenReadError, match=r"ringcheck\[ocr-escalation\]"):
        required.read(doubtful)
