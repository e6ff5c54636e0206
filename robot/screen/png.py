"""The fast path for the screenshots handsets send: 8-bit RGB PNGs decoded by libspng.

About half the CPU of libpng (OpenCV) or Pillow for the same pixels. Shared by the screen
reader and the report's thumbnails; needs numpy and pyspng only (no OpenCV).
"""

from __future__ import annotations

import numpy as np
import pyspng

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 40_000_000  # larger is no phone screen: refused before decoding


def decode_plain_png(data: bytes) -> np.ndarray | None:
    """The pixels of an 8-bit RGB PNG without an EXIF chunk, decoded by libspng (half the CPU
    of OpenCV's libpng, the same pixels); None for anything else, which OpenCV or Pillow
    decode (other colour types and depths, a rotation to apply, a damaged file)."""
    if len(data) < 33 or data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        return None
    if data[24:26] != b"\x08\x02":
        return None
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if width * height > MAX_PIXELS or b"eXIf" in data:
        return None
    try:
        pixels: np.ndarray = pyspng.load(data, "RGB")
    except (RuntimeError, ValueError):
        return None
    return pixels if pixels.shape == (height, width, 3) else None
