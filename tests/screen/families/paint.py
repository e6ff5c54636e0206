"""Drawing primitives for the validation families: fonts from Debian packages, fitted text,
discs, check badges, avatars and phone glyphs.

Written apart from the reader and from the virtual farm's renderer, so the screens do not
share their assumptions (fonts, sizes, colours, positions).
"""

from __future__ import annotations

import functools
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

RGB = tuple[int, int, int]

_TT = Path("/usr/share/fonts/truetype")
_OT = Path("/usr/share/fonts/opentype")
# family -> (regular, bold, index in a collection); each from a Debian font package
FONTS: dict[str, tuple[Path, Path, int]] = {
    "dejavu": (_TT / "dejavu/DejaVuSans.ttf", _TT / "dejavu/DejaVuSans-Bold.ttf", 0),
    "dejavu-condensed": (
        _TT / "dejavu/DejaVuSansCondensed.ttf",
        _TT / "dejavu/DejaVuSansCondensed-Bold.ttf",
        0,
    ),
    "noto": (_TT / "noto/NotoSans-Regular.ttf", _TT / "noto/NotoSans-Bold.ttf", 0),
    "noto-display": (
        _TT / "noto/NotoSansDisplay-Regular.ttf",
        _TT / "noto/NotoSansDisplay-Bold.ttf",
        0,
    ),
    "roboto": (
        _TT / "roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
        _TT / "roboto/unhinted/RobotoTTF/Roboto-Medium.ttf",
        0,
    ),
    "roboto-light": (
        _TT / "roboto/unhinted/RobotoTTF/Roboto-Light.ttf",
        _TT / "roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
        0,
    ),
    "roboto-condensed": (
        _TT / "roboto/unhinted/RobotoCondensed-Regular.ttf",
        _TT / "roboto/unhinted/RobotoCondensed-Bold.ttf",
        0,
    ),
    "liberation": (
        _TT / "liberation2/LiberationSans-Regular.ttf",
        _TT / "liberation2/LiberationSans-Bold.ttf",
        0,
    ),
    "cjk-sc": (_OT / "noto/NotoSansCJK-Regular.ttc", _OT / "noto/NotoSansCJK-Bold.ttc", 2),
    "cjk-tc": (_OT / "noto/NotoSansCJK-Regular.ttc", _OT / "noto/NotoSansCJK-Bold.ttc", 3),
    "cjk-jp": (_OT / "noto/NotoSansCJK-Regular.ttc", _OT / "noto/NotoSansCJK-Bold.ttc", 0),
}
CJK_FONT = {"zh-Hans": "cjk-sc", "zh-Hant": "cjk-tc", "ja": "cjk-jp"}


def missing_fonts(families: tuple[str, ...]) -> list[str]:
    """Font files of these families that are not installed (tests skip, CI installs them)."""
    return [str(p) for f in families for p in FONTS[f][:2] if not p.is_file()]


@functools.cache
def font(family: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    regular, heavy, index = FONTS[family]
    return ImageFont.truetype(str(heavy if bold else regular), max(6, size), index=index)


def fit(text: str, family: str, size: int, max_w: int, bold: bool = False) -> str:
    """Cut text with "…" the way dialers do when it does not fit in `max_w` pixels."""
    f = font(family, size, bold)
    if f.getlength(text) <= max_w:
        return text
    while text and f.getlength(text + "…") > max_w:
        text = text[:-1]
    return text.rstrip() + "…"


def text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    value: str,
    family: str,
    size: int,
    fill: RGB,
    *,
    bold: bool = False,
    anchor: str = "lm",
) -> tuple[int, int, int, int]:
    f = font(family, size, bold)
    draw.text(xy, value, font=f, fill=fill, anchor=anchor)
    box = draw.textbbox(xy, value, font=f, anchor=anchor)
    return int(box[0]), int(box[1]), int(box[2]), int(box[3])


def check_badge(
    draw: ImageDraw.ImageDraw, x: float, cy: float, d: float, colour: RGB, square: bool = False
) -> None:
    """A filled disc (or rounded square) with a white tick, `x` its left edge."""
    box = (x, cy - d / 2, x + d, cy + d / 2)
    if square:
        draw.rounded_rectangle(box, radius=d / 4, fill=colour)
    else:
        draw.ellipse(box, fill=colour)
    tick = [
        (x + d * 0.26, cy + d * 0.02),
        (x + d * 0.43, cy + d * 0.19),
        (x + d * 0.74, cy - d * 0.17),
    ]
    draw.line(tick, fill=(255, 255, 255), width=max(2, int(d / 8)), joint="curve")


def phone_glyph(
    draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: RGB, hang_up: bool = False
) -> None:
    """A telephone receiver: two ear pads joined by a thick arc."""
    angle = 135 if hang_up else 45
    a = math.radians(angle)
    dx, dy = math.cos(a) * r * 0.55, math.sin(a) * r * 0.55
    w = max(3, int(r * 0.28))
    draw.line([(cx - dx, cy + dy), (cx + dx, cy - dy)], fill=colour, width=w)
    for sx, sy in ((cx - dx, cy + dy), (cx + dx, cy - dy)):
        draw.ellipse((sx - w * 0.8, sy - w * 0.8, sx + w * 0.8, sy + w * 0.8), fill=colour)


