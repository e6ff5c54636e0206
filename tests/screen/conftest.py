"""Fixtures for screen reading: one reader per test session (its OCR engines load once)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from robot.screen import TesseractReader
from robot.screen.ocr import tessdata_dir
from tests.support.peers import need


@pytest.fixture(scope="session")
def reader() -> Iterator[TesseractReader]:
    need("tesseract", tessdata_dir() is not None, "no tessdata folder (install tesseract-ocr)")
    screen_reader = TesseractReader()
    yield screen_reader
    screen_reader.close()
