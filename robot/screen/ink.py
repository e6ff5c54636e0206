"""How a text line is drawn: a warning (red, orange or pink text, or text on a red band)
or plain. Dialers draw spam labels as warnings and names plain, so the colour is evidence
a label matcher may lean on; it is never enough alone to make a line a label.
"""

from __future__ import annotations

import cv2
import numpy as np

from robot.screen.image import SMALL
from robot.screen.lines import Box


def _warm(rgb: np.ndarray) -> bool:
    pixel = np.clip(rgb, 0, 255).astype(np.uint8).reshape(1, 1, 3)
    h, s, v = (int(c) for c in cv2.cvtColor(pixel, cv2.COLOR_RGB2HSV)[0, 0])
    return (h <= 22 or h >= 165) and s >= 90 and v >= 110


def ink_of(small: np.ndarray, box: Box) -> tuple[bool, bool]:
    """(the text of `box` is in a warning colour, the flat band behind it is), looked up on
    the downscaled screen: colour needs no detail."""
    crop = small[
        max(0, box.y) // SMALL : box.bottom // SMALL, max(0, box.x) // SMALL : box.right // SMALL
    ]
    if crop.size == 0 or crop.shape[0] < 3 or crop.shape[1] < 3:
        return False, False
    border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]]).astype(np.int16)
    background = np.median(border, axis=0)
    far = _far_from(crop, background, 60)
    if int(far.sum()) < 4:
        return False, False
    ink = np.median(crop[far], axis=0)
    # a warning band is flat; a warm patch of a photo or wallpaper behind a name is not one
    flat = float(np.abs(border - background).max(axis=1).mean()) < 12
    return _warm(ink), flat and _warm(background)


def _far_from(crop: np.ndarray, colour: np.ndarray, reach: float) -> np.ndarray:
    """Pixels with a channel more than `reach` from `colour` (which may be fractional): the
    complement of one range test, as integer bounds, instead of a float difference per
    channel reduced over a three-wide axis."""
    low = np.clip(np.ceil(colour - reach), 0, 255).astype(np.uint8)
    high = np.clip(np.floor(colour + reach), 0, 255).astype(np.uint8)
    near = cv2.inRange(np.ascontiguousarray(crop), low, high)
    far: np.ndarray = near == 0
    return far