def call_disc(
    draw: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    r: float,
    colour: RGB,
    hang_up: bool,
    glyph: RGB = (255, 255, 255),
) -> None:
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    phone_glyph(draw, cx, cy, r * 0.7, glyph, hang_up)


def avatar(
    img: Image.Image,
    rnd: random.Random,
    cx: int,
    cy: int,
    r: int,
    kind: str,
    initial: str,
    family: str,
) -> None:
    """`kind`: photo (many colours: a logo or a picture), letter (one colour and a letter),
    silhouette (a grey person), none."""
    draw = ImageDraw.Draw(img)
    box = (cx - r, cy - r, cx + r, cy + r)
    if kind == "photo":
        tile = Image.new("RGB", (2 * r, 2 * r), tuple(rnd.randrange(40, 220) for _ in range(3)))
        td = ImageDraw.Draw(tile)
        for _ in range(5):
            colour = tuple(rnd.randrange(0, 256) for _ in range(3))
            x0, y0 = rnd.randrange(0, 2 * r), rnd.randrange(0, 2 * r)
            s = rnd.randrange(r // 3, r)
            shape = rnd.choice((td.ellipse, td.rectangle))
            shape((x0 - s, y0 - s, x0 + s, y0 + s), fill=colour)
        tile = tile.filter(ImageFilter.GaussianBlur(rnd.choice((0, 1, 3))))
        mask = Image.new("L", (2 * r, 2 * r), 0)
        ImageDraw.Draw(mask).ellipse((0, 0, 2 * r - 1, 2 * r - 1), fill=255)
        img.paste(tile, (cx - r, cy - r), mask)
    elif kind == "letter":
        colour = rnd.choice(
            [
                (94, 53, 177),
                (0, 121, 107),
                (230, 81, 0),
                (21, 101, 192),
                (173, 20, 87),
                (85, 139, 47),
            ]
        )
        draw.ellipse(box, fill=colour)
        draw.text(
            (cx, cy), initial, font=font(family, int(r * 0.95)), fill=(255, 255, 255), anchor="mm"
        )
    elif kind == "silhouette":
        grey = rnd.choice([(176, 180, 186), (120, 124, 130), (205, 208, 212)])
        draw.ellipse(box, fill=grey)
        head = (245, 245, 245) if grey[0] < 190 else (150, 150, 155)
        draw.ellipse((cx - r * 0.3, cy - r * 0.58, cx + r * 0.3, cy + r * 0.02), fill=head)
        draw.pieslice(
            (cx - r * 0.62, cy + r * 0.12, cx + r * 0.62, cy + r * 1.2), 180, 360, fill=head
        )


def gradient(img: Image.Image, top: RGB, bottom: RGB, y0: int = 0, y1: int | None = None) -> None:
    draw = ImageDraw.Draw(img)
    end = img.height if y1 is None else y1
    steps = 64
    for i in range(steps):
        t = i / (steps - 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.rectangle(
            (0, y0 + (end - y0) * i // steps, img.width, y0 + (end - y0) * (i + 1) // steps),
            fill=colour,
        )


def blobs(
    img: Image.Image, rnd: random.Random, count: int, blur: int, dim: float = 1.0
) -> None:
    """A blurred picture: a wallpaper, a contact poster or a video frame. `dim` < 1 darkens
    its colours, as a phone dims a poster so that white text on it stays legible."""
    layer = Image.new("RGB", img.size)
    layer.paste(img)
    draw = ImageDraw.Draw(layer)
    for _ in range(count):
        colour = tuple(int(rnd.randrange(0, 256) * dim) for _ in range(3))
        x, y = rnd.randrange(0, img.width), rnd.randrange(0, img.height)
        s = rnd.randrange(img.width // 8, img.width // 2)
        draw.ellipse((x - s, y - s, x + s, y + s), fill=colour)
    img.paste(layer.filter(ImageFilter.GaussianBlur(blur)))


def status_bar(
    draw: ImageDraw.ImageDraw, rnd: random.Random, w: int, fg: RGB, family: str, scale: float
) -> None:
    size = int(32 * scale)
    clock = f"{rnd.randrange(1, 13)}:{rnd.randrange(0, 60):02d}"
    text(draw, (int(48 * scale), int(36 * scale)), clock, family, size, fg)
    text(
        draw,
        (w - int(48 * scale), int(36 * scale)),
        f"{rnd.randrange(9, 100)}%",
        family,
        size,
        fg,
        anchor="rm",
    )
    for i in range(3):  # signal bars
        x = w - int((200 - i * 16) * scale)
        h = int((10 + i * 7) * scale)
        draw.rectangle((x, int(48 * scale) - h, x + int(10 * scale), int(48 * scale)), fill=fg)
