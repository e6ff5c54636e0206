"""Simplified or Traditional Chinese: which of two readings of a line the picture shows.

The Simplified and the Traditional Tesseract packs each read the other script's glyphs as
their own, confidently (推銷電話 read as 推销电话 at 0.94), so neither their confidences nor
the phone's language can tell the scripts apart (a Hong Kong phone shows a carrier app's
Simplified label). The glyphs can: a Traditional character has more strokes than its
Simplified form (銷 15, 销 12; 電 13, 电 5). Each character cell of the line is compared with
both candidates drawn in a CJK font, by stroke crossings per row and column; the characters
both readings share calibrate the picture's scale against the font.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from robot.screen.vocab import has_cjk

_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
# below this many crossings per character (summed over the differing characters) the two
# candidates are too alike in strokes for the picture to tell them apart
_MARGIN = 0.3


@functools.cache
def _font_file() -> str | None:
    return next((f for f in _FONT_FILES if Path(f).is_file()), None)


@functools.lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont | None:
    path = _font_file()
    return ImageFont.truetype(path, size) if path else None


def _tight(ink: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(ink)
    if len(ys) == 0:
        return ink
    return ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _crossings(cell: np.ndarray) -> float:
    """Stroke crossings per row plus per column: grows with the number of strokes."""
    padded = np.pad(cell, 1).astype(np.int8)
    h, w = int(cell.shape[0]), int(cell.shape[1])
    across = int((np.diff(padded, axis=1) == 1).sum()) / max(1, h)
    down = int((np.diff(padded, axis=0) == 1).sum()) / max(1, w)
    return across + down


@functools.lru_cache(maxsize=2048)
def _drawn(char: str, height: int) -> float:
    font = _font(height)
    if font is None:
        return 0.0
    image = Image.new("L", (2 * height, 2 * height), 255)
    ImageDraw.Draw(image).text((height // 2, height // 4), char, font=font, fill=0)
    return _crossings(_tight(np.asarray(image) < 128))


def closer_script(crop: np.ndarray, simplified: str, traditional: str) -> str | None:
    """ "simplified" or "traditional": the reading whose glyphs `crop` (a line as dark text
    on light, as `line_crop` makes it) shows; None when this cannot be told (no CJK font,
    readings of different lengths or not all Chinese characters, too alike in strokes)."""
    a, b = "".join(simplified.split()), "".join(traditional.split())
    if a == b or len(a) != len(b) or not all(has_cjk(ch) for ch in a + b):
        return None
    if _font_file() is None:
        return None
    text = _tight(crop < 128)
    height, width = text.shape
    if height < 8:
        return None
    n = len(a)
    seen = [
        _crossings(text[:, round(i * width / n) : round((i + 1) * width / n)]) for i in range(n)
    ]
    shared = [i for i in range(n) if a[i] == b[i]]
    drawn_shared = sum(_drawn(a[i], height) for i in shared)
    scale = sum(seen[i] for i in shared) / drawn_shared if shared and drawn_shared else 1.0
    score = 0.0  # > 0: the Traditional reading is closer
    for i in range(n):
        if a[i] != b[i]:
            got = seen[i] / scale
            score += abs(got - _drawn(a[i], height)) - abs(got - _drawn(b[i], height))
    if abs(score) < _MARGIN:
        return None
    return "traditional" if score > 0 else "simplified"
