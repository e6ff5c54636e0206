"""The pytesseract fallback engine, odd inputs, and memory that stays flat over many reads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from robot.domain.model import Tristate
from robot.errors import ScreenReadError
from robot.ports import ReadRequest
from robot.screen import TesseractReader
from robot.screen.ocr import PytesseractOcr
from tests.screen.synth import generate, render


def rss_kib() -> int:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1])
    pytest.skip("no /proc/self/status on this system")


def test_pytesseract_engine_reads_the_same_screen() -> None:
    sample = render(2, "google-light")
    reader = TesseractReader(ocr=PytesseractOcr())
    reading = reader.read(ReadRequest(sample.image, dialer=sample.truth.dialer))
    assert reading.engine == "pytesseract"
    assert reading.name == sample.truth.name


@pytest.mark.parametrize("data", [b"", b"plain text, not a picture", b"\x89PNG\r\n\x1a\n broken"])
def test_non_images_raise_our_error(reader: TesseractReader, data: bytes) -> None:
    with pytest.raises(ScreenReadError):
        reader.read(ReadRequest(data))


def test_rotated_exif_and_blank_screens(reader: TesseractReader) -> None:
    sample = render(0, "google-dark")
    upright = Image.open(io.BytesIO(sample.image))
    sideways = upright.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display": the phone was held sideways
    out = io.BytesIO()
    sideways.convert("RGB").save(out, format="JPEG", quality=90, exif=exif)
    assert (
        reader.read(ReadRequest(out.getvalue(), dialer=sample.truth.dialer)).name
        == sample.truth.name
    )
    blank = io.BytesIO()
    Image.new("RGB", (1080, 2400), (0, 0, 0)).save(blank, format="PNG")
    reading = reader.read(ReadRequest(blank.getvalue()))
    assert reading.name is None and reading.verified is Tristate.UNKNOWN


def test_memory_stays_flat_over_150_reads(reader: TesseractReader) -> None:
    samples = generate(12, seed=9)
    for sample in samples:  # warm up: models and caches load once
        reader.read(ReadRequest(sample.image, dialer=sample.truth.dialer))
    before = rss_kib()
    for i in range(150):
        sample = samples[i % len(samples)]
        reader.read(ReadRequest(sample.image, dialer=sample.truth.dialer))
    grown_mib = (rss_kib() - before) / 1024
    assert grown_mib < 20, f"RSS grew {grown_mib:.1f} MiB over 150 reads"


def test_escalation_engine_rereads_without_breaking_a_reading() -> None:
    pytest.importorskip("rapidocr", reason="optional extra `ocr-escalation`")
    from robot.screen.escalate import RapidOcrLine

    reader = TesseractReader(escalation=RapidOcrLine())
    for sample in generate(4, seed=5):
        reading = reader.read(ReadRequest(sample.image, dialer=sample.truth.dialer))
        assert reading.spam_label == sample.truth.spam_label
        assert reading.engine.startswith("tesseract")
    reader.close()


def test_two_ocr_threads_read_the_same_as_one(reader: TesseractReader) -> None:
    threaded = TesseractReader(workers=2)
    try:
        for sample in generate(6, seed=4):
            one = reader.read(ReadRequest(sample.image, dialer=sample.truth.dialer))
            two = threaded.read(ReadRequest(sample.image, dialer=sample.truth.dialer))
            assert (two.name, two.number, two.spam_label, two.verified, two.logo) == (
                one.name,
                one.number,
                one.spam_label,
                one.verified,
                one.logo,
            )
    finally:
        threaded.close()
    with pytest.raises(ValueError, match="workers"):
        TesseractReader(ocr=PytesseractOcr(), workers=0)
