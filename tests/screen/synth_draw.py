"""Drawing pieces of the synthetic call screens: fonts, badge disc, avatars, buttons, noise."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def font(size: int, *, bold: bool = False, condensed: bool = False) -> ImageFont.FreeTypeFont:
    stem = "DejaVuSansCondensed" if condensed else "DejaVuSans"
    return ImageFont.truetype(str(FONT_DIR / f"{stem}{'-Bold' if bold else ''}.ttf"), size)


def fit(draw: ImageDraw.ImageDraw, text: str, fnt: ImageFont.FreeTypeFont, max_w: int) -> str:
    """Cut a name with "…" the way dialers do when it does not fit."""
    if draw.textlength(text, font=fnt) <= max_w:
        return text
    while text and draw.textlength(text + "…", font=fnt) > max_w:
        text = text[:-1]
    return text.rstrip() + "…"


def badge(draw: ImageDraw.ImageDraw, x: int, cy: int, d: int, colour: tuple[int, int, int]) -> None:
    draw.ellipse((x, cy - d // 2, x + d, cy + d // 2), fill=colour)
    pts = [
        (x + d * 0.27, cy + d * 0.02),
        (x + d * 0.44, cy + d * 0.2),
        (x + d * 0.75, cy - d * 0.18),
    ]
    draw.line(pts, fill=(255, 255, 255), width=max(3, d // 9), joint="curve")


def avatar(
    img: Image.Image, rnd: random.Random, cx: int, cy: int, r: int, logo: bool, initial: str
) -> None:
    """A logo (several colours), or a placeholder: grey silhouette or a letter on one colour."""
    draw = ImageDraw.Draw(img)
    if logo:
        base = tuple(rnd.randrange(30, 220) for _ in range(3))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255))
        draw.rounded_rectangle(
            (cx - r * 0.6, cy - r * 0.6, cx + r * 0.1, cy + r * 0.1), r // 6, fill=base
        )
        draw.ellipse((cx - r * 0.1, cy - r * 0.2, cx + r * 0.6, cy + r * 0.5), fill=(240, 150, 20))
        draw.polygon(
            [(cx - r * 0.5, cy + r * 0.6), (cx, cy + r * 0.15), (cx + r * 0.4, cy + r * 0.6)],
            fill=(20, 90, 200),
        )
    elif rnd.random() < 0.5:
        disc = rnd.choice([(245, 124, 0), (0, 137, 123), (142, 36, 170), (25, 118, 210)])
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=disc)
        draw.text((cx, cy), initial, font=font(r, bold=True), fill=(255, 255, 255), anchor="mm")
    else:
        grey = rnd.choice([(158, 158, 158), (95, 99, 104), (189, 193, 198)])
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=grey)
        head = (230, 230, 230)
        draw.ellipse((cx - r * 0.32, cy - r * 0.55, cx + r * 0.32, cy + r * 0.05), fill=head)
        draw.chord((cx - r * 0.6, cy + r * 0.15, cx + r * 0.6, cy + r * 1.0), 180, 360, fill=head)


def buttons(
    draw: ImageDraw.ImageDraw, y: int, fg: tuple[int, int, int], words: tuple[str, str]
) -> None:
    r = 95
    for cx, colour, word in ((270, (217, 48, 37), words[0]), (810, (30, 142, 62), words[1])):
        draw.ellipse((cx - r, y - r, cx + r, y + r), fill=colour)
        draw.line(
            [(cx - 35, y + 5), (cx - 10, y + 30), (cx + 40, y - 25)], fill=(255, 255, 255), width=12
        )
        f = font(38)
        draw.text((cx, y + r + 50), word, font=f, fill=fg, anchor="mm")


def distractors(
    draw: ImageDraw.ImageDraw, rnd: random.Random, fg: tuple[int, int, int], y0: int, y1: int
) -> None:
    for _ in range(rnd.randrange(2, 6)):
        x, y = rnd.randrange(60, 1000), rnd.randrange(y0, y1)
        s = rnd.randrange(24, 60)
        if rnd.random() < 0.5:
            draw.rectangle((x, y, x + s, y + s * 0.6), outline=fg, width=4)
        else:
            draw.arc((x, y, x + s, y + s), 200, 340, fill=fg, width=5)


def status_bar(draw: ImageDraw.ImageDraw, rnd: random.Random, fg: tuple[int, int, int]) -> None:
    f = font(34)
    draw.text((60, 22), f"{rnd.randrange(1, 13)}:{rnd.randrange(0, 60):02d}", font=f, fill=fg)
    draw.text((880, 22), f"{rnd.randrange(10, 100)}%", font=f, fill=fg)
