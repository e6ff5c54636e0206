"""Turning screenshot bytes into one predictable picture: RGB, upright, a known width.

Handsets deliver PNG or JPEG at 720-1440 px wide, sometimes with an EXIF rotation; every later
step (bands, line heights, badge sizes) assumes one width so thresholds need no per-phone tuning.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from robot.errors import ScreenReadError
from robot.screen.png import MAX_PIXELS, PNG_SIGNATURE, decode_plain_png

# OpenCV prints its own decoder warnings on stderr; a damaged file is reported once, by us
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
# one screen is a few milliseconds of OpenCV work: worker threads cost more than they save,
# and screens are read in parallel one per core (`read-screen --jobs`, the engine's workers)
cv2.setNumThreads(1)

WORK_WIDTH = 1080
SMALL = 2  # the geometry (lines, controls, panels, badges) is found at 1/SMALL of WORK_WIDTH
# straight to RGB where OpenCV can (no second pass over the picture to swap its channels)
_DECODE_FLAG: int = getattr(cv2, "IMREAD_COLOR_RGB", cv2.IMREAD_COLOR)


@dataclass(frozen=True)
class Screen:
    """A normalised screenshot: an RGB array at WORK_WIDTH, the same downscaled once for
    finding where things are (OCR reads crops of the full one), and the original size."""

    rgb: np.ndarray
    small: np.ndarray
    original_size: tuple[int, int]

    @functools.cached_property
    def small_hsv(self) -> np.ndarray:
        """The downscaled screen in HSV, for finding coloured controls and badges."""
        hsv: np.ndarray = cv2.cvtColor(self.small, cv2.COLOR_RGB2HSV)
        return hsv

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])


def components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected components of a binary image: (count, labels, stats), as
    `cv2.connectedComponentsWithStats` gives them, with the algorithm that is ~3x faster here
    (Grana's block-based labelling)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        mask, 8, cv2.CV_32S, cv2.CCL_GRANA
    )
    return int(count), labels, stats


def _decode(data: bytes) -> np.ndarray:
    """RGB pixels, upright. libspng takes plain PNGs; OpenCV decodes the other PNG/JPEG ~30 %
    faster than Pillow and applies the EXIF rotation itself; Pillow takes every other format
    and gives the error messages."""
    if data[:8] == PNG_SIGNATURE:
        plain = decode_plain_png(data)
        if plain is not None:
            return plain
    if data[:8] == PNG_SIGNATURE or data[:3] == b"\xff\xd8\xff":
        fast = cv2.imdecode(np.frombuffer(data, np.uint8), _DECODE_FLAG)
        if fast is not None and fast.size <= 3 * MAX_PIXELS:
            return (
                fast if _DECODE_FLAG != cv2.IMREAD_COLOR else cv2.cvtColor(fast, cv2.COLOR_BGR2RGB)
            )
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise ScreenReadError(f"image too large ({opened.width}x{opened.height})")
            # exif_transpose copies the whole picture: only pay for it when it is rotated
            rotated = opened.getexif().get(0x0112, 1) not in (1, None)
            upright = ImageOps.exif_transpose(opened) if rotated else opened
            rgb_image = upright if upright.mode == "RGB" else upright.convert("RGB")
            rgb_image.load()
    except ScreenReadError:
        raise
    except UnidentifiedImageError as exc:
        raise ScreenReadError("not an image (unknown or damaged format)") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ScreenReadError(f"not a readable image ({exc})") from exc
    return np.asarray(rgb_image, dtype=np.uint8)


def _interpolation(scale: float) -> int:
    """How to bring a screenshot to WORK_WIDTH. Enlarging: cubic (thin strokes stay sharp).
    Shrinking by less than half (1170 or 1440 px wide): bilinear, which then still takes every
    source pixel into account, gives the box filter's pixels within a grey level on average
    (mean difference 0.04 on 1440x3200 screens) for a quarter of its CPU: OpenCV's area
    resampling is fast only for whole-number ratios. Shrinking further: the box filter, which
    alone does not drop whole rows and columns of thin strokes."""
    if scale > 1:
        return cv2.INTER_CUBIC
    return cv2.INTER_LINEAR if scale > 0.5 else cv2.INTER_AREA


def load_screen(data: bytes) -> Screen:
    """Decode and normalise; anything that is not a picture becomes a ScreenReadError."""
    if not data:
        raise ScreenReadError("empty file, not an image")
    rgb = _decode(data)
    original = (int(rgb.shape[1]), int(rgb.shape[0]))
    if rgb.shape[0] < 64 or rgb.shape[1] < 64:
        raise ScreenReadError(f"image too small to be a call screen ({original[0]}x{original[1]})")
    if rgb.shape[1] != WORK_WIDTH:
        scale = WORK_WIDTH / rgb.shape[1]
        size = (WORK_WIDTH, max(1, round(rgb.shape[0] * scale)))
        interp = _interpolation(scale)
        rgb = cv2.resize(rgb, size, interpolation=interp)
    rgb = np.ascontiguousarray(rgb)
    size = (WORK_WIDTH // SMALL, max(1, rgb.shape[0] // SMALL))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return Screen(rgb=rgb, small=small, original_size=original)
