"""Is an incoming-call banner on this iPhone screenshot? Screenshot-first ring detection.

While an iPhone is in use, a call shows as a compact banner drawn by SpringBoard over the app.
XCUITest often leaves it out of the page source, and there is no call state to ask, so the
screenshot decides: the banner is the only thing at the top of the screen with a red decline
disc and a green accept disc side by side, the same size, on one line (iOS system red and
green, light or dark appearance). Shapes, not words: it works in every language.
"""

from __future__ import annotations

import cv2
import numpy as np

WIDTH = 360  # screenshots are scaled to this width first: detection is about shapes
TOP = 0.35  # banners slide in from the top; full-screen calls are found by the active app


def _discs(mask: np.ndarray) -> list[tuple[float, float, float]]:
    """(x, y, radius) of filled round blobs in a boolean mask (a glyph may cut into them)."""
    count, _, stats, centroids = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=8
    )
    found = []
    for index in range(1, count):
        _, _, w, h, area = (int(v) for v in stats[index])
        if w < 8 or h < 8 or not 0.75 <= w / h <= 1.33:
            continue
        if 0.45 <= area / (w * h) <= 0.95:  # a disc fills pi/4 of its box, less its glyph
            found.append((float(centroids[index][0]), float(centroids[index][1]), (w + h) / 4))
    return found


def looks_like_call_banner(png: bytes) -> bool:
    """True when the top of the screen shows a decline/accept pair of round buttons."""
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return False
    height, width = image.shape[:2]
    small = cv2.resize(image, (WIDTH, max(1, round(height * WIDTH / width))),
                       interpolation=cv2.INTER_AREA)  # fmt: skip
    top = small[: max(1, int(small.shape[0] * TOP))].astype(np.int16)
    blue, green, red = top[..., 0], top[..., 1], top[..., 2]
    reds = _discs((red > 200) & (green < 120) & (blue < 110))
    greens = _discs((green > 170) & (red < 120) & (blue < 140))
    for rx, ry, rr in reds:
        for gx, gy, gr in greens:
            if rx < gx and abs(ry - gy) < max(4.0, rr * 0.4) and abs(rr - gr) < max(3.0, rr * 0.4):
                return True
    return False
