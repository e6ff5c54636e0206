"""Simplified or Traditional Chinese: which of two readings of a line the picture shows.

The Simplified and the Traditional Tesseract packs each read the other script's glyphs as
their own, confidently (推銷電話 read as 推销电话 at 0.94), so neither their confidences nor
the phone's language can tell the scripts apart (a Hong Kong phone shows a carrier app's
Simplified label). The glyphs can: each character cell where the readings differ is
compared with both candidates drawn in a CJK font, by the correlation of their shapes (each
cut to its ink, brought to one small size and blurred, so stroke weight and the font's
details matter less than where the strokes are: 黃 and 黄 differ in a few strokes at the top,
陳 and 陈 in the whole right half). Counting strokes (crossings per row and column) could not
tell 黄 from 黃 or 陳 from 陈 in a bold face.
"""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from robot.screen.vocab import has_cjk

_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
# below this summed difference in shape correlation (over the differing characters) the two
# candidates are too alike for the picture to tell them apart
MARGIN = 0.08
_CELL = 32  # side of the square two glyphs are compared at
_MARKS = ".,:;·・。、'\"-_|"


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


def _shape(ink: np.ndarray) -> np.ndarray:
    """A glyph's ink cut to its box, at `_CELL` pixels square, blurred, zero-mean and of unit
    norm: the dot product of two shapes is their correlation."""
    tight = _tight(ink)
    if tight.size == 0 or not tight.any():
        return np.zeros((_CELL, _CELL), np.float32)
    small = cv2.resize(tight.astype(np.float32), (_CELL, _CELL), interpolation=cv2.INTER_AREA)
    cell: np.ndarray = cv2.GaussianBlur(small, (5, 5), 1.2)
    cell = cell - float(cell.mean())
    norm = float(np.linalg.norm(cell))
    return cell / norm if norm else cell


@functools.lru_cache(maxsize=2048)
def _drawn(char: str, height: int) -> np.ndarray:
    font = _font(height)
    image = Image.new("L", (2 * height, 2 * height), 255)
    if font is not None:
        ImageDraw.Draw(image).text((height // 2, height // 4), char, font=font, fill=0)
    return _shape(np.asarray(image) < 128)


def closer_script(crop: np.ndarray, simplified: str, traditional: str) -> str | None:
    """ "simplified" or "traditional": the reading whose glyphs `crop` (a line as dark text
    on light, as `line_crop` makes it) shows; None when this cannot be told (no CJK font,
    readings of different lengths or not all Chinese characters, too alike in strokes)."""
    score = script_score(crop, simplified, traditional)
    if score is None or abs(score) < MARGIN:
        return None
    return "traditional" if score > 0 else "simplified"


def script_score(crop: np.ndarray, simplified: str, traditional: str) -> float | None:
    """How much closer the picture is to the Traditional reading than to the Simplified one
    (summed shape correlation over the characters that differ; < 0: Simplified); None when
    it cannot be compared (see `closer_script`)."""
    # a stray mark at either end ("迷惑電話.") is no character of the line
    a = "".join(simplified.split()).strip(_MARKS)
    b = "".join(traditional.split()).strip(_MARKS)
    if a == b or len(a) != len(b) or not all(has_cjk(ch) for ch in a + b):
        return None
    if _font_file() is None:
        return None
    text = _tight(crop < 128)
    height, width = text.shape
    if height < 8:
        return None
    n = len(a)
    score = 0.0  # > 0: the Traditional reading is closer
    for i in range(n):
        if a[i] != b[i]:
            seen = _shape(text[:, round(i * width / n) : round((i + 1) * width / n)])
            score += float(
                (seen * _drawn(b[i], height)).sum() - (seen * _drawn(a[i], height)).sum()
            )
    return score
