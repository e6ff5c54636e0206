"""A name that contradicts the expected one is re-read by the escalation engine (RapidOCR).

Tesseract reads these clean screens right, so its slips are played by `SlippingOcr`: the
real Tesseract engine with one letter of one word turned, the way it misreads "rn" for "m".
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from robot.domain.model import DialerKind
from robot.screen import TesseractReader
from robot.screen.escalate import RapidOcrLine
from robot.screen.ocr import LineText, default_ocr, tessdata_dir
from tests.screen.synth import render
from tests.support.peers import need

pytest.importorskip("rapidocr")
pytest.importorskip("onnxruntime")


class SlippingOcr:
    """Tesseract, except that it reads `word` as `slip` wherever it appears."""

    name = "tesseract"

    def __init__(self, word: str, slip: str) -> None:
        self._real = default_ocr()
        self._word, self._slip = word, slip

    def read_line(self, crop: np.ndarray, lang: str) -> LineText:
        got = self._real.read_line(crop, lang)
        return LineText(got.text.replace(self._word, self._slip), got.confidence)

    def close(self) -> None:
        close = getattr(self._real, "close", None)
        if close is not None:
            close()


@pytest.fixture(scope="module")
def rapid() -> Iterator[RapidOcrLine]:
    engine = RapidOcrLine()
    yield engine
    engine.close()


def a_named_screen() -> tuple[bytes, str, DialerKind]:
    """A synthetic Google screen with a plain (ASCII, uncut) name and no label."""
    for seed in range(200):
        sample = render(seed, "google-dark")
        name = sample.truth.name
        if (
            name is not None
            and name.isascii()
            and "…" not in name
            and sample.truth.spam_label is None
            and len(name.split()) >= 2
        ):
            return sample.image, name, sample.truth.dialer
    raise AssertionError("the generator drew no plain name in 200 seeds")


def test_contradicting_name_is_reread_and_corrected(rapid: RapidOcrLine) -> None:
    need("tesseract", tessdata_dir() is not None, "no tessdata folder (install tesseract-ocr)")
    image, name, dialer = a_named_screen()
    word = name.split()[-1]
    slip = word[:-1] + ("x" if word[-1] != "x" else "y")
    reader = TesseractReader(SlippingOcr(word, slip), escalation=rapid, cache=False)
    try:
        plain = reader.read(image, dialer=dialer)
        assert plain.name is not None and slip in plain.name  # no expectation: the slip stays
        assert plain.engine == "tesseract"
        checked = reader.read(image, dialer=dialer, expected_name=name)
        assert checked.name == name
        assert checked.engine == "tesseract+rapidocr"
    finally:
        reader.close()


def test_a_name_that_matches_is_not_reread(rapid: RapidOcrLine) -> None:
    need("tesseract", tessdata_dir() is not None, "no tessdata folder (install tesseract-ocr)")
    image, name, dialer = a_named_screen()
    escalating = TesseractReader(escalation=rapid)
    try:
        reading = escalating.read(image, dialer=dialer, expected_name=name)
        assert reading.name == name and reading.engine == "tesseract"
        # the screen really shows another name: the re-read agrees with Tesseract, which stays
        other = escalating.read(image, dialer=dialer, expected_name="Globex Corporation")
        assert other.name == name
    finally:
        escalating.close()


def test_no_escalation_engine_keeps_the_tesseract_reading() -> None:
    need("tesseract", tessdata_dir() is not None, "no tessdata folder (install tesseract-ocr)")
    image, name, dialer = a_named_screen()
    word = name.split()[-1]
    slip = word[:-1] + ("x" if word[-1] != "x" else "y")
    reader = TesseractReader(SlippingOcr(word, slip), cache=False)
    try:
        reading = reader.read(image, dialer=dialer, expected_name=name)
        assert reading.name is not None and slip in reading.name
    finally:
        reader.close()
