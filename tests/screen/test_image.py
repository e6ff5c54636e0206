"""Screenshot decoding: every kind of PNG a handset or a tool saves gives the same RGB pixels,
whichever decoder takes it."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from robot.errors import ScreenReadError
from robot.screen.image import load_screen


def _picture() -> Image.Image:
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (80, 1080, 3), dtype=np.uint8)  # at the working width
    pixels[20:60, 200:700] = (30, 160, 60)  # a flat patch as well as noise
    return Image.fromarray(pixels, "RGB")


def _png(image: Image.Image, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", **options)
    return out.getvalue()


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P"])
def test_every_png_mode_decodes_to_the_pixels_pillow_sees(mode: str) -> None:
    picture = _picture().convert(mode)
    screen = load_screen(_png(picture))
    assert screen.original_size == (1080, 80)
    assert np.array_equal(screen.rgb, np.asarray(picture.convert("RGB")))


def test_sixteen_bit_png_is_read() -> None:
    picture = _picture().convert("L").convert("I;16")
    assert load_screen(_png(picture)).rgb.shape == (80, 1080, 3)


def test_png_with_an_exif_rotation_is_turned_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW to display
    screen = load_screen(_png(_picture(), exif=exif))
    assert screen.original_size == (80, 1080)  # upright: taller than wide


def test_truncated_png_is_our_error() -> None:
    data = _png(_picture())
    with pytest.raises(ScreenReadError):
        load_screen(data[: len(data) // 2])
