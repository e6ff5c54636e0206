"""Where the text is: the caller-info band of a dialer and the text lines inside it.

Reading a whole screenshot costs 3-4x more and picks up button captions and status bars, so
the band comes from the dialer profile (dialers.yaml); without one, the screen minus its status
bar and button area is searched. Lines are found with OpenCV (gradient, threshold, horizontal
closing) and each becomes one OCR crop.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from robot.screen.image import Screen
from robot.screen.vocab import DialerProfile

_FIND_WIDTH = 540
_STATUS_BAR = 0.018
_GENERIC_BAND = (0.0, 0.70)
_MIN_LINE_PX = 16


@dataclass(frozen=True, slots=True)
class Box:
    """A text line in WORK_WIDTH pixel coordinates (x, y of the top-left corner)."""

    x: int
    y: int
    w: int
    h: int

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


def band_rows(screen: Screen, prof: DialerProfile | None) -> tuple[int, int]:
    """Rows to search: the profile's band (widened a little for layout drift) or generic."""
    top, bottom = _GENERIC_BAND if prof is None else (prof.band.top, prof.band.bottom)
    if prof is not None:
        top, bottom = max(0.0, top - 0.05), min(1.0, bottom + 0.05)
    y0 = max(int(top * screen.height), int(_STATUS_BAR * screen.height))
    return y0, int(bottom * screen.height)


def find_lines(image: np.ndarray, y0: int, y1: int, mask: list[Box] | None = None) -> list[Box]:
    """Text-line boxes between rows y0 and y1 of a grey or RGB image, top to bottom."""
    region = image[y0:y1]
    if region.size == 0:
        return []
    scale = _FIND_WIDTH / region.shape[1]
    small = cv2.resize(
        region, (_FIND_WIDTH, max(1, int(region.shape[0] * scale))), interpolation=cv2.INTER_AREA
    )
    # colour text on colour (red label on blue) can be flat in grey: use the strongest channel
    grad = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    if small.ndim == 3:
        grad = cv2.max(cv2.max(grad[:, :, 0], grad[:, :, 1]), grad[:, :, 2])
    otsu, _ = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    _, binary = cv2.threshold(grad, max(float(otsu), 40.0), 255, cv2.THRESH_BINARY)
    if mask:
        for m in mask:
            # with a margin: anti-aliased rims of a badge must not join the text beside it
            mx, my = int(m.x * scale) - 3, int((m.y - y0) * scale) - 3
            binary[
                max(0, my) : my + int(m.h * scale) + 7, max(0, mx) : mx + int(m.w * scale) + 7
            ] = 0
    joined = cv2.morphologyEx(
        binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1))
    )
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    boxes: list[Box] = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if h > 70 or (h > 24 and area < 0.2 * w * h):
            if w < 1.35 * h:
                continue  # square: an avatar or icon, not text touched by a stray edge
            core = _text_rows(labels[y : y + h, x : x + w] == i)
            if core is None or core[2] < 1.5 * core[3]:
                continue
            x, y, w, h = x + core[0], y + core[1], core[2], core[3]
            area = w * h
        if h < 4 or h > 70 or w > _FIND_WIDTH * 0.97 or area < 0.12 * w * h:
            continue
        boxes.append(
            Box(
                int(x / scale),
                int(y / scale) + y0,
                int(np.ceil(w / scale)),
                int(np.ceil(h / scale)),
            )
        )
    return [b for b in _merge_rows(boxes) if b.h >= _MIN_LINE_PX and b.w >= 0.6 * b.h]


def _text_rows(component: np.ndarray) -> tuple[int, int, int, int] | None:
    """The text row inside a blob that a line of text formed with a photo edge or a cord.

    Text fills its rows densely; a cord or edge that touched it adds only sparse rows.
    """
    rows = component.sum(axis=1)
    dense = rows >= 0.25 * float(rows.max())
    best: tuple[int, int] | None = None
    start = None
    for r, on in enumerate([*dense.tolist(), False]):
        if on and start is None:
            start = r
        elif not on and start is not None:
            if best is None or r - start > best[1] - best[0]:
                best = (start, r)
            start = None
    if best is None or not 5 <= best[1] - best[0] <= 70:
        return None
    # keep accents above and descenders below the dense core
    height = best[1] - best[0]
    top = max(0, best[0] - height // 5)
    bottom = min(component.shape[0], best[1] + height // 3)
    cols = np.flatnonzero(component[best[0] : best[1]].any(axis=0))
    return int(cols[0]), top, int(cols[-1] - cols[0] + 1), bottom - top


def _merge_rows(boxes: list[Box]) -> list[Box]:
    """Join boxes that sit on one text row and are close (words split by wide gaps)."""
    boxes = sorted(boxes, key=lambda b: (b.y, b.x))
    merged: list[Box] = []
    for box in sorted(boxes, key=lambda b: b.x):
        for i, other in enumerate(merged):
            overlap = min(box.bottom, other.bottom) - max(box.y, other.y)
            gap = box.x - other.right
            similar = 0.6 < box.h / max(1, other.h) < 1.6
            # an ellipsis or accent is small but lies inside the line's rows
            inside = box.h < other.h and box.y >= other.y - 2 and box.bottom <= other.bottom + 2
            near = gap < 1.3 * max(box.h, other.h) if similar else gap < 0.5 * other.h
            if overlap > 0.6 * min(box.h, other.h) and near and (similar or inside):
                x, y = min(box.x, other.x), min(box.y, other.y)
                merged[i] = Box(
                    x, y, max(box.right, other.right) - x, max(box.bottom, other.bottom) - y
                )
                break
        else:
            merged.append(box)
    return sorted(merged, key=lambda b: (b.y, b.x))


def line_crop(image: np.ndarray, box: Box, target_h: int = 48) -> np.ndarray:
    """The line as dark text on a light background, scaled for Tesseract, with a clean margin.

    The crop is the box itself plus a margin of its own background colour, so neighbouring
    lines and icons never leak into the single-line OCR.
    """
    gray = image
    y0, y1 = max(0, box.y - 2), min(gray.shape[0], box.bottom + 2)
    x0, x1 = max(0, box.x - 2), min(gray.shape[1], box.right + 2)
    crop = gray[y0:y1, x0:x1]
    if crop.ndim == 3:
        # the channel (or grey) where the text stands out most
        options = [cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)] + [crop[:, :, c] for c in range(3)]
        crop = np.ascontiguousarray(max(options, key=lambda o: float(o.std())))
    border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]])
    background = float(np.median(border))
    if background < float(np.mean(crop)) or background < 110:
        crop = 255 - crop
        background = 255 - background
    scale = target_h / max(1, box.h)
    if abs(scale - 1) > 0.1:
        size = (max(1, int(crop.shape[1] * scale)), max(1, int(crop.shape[0] * scale)))
        crop = cv2.resize(
            crop, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        )
    pad = max(8, target_h // 4)
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=int(background))
