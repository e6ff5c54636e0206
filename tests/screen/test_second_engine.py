"""A second OCR engine re-reads doubtful lines blind: agreement settles, disagreement is kept.

Tesseract reads these clean screens right, so its slips are played by `SlippingOcr`: the
real Tesseract engine with one letter of one word turned and its confidence lowered, the way
it misreads "rn" for "m". RapidOCR (the `ocr-escalation` extra) reads the line again; nothing
the scenario expects is ever passed to the reader.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from robot.domain.model import DialerKind
from robot.ports import ReadRequest
from robot.screen import TesseractReader
from robot.screen.escalate import RapidOcrLine
from robot.screen.ocr import LineText, default_ocr, tessdata_dir
from robot.screen.vocab import has_cjk
from tests.screen.families import for_tuning
from tests.screen.synth import render
from tests.support.peers import need

pytest.importorskip("rapidocr")
pytest.importorskip("onnxruntime")


class SlippingOcr:
    """Tesseract, except that it reads `word` as `slip`, unsure, wherever it appears."""

    name = "tesseract"

    def __init__(self, word: str, slip: str, *, sure: bool = False) -> None:
        self._real = default_ocr()
        self._word, self._slip, self._sure = word, slip, sure

    def read_line(self, crop: np.ndarray, lang: str) -> LineText:
        got = self._real.read_line(crop, lang)
        if self._word not in got.text:
            return got
        confidence = got.confidence if self._sure else min(got.confidence, 0.65)
        return LineText(got.text.replace(self._word, self._slip), confidence)

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


def test_engines_that_disagree_leave_the_name_uncertain_with_both_readings(
    rapid: RapidOcrLine,
) -> None:
    need("tesseract", tessdata_dir() is not None, "no tessdata folder (install tesseract-ocr)")
    image, name, dialer = a_named_screen()
    word = name.split()[-1]
    slip = word[:-1] + ("x" if word[-1] != "x" else "y")
    reader = TesseractReader(SlippingOcr(word, slip), escalation=rapid, cache=False)
    try:
        reading = reader.read(ReadRequest(image, dialer=dialer))
    finally:
        reader.close()
    assert reading.engine == "tesseract+rapidocr"
    assert reading.name == name  # the surer engine's reading is the one shown
    assert "name" in reading.uncertain
    [(_, kept, other)] = [d for d in reading.disagreements if d[0] == "name"]
    assert (kept, other) == (name, name.replace(word, slip))


def test_engines_that_agree_leave_nothing_uncertain(rapid: RapidOcrLine) -> None:
    need("tesseract", tessdata_dir() is not None, "no tessdata folder (install tesseract-ocr)")
    image, name, dialer = a_named_screen()
    reader = TesseractReader(escalation=rapid)
    try:
        reading = reader.read(ReadRequest(image, dialer=dialer))
    finally:
        reader.close()
    assert reading.name == name
    assert reading.uncertain == () and reading.disagreements == ()


def test_without_a_second_engine_a_slip_stays_and_is_not_hidden() -> None:
    need("tesseract", tessdata_dir() is not None, "no tessdata folder (install tesseract-ocr)")
    image, name, dialer = a_named_screen()
    word = name.split()[-1]
    slip = word[:-1] + ("x" if word[-1] != "x" else "y")
    reader = TesseractReader(SlippingOcr(word, slip), cache=False)
    try:
        reading = reader.read(ReadRequest(image, dialer=dialer))
    finally:
        reader.close()
    assert reading.name is not None and slip in reading.name
    assert dict(reading.confidence)["name"] < 0.7


def test_a_chinese_line_misread_surely_is_read_again_and_left_uncertain(
    rapid: RapidOcrLine,
) -> None:
    """Tesseract's Chinese and Japanese packs misread some glyphs as surely as they read the
    rest (ほ as はほ, 詐騙 as 诈骗), so a line they read as Chinese or Japanese is read again
    by the second engine whatever their confidence; the disagreement stays visible."""
    need("tesseract", tessdata_dir() is not None, "no tessdata folder (install tesseract-ocr)")
    samples = for_tuning(("languages_es_fr_de_zh",), count=30, seed=1)
    sample = next(s for s in samples if len(s.truth.name or "") >= 4 and has_cjk(s.truth.name))
    name = sample.truth.name
    assert name is not None
    turned = "女" if name[-1] != "女" else "子"
    slip = name[:-1] + turned
    reader = TesseractReader(
        SlippingOcr(name[-1], turned, sure=True), escalation=rapid, cache=False
    )
    try:
        reading = reader.read(ReadRequest(sample.image))
    finally:
        reader.close()
    assert reading.name == name
    assert "name" in reading.uncertain
    assert ("name", name, slip) in reading.disagreements
