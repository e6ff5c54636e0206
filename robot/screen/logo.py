"""Whether the avatar slot shows the brand logo a number is expected to show.

Dialers draw the logo (Rich Call Data, or a branded-calling service's) scaled into a round
slot. The logo is first searched around the slot the reader found (position and size), then
both pictures are compared inside the same inscribed circle at a small size by colour (the
share of pixels more than a JPEG's noise apart in CIELAB, after a light blur) and by structure
(SSIM on grayscale). Colour alone misses other shapes in the same colours; grayscale structure
alone misses the same shapes in other colours. No I/O: the caller passes the file's bytes.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from robot.errors import ScreenReadError
from robot.screen.lines import Box

_SIZE = 48
"""Side of the square both pictures are compared at: enough for shapes, blind to JPEG noise."""

_SEARCH = 40
"""Slot side, in pixels, at which the logo's position and size are searched."""

_DIFFERENT_DE = 15.0
"""CIELAB distance (ΔE76) from which two pixels are different colours (JPEG noise is ~5)."""

_MAX_DIFFERENT = 0.18
"""Share of the circle in different colours above which the logos differ: a right logo
leaves ~0.1 (edges a pixel off), one shape in another colour ~0.25 and more."""

_MIN_STRUCTURE = 0.55
"""Structural similarity (SSIM, grayscale) below which the shapes differ."""

_MASK = cv2.circle(
    np.zeros((_SIZE, _SIZE), np.uint8), (_SIZE // 2, _SIZE // 2), _SIZE * 2 // 5, 1, -1
).astype(bool)


def load_logo(data: bytes) -> np.ndarray:
    """An expected logo file (PNG or JPEG, transparency over white) as an RGB array."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)
            if image.mode in ("RGBA", "LA", "P"):
                rgba = image.convert("RGBA")
                white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                image = Image.alpha_composite(white, rgba)
            rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ScreenReadError(f"the expected logo is not a readable PNG or JPEG: {exc}") from exc
    return _square(rgb)


def _square(rgb: np.ndarray) -> np.ndarray:
    """The centred square of a picture: a round slot shows the middle of a wide logo."""
    h, w = rgb.shape[:2]
    side = min(h, w)
    y, x = (h - side) // 2, (w - side) // 2
    return np.ascontiguousarray(rgb[y : y + side, x : x + side])


def _small(rgb: np.ndarray) -> np.ndarray:
    small = cv2.resize(rgb, (_SIZE, _SIZE), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (3, 3), 0)


def compare(shown: np.ndarray, expected: np.ndarray) -> tuple[float, float]:
    """(share of pixels in different colours, SSIM) inside the circle of two square pictures."""
    a, b = _small(shown), _small(expected)
    lab_a = cv2.cvtColor(a.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    lab_b = cv2.cvtColor(b.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    distance = np.linalg.norm(lab_a - lab_b, axis=2)[_MASK]
    different = float((distance > _DIFFERENT_DE).mean())
    gray_a = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float64)
    gray_b = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY).astype(np.float64)
    return different, _ssim(gray_a, gray_b)


def _ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM (Wang et al. 2004, 7x7 Gaussian windows) over the circle."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (7, 7), 1.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a**2
    var_b = blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    ssim = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / (
        (mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2)
    )
    return float(ssim[_MASK].mean())


def _align(rgb: np.ndarray, slot: Box, expected: np.ndarray) -> np.ndarray:
    """The square of the screen that looks most like `expected`, searched around the slot.

    The slot finder sees a white logo disc on a light screen only by the shapes inside it, so
    the logo may be drawn bigger than the slot: sizes from 0.9x to 1.8x the slot are tried at
    a low resolution, scored by the mean squared colour difference inside the circle.
    """
    side = max(slot.w, slot.h)
    pad = side * 2 // 5
    y0, x0 = max(0, slot.y - pad), max(0, slot.x - pad)
    region = rgb[y0 : slot.bottom + pad, x0 : slot.right + pad]
    f = _SEARCH / side
    small = cv2.resize(region, None, fx=f, fy=f, interpolation=cv2.INTER_AREA).astype(np.float32)
    best: tuple[float, int, int, int] | None = None
    for size in range(int(0.9 * _SEARCH), int(1.8 * _SEARCH) + 1, 4):
        if size > small.shape[0] or size > small.shape[1]:
            break
        tmpl = cv2.resize(expected, (size, size), interpolation=cv2.INTER_AREA)
        mask = np.zeros((size, size), np.float32)
        cv2.circle(mask, (size // 2, size // 2), size * 2 // 5, 1.0, -1)
        scores = cv2.matchTemplate(small, tmpl.astype(np.float32), cv2.TM_SQDIFF, mask=mask)
        low, _, at, _ = cv2.minMaxLoc(scores)
        score = low / float(mask.sum())
        if best is None or score < best[0]:
            best = (score, size, at[0], at[1])
    if best is None:
        return _square(rgb[slot.y : slot.bottom, slot.x : slot.right])
    _, size, x, y = best
    left, top, full = round(x / f) + x0, round(y / f) + y0, round(size / f)
    return np.ascontiguousarray(rgb[top : top + full, left : left + full])


def logo_matches(rgb: np.ndarray, slot: Box | None, expected: np.ndarray) -> tuple[bool, float]:
    """Whether the avatar slot of a screen shows `expected`, with a confidence.

    No slot means the logo was not shown: a mismatch, as sure as the slot finder is.
    """
    if slot is None:
        return False, 0.7
    crop = _align(rgb, slot, expected)
    if crop.size == 0:
        return False, 0.5
    different, structure = compare(crop, expected)
    matched = different <= _MAX_DIFFERENT and structure >= _MIN_STRUCTURE
    # sure when both measures are far from their thresholds, unsure close to them
    margin = min(
        abs(different - _MAX_DIFFERENT) / _MAX_DIFFERENT,
        abs(structure - _MIN_STRUCTURE) / (1 - _MIN_STRUCTURE),
    )
    return matched, round(min(0.99, 0.6 + 0.4 * min(1.0, margin)), 3)
