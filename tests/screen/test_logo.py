"""The avatar slot compared with the number's expected brand logo, on the virtual farm's screens.

The farm draws a brand logo from its URL (one shape's colour comes from it); the expected logo
file is that same mark drawn on its own at another size, as a brand would hand it over.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from devices.sim.canvas import Canvas
from devices.sim.render import render_call
from devices.sim.screen import RESOLUTIONS, CallScreen, Look, Style
from robot.domain.model import DialerKind
from robot.errors import ScreenReadError
from robot.ports import ReadRequest
from robot.screen import TesseractReader
from robot.screen.image import load_screen
from robot.screen.lines import Box
from robot.screen.marks import avatar_candidates, is_logo

ANDROID = [
    (Style.GOOGLE_DARK, DialerKind.GOOGLE, "pixel"),
    (Style.GOOGLE_LIGHT, DialerKind.GOOGLE, "pixel"),
    (Style.AOSP, DialerKind.AOSP, "pixel"),
    (Style.SAMSUNG, DialerKind.SAMSUNG, "galaxy"),
]


def logo_file(brand: str, fmt: str = "PNG", size: int = 400) -> bytes:
    """The brand's logo as a file: the farm's mark, alone on a white square."""
    canvas = Canvas(Look(Style.GOOGLE_LIGHT, size, size), (255, 255, 255))
    canvas.avatar("photo", size // 2, size // 2, size // 2, brand, "", logo=True)
    out = io.BytesIO()
    canvas.image.save(out, format=fmt)
    return out.getvalue()


def screen(style: Style, phone: str, brand: str | None, *, jpeg: bool = False) -> bytes:
    """An incoming call from "Acme Bank", showing `brand`'s logo (None: a letter avatar)."""
    width, height = RESOLUTIONS[phone]
    call = CallScreen("+14155550134", name="Acme Bank", logo_url=brand)
    png = render_call(call, Look(style, width, height)).png
    if not jpeg:
        return png
    # a phone that hands over a scaled-down JPEG screenshot
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((width * 2 // 3, height * 2 // 3), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=60)
    return out.getvalue()


@pytest.mark.parametrize(("style", "dialer", "phone"), ANDROID, ids=lambda v: str(v))
def test_shown_logo_matches_its_brand_and_not_another(
    reader: TesseractReader, style: Style, dialer: DialerKind, phone: str
) -> None:
    for jpeg in (False, True):
        image = screen(style, phone, "acme", jpeg=jpeg)
        same = reader.read(ReadRequest(image, dialer=dialer, expected_logo=logo_file("acme")))
        other = reader.read(ReadRequest(image, dialer=dialer, expected_logo=logo_file("globex")))
        assert same.logo_matches is True, (style, jpeg)
        assert other.logo_matches is False, (style, jpeg)
        assert dict(same.confidence)["logo_matches"] >= 0.6
        assert same.name == "Acme Bank"  # the comparison changes nothing else


def test_other_brands_and_file_formats(reader: TesseractReader) -> None:
    image = screen(Style.GOOGLE_DARK, "pixel", "initech")
    for brand in ("acme", "globex", "umbrella", "hooli"):
        reading = reader.read(
            ReadRequest(image, dialer=DialerKind.GOOGLE, expected_logo=logo_file(brand))
        )
        assert reading.logo_matches is False, brand
    jpeg = logo_file("initech", "JPEG", size=256)
    reading = reader.read(ReadRequest(image, dialer=DialerKind.GOOGLE, expected_logo=jpeg))
    assert reading.logo_matches is True


def test_letter_avatar_or_no_avatar_is_not_the_logo(reader: TesseractReader) -> None:
    letter = screen(Style.GOOGLE_DARK, "pixel", None)
    reading = reader.read(
        ReadRequest(letter, dialer=DialerKind.GOOGLE, expected_logo=logo_file("acme"))
    )
    assert reading.logo_matches is False
    bare = screen(Style.SAMSUNG, "galaxy", None)  # One UI draws no slot without a logo
    reading = reader.read(
        ReadRequest(bare, dialer=DialerKind.SAMSUNG, expected_logo=logo_file("acme"))
    )
    assert reading.logo_matches is False


def test_no_expected_logo_means_not_checked(reader: TesseractReader) -> None:
    image = screen(Style.GOOGLE_DARK, "pixel", "acme")
    reading = reader.read(ReadRequest(image, dialer=DialerKind.GOOGLE))
    assert reading.logo_matches is None
    assert reading.logo is True
    assert "logo_matches" not in dict(reading.confidence)


def test_unreadable_logo_file_is_our_error(reader: TesseractReader) -> None:
    image = screen(Style.GOOGLE_DARK, "pixel", "acme")
    with pytest.raises(ScreenReadError, match="expected logo"):
        reader.read(ReadRequest(image, dialer=DialerKind.GOOGLE, expected_logo=b"not a picture"))


def test_a_logo_as_dark_as_the_screen_is_found_and_wallpaper_cut_by_the_edge_is_not() -> None:
    """A picture differs from the background in brightness or in colour; a patch of colour
    that the edge of the screen cuts is wallpaper, never the caller's avatar."""
    image = Image.new("RGB", (1080, 2400), (30, 30, 30))
    draw = ImageDraw.Draw(image)
    draw.ellipse((420, 500, 660, 740), fill=(90, 20, 35))  # as bright as the screen
    draw.rectangle((540, 500, 660, 620), fill=(70, 30, 120))  # a second shape: a logo
    draw.ellipse((-120, 1200, 160, 1480), fill=(120, 20, 90))  # wallpaper at the left edge
    out = io.BytesIO()
    image.save(out, format="PNG")
    screen = load_screen(out.getvalue())
    found = avatar_candidates(screen.small, Box(0, 0, screen.width, screen.height), [])
    assert len(found) == 1
    slot = found[0]
    assert abs(slot.x + slot.w / 2 - 540) < 20 and abs(slot.y + slot.h / 2 - 620) < 20
    assert is_logo(screen.rgb, slot)[0]


def _disc(fill: tuple[int, int, int], mark: tuple[int, int, int], shape: str) -> bool:
    """Whether `is_logo` calls a 240 px disc of `fill` with `mark` drawn on it a logo."""
    image = Image.new("RGB", (400, 400), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 80, 320, 320), fill=fill)
    if shape == "letter":  # a placeholder's initial: strokes in the middle
        draw.rectangle((185, 130, 215, 270), fill=mark)
        draw.rectangle((185, 130, 260, 160), fill=mark)
        draw.rectangle((185, 190, 250, 215), fill=mark)
    else:  # a photo's shape: a big block of another colour
        draw.rectangle((200, 60, 340, 260), fill=mark)
    draw.ellipse((80, 80, 320, 320), outline=(245, 245, 245), width=1)
    return is_logo(np.asarray(image), Box(80, 80, 240, 240))[0]


def test_a_picture_of_two_vivid_hues_is_a_logo_and_a_placeholder_is_not() -> None:
    assert _disc((200, 40, 40), (40, 60, 200), "photo")  # red and blue: a picture
    assert _disc((255, 30, 90), (150, 45, 28), "photo")  # pink and dark red, hues side by side
    assert not _disc((94, 53, 177), (255, 255, 255), "letter")  # white initial on a colour
    assert not _disc((176, 180, 186), (245, 245, 245), "letter")  # grey placeholder
    assert not _disc((200, 220, 250), (20, 50, 120), "letter")  # dark initial, same hue


def test_a_picture_in_muted_colours_or_with_one_small_shape_is_a_logo() -> None:
    """A placeholder's figure is white, grey or a tone of its disc's hue (every blend with
    white or grey keeps the hue); muted colours of two hues, or one small shape of another
    hue on a disc of one colour, are a picture."""
    assert _disc((150, 84, 99), (229, 249, 178), "photo")  # dusty rose and pale yellow
    assert _disc((129, 106, 115), (56, 124, 240), "photo")  # greyish mauve and blue
    assert _small_shape((141, 89, 200), (90, 80, 20))  # purple disc, a small olive block
    assert not _small_shape((94, 53, 177), (255, 255, 255))  # a white dot is no picture
    assert not _small_shape((94, 53, 177), (60, 34, 113))  # nor a darker tone of the disc


def _small_shape(fill: tuple[int, int, int], mark: tuple[int, int, int]) -> bool:
    image = Image.new("RGB", (400, 400), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 80, 320, 320), fill=fill)
    draw.rectangle((140, 140, 165, 165), fill=mark)  # ~2 % of the disc
    return is_logo(np.asarray(image), Box(80, 80, 240, 240))[0]
