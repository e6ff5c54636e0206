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


@pytest.mark.parametrize("width", [1170, 1440, 2160])
def test_a_wider_screenshot_keeps_every_thin_stroke_when_brought_down(width: int) -> None:
    # thin dark bars a few pixels apart, as the strokes of small letters are: none may vanish
    # or merge with its neighbour at the working width
    pixels = np.full((400, width, 3), 245, np.uint8)
    bars = range(40, width - 40, 9 * width // 1080)
    for x in bars:
        pixels[100:300, x : x + 2 * width // 1080] = 20
    screen = load_screen(_png(Image.fromarray(pixels, "RGB")))
    assert screen.rgb.shape == (round(400 * 1080 / width), 1080, 3)
    row = screen.rgb[screen.height // 2, :, 0] < 160
    runs = int(np.count_nonzero(row[1:] & ~row[:-1])) + int(row[0])
    assert runs == len(bars)
