"""When a name read with the fast English pack must be read again for its accents."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from robot.screen.diacritics import marks_unexplained
from robot.screen.lines import Box, line_crop

_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)


def crop_of(text: str, font_file: str) -> np.ndarray:
    """The line as the reader hands it to OCR: drawn light on dark, cut by `line_crop`."""
    font = ImageFont.truetype(font_file, 44)
    image = Image.new("RGB", (900, 120), (20, 24, 30))
    ImageDraw.Draw(image).text((20, 30), text, font=font, fill=(240, 240, 240))
    left, top, right, bottom = ImageDraw.Draw(image).textbbox((20, 30), text, font=font)
    box = Box(left - 4, top - 4, right - left + 8, bottom - top + 8)
    return line_crop(np.asarray(image), box)


@pytest.mark.parametrize("font_file", _FONTS)
@pytest.mark.parametrize(
    ("shown", "english"),
    [
        ("José Martín", "Jose Martin"),
        ("Jürgen Weiß", "Jurgen Weif&"),
        ("Zoë Dubois", "Zoe Dubois"),
        ("João Conceição", "Joao Conceicao"),
        ("Björn Ødegård", "Bjorn Odegard"),
        ("ÉLODIE RENÉ", "ELODIE RENE"),
        ("María García", "Maria Garcia"),  # an acute on an i leaves as many marks as dots
    ],
)
def test_accents_the_english_pack_dropped_are_seen(
    shown: str, english: str, font_file: str
) -> None:
    assert marks_unexplained(crop_of(shown, font_file), english)


@pytest.mark.parametrize("font_file", _FONTS)
@pytest.mark.parametrize(
    "text",
    ["Springfield Water Dept", "Priya Natarajan", "O'Brien Jiffy Lube", "SMITH JOHN", "72345"],
)
def test_dots_and_apostrophes_the_reading_explains_are_no_accents(
    text: str, font_file: str
) -> None:
    assert not marks_unexplained(crop_of(text, font_file), text)


def test_an_accent_the_english_pack_kept_is_enough() -> None:
    assert marks_unexplained(crop_of("Lefèvre", _FONTS[0]), "Lefévre")
