"""The robot's own screen reader (Tesseract) reads what the virtual farm draws: a farm screen
that OCR misreads would make every end-to-end result wrong for the wrong reason."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from devices.sim.render import render_call
from devices.sim.screen import CallScreen, Look, Style
from robot.domain.model import DialerKind, Tristate
from robot.ports import ReadRequest
from robot.screen.reader import TesseractReader
from tests.support.peers import need

DIALER = {Style.GOOGLE_DARK: DialerKind.GOOGLE, Style.GOOGLE_LIGHT: DialerKind.GOOGLE,
          Style.SAMSUNG: DialerKind.SAMSUNG, Style.AOSP: DialerKind.AOSP, Style.IOS: DialerKind.IOS,
          Style.IOS_BANNER: DialerKind.IOS, Style.ANDROID_HEADSUP: DialerKind.GOOGLE}
CALLS = [
    CallScreen("+12025550100", "NORTHWIND BANK", verified=True),
    CallScreen("+12025550101", None, "Scam Likely"),
    CallScreen("+12025550102", "ACME Insurance", "Spam Risk", logo_url="https://x/logo.png"),
]


@pytest.fixture(scope="module")
def reader() -> Iterator[TesseractReader]:
    need("tesseract", shutil.which("tesseract") is not None, "install tesseract-ocr")
    engine = TesseractReader()
    yield engine
    engine.close()


APPS = {Style.ANDROID_HEADSUP: "com.google.android.apps.photos",
        Style.IOS_BANNER: "com.apple.mobileslideshow"}  # what ringcheck opens for `in_use`


@pytest.mark.parametrize("style", list(Style))
def test_reader_reads_name_label_and_badge_from_farm_screens(reader: TesseractReader,
                                                             style: Style) -> None:
    size = (1170, 2532) if style.value.startswith("ios") else (1080, 2400)
    for call in CALLS:
        drawn = render_call(call, Look(style, *size), app=APPS.get(style),
                            locked=style is Style.IOS)  # fmt: skip
        reading = reader.read(ReadRequest(image=drawn.png, dialer=DIALER[style]))
        assert reading.name == call.name, (style, call)
        assert reading.spam_label == call.label, (style, call)
        assert (reading.verified is Tristate.YES) == call.verified, (style, call)
