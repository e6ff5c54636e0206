"""Where the text is: the text lines inside the part of the screen the call is drawn in.

Lines are found on the once-downscaled screen with OpenCV (gradient, threshold, horizontal
closing); each becomes one OCR crop of the full-size screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from robot.screen.image import SMALL, components

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
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


def find_lines(small: np.ndarray, region: Box, mask: list[Box] | None = None) -> list[Box]:
    """Text-line boxes (WORK_WIDTH pixels) inside `region` of the downscaled screen."""
    x0, y0 = region.x // SMALL, region.y // SMALL
    part = small[y0 : region.bottom // SMALL, x0 : region.right // SMALL]
    if part.size == 0:
        return []
    # colour text on colour (red label on blue) can be flat in grey: use the strongest channel
    grad = cv2.morphologyEx(part, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    if part.ndim == 3:
        grad = cv2.max(cv2.max(grad[:, :, 0], grad[:, :, 1]), grad[:, :, 2])
    otsu, _ = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # a global threshold would lose faint text on a busy screen: keep it in a narrow band
    _, binary = cv2.threshold(grad, min(max(float(otsu), 30.0), 48.0), 255, cv2.THRESH_BINARY)
    for m in mask or ():
        # with a margin: anti-aliased rims of a badge must not join the text beside it
        mx, my = m.x // SMALL - x0 - 3, m.y // SMALL - y0 - 3
        binary[max(0, my) : my + m.h // SMALL + 7, max(0, mx) : mx + m.w // SMALL + 7] = 0
    joined = cv2.morphologyEx(
        binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1))
    )
    count, labels, stats = components(joined)
    width = part.shape[1]
    boxes: list[Box] = []
    found: list[tuple[int, int, int, int, int]] = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if h > 70 or (h > 24 and area < 0.2 * w * h):
            found.extend(_split_tall(labels[y : y + h, x : x + w] == i, x, y))
        else:
            found.append((x, y, w, h, area))
    for x, y, w, h, area in found:
        if h < 4 or h > 70 or w > width * 0.97 or area < 0.12 * w * h:
            continue
        boxes.append(Box((x + x0) * SMALL, (y + y0) * SMALL, w * SMALL, h * SMALL))
    return [b for b in _merge_rows(boxes) if b.h >= _MIN_LINE_PX and b.w >= 0.6 * b.h]


def find_big_text(small: np.ndarray, region: Box, min_h: int) -> list[Box]:
    """Lines of text taller than `min_h` pixels (WORK_WIDTH) inside `region`: a lock
    screen's clock, which `find_lines` (made for text up to ~140 px) leaves out."""
    x0, y0 = region.x // SMALL, region.y // SMALL
    part = small[y0 : region.bottom // SMALL, x0 : region.right // SMALL]
    if part.size == 0:
        return []
    grad = cv2.morphologyEx(part, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    if part.ndim == 3:
        grad = cv2.max(cv2.max(grad[:, :, 0], grad[:, :, 1]), grad[:, :, 2])
    _, binary = cv2.threshold(grad, 48, 255, cv2.THRESH_BINARY)
    # a straight edge across the screen (a card's rim or shadow the clock runs into) would
    # join the clock into one blob as wide as the screen: edges that long are no text
    edges = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (part.shape[1] // 3, 1))
    )
    binary = cv2.subtract(binary, edges)
    joined = cv2.morphologyEx(
        binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 3))
    )
    count, _, stats = components(joined)
    found: list[Box] = []
    for i in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[i])
        if h * SMALL < min_h or w > 6 * h:
            continue
        box = Box((x + x0) * SMALL, (y + y0) * SMALL, w * SMALL, h * SMALL)
        for k, other in enumerate(found):  # the digits of a clock stand apart
            rows = min(box.bottom, other.bottom) - max(box.y, other.y)
            gap = max(box.x - other.right, other.x - box.right)
            if rows > 0.5 * min(box.h, other.h) and gap < box.h:
                left, top = min(box.x, other.x), min(box.y, other.y)
                found[k] = Box(
                    left,
                    top,
                    max(box.right, other.right) - left,
                    max(box.bottom, other.bottom) - top,
                )
                break
        else:
            found.append(box)
    return [b for b in found if b.w >= 1.2 * b.h]


def _split_tall(component: np.ndarray, x0: int, y0: int) -> list[tuple[int, int, int, int, int]]:
    """The line of text inside a blob it formed with a photo edge, a cord or a thin divider:
    the blob's densest run of rows, when that run is shaped like a line and what else the
    blob holds is thin. A square blob whose other rows are not thin is an avatar or an icon."""
    core = _text_rows(component)
    if core is None or core[2] < 1.5 * core[3]:
        return []
    cx, cy, cw, ch = core
    rows = component.sum(axis=1)
    outside = np.concatenate([rows[:cy], rows[cy + ch :]])
    h, w = component.shape
    if w < 1.35 * h and outside.size and float(outside.max()) > 0.3 * cw:
        return []
    return [(x0 + cx, y0 + cy, cw, ch, cw * ch)]


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
    # keep ascenders, accents and descenders: rows next to the (x-height) core with some ink,
    # as far as most of its height above and below
    height = best[1] - best[0]
    some = rows >= 0.06 * float(rows.max())
    top = best[0]
    while top > max(0, best[0] - 7 * height // 10) and some[top - 1]:
        top -= 1
    bottom = best[1]
    while bottom < min(component.shape[0], best[1] + 6 * height // 10) and some[bottom]:
        bottom += 1
    cols = np.flatnonzero(component[best[0] : best[1]].any(axis=0))
    return int(cols[0]), top, int(cols[-1] - cols[0] + 1), bottom - top


def _offset_square(a: Box, b: Box) -> bool:
    """A square blob (an avatar's silhouette or an icon) beside a line but not on its rows:
    words of one line share their rows, so together they are hardly taller than the taller
    word, while a silhouette level with the name and the subtitle under it sticks out below
    the name. Merged, the line would take the icon's rows (a name box twice its height, read
    as "wW Veterinary" with the subtitle's top in it)."""
    square = any(0.7 <= c.w / max(1, c.h) <= 1.4 for c in (a, b))
    union = max(a.bottom, b.bottom) - min(a.y, b.y)
    return square and union > 1.15 * max(a.h, b.h)


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
            inside = (
                box.h < other.h
                and box.w < 1.5 * other.h
                and other.w >= 1.5 * other.h  # into a line of text, never into an avatar
                and box.y >= other.y - 2
                and box.bottom <= other.bottom + 2
            )
            near = gap < 1.3 * max(box.h, other.h) if similar else gap < 0.5 * other.h
            if similar and _offset_square(box, other):
                continue
            if overlap > 0.6 * min(box.h, other.h) and near and (similar or inside):
                x, y = min(box.x, other.x), min(box.y, other.y)
                merged[i] = Box(
                    x, y, max(box.right, other.right) - x, max(box.bottom, other.bottom) - y
                )
                break
        else:
            merged.append(box)
    return sorted(merged, key=lambda b: (b.y, b.x))


def line_crop(image: np.ndarray, box: Box, target_h: int | None = None) -> np.ndarray:
    """The line as dark text on white, scaled for Tesseract, with a clean margin.

    Each pixel becomes its colour distance from the background just above and below it in
    the same column, so text over a wallpaper that changes along the line (light on the left,
    dark on the right), coloured text on a coloured band, and light or dark themes all come
    out the same way; neighbouring lines and icons never leak in.
    """
    m = 3
    y0, y1 = max(0, box.y - m), min(image.shape[0], box.bottom + m)
    x0, x1 = max(0, box.x - m), min(image.shape[1], box.right + m)
    crop = image[y0:y1, x0:x1]
    if crop.ndim == 2:
        crop = crop[:, :, None]
    above, below = max(1, box.y - y0), max(1, y1 - box.bottom)
    margin = np.concatenate([crop[:above], crop[crop.shape[0] - below :]], axis=0)
    background = _column_medians(margin)  # one colour per column
    # along the line, so an accent or a descender that reaches the margin leaves no hole
    k = min(max(3, box.h // 2 | 1), 255)
    background = cv2.medianBlur(np.ascontiguousarray(background[None]), 5 if k > 5 else k)[0]
    if k > 5:
        background = cv2.blur(background[None], (k, 1))[0]
    if background.ndim == 1:
        background = background[:, None]
    dist = _distance(crop, background)
    flat = dist.ravel()
    k = int(0.97 * (flat.size - 1))
    top = max(40.0, float(np.partition(flat, k)[k]))  # the text's contrast, not a stray pixel
    grey: np.ndarray = (255 - np.clip(dist * (255.0 / top), 0, 255)).astype(np.uint8)
    if target_h is None:
        # big lines come down to 48 px; small ones are enlarged only a little, since
        # interpolated thin strokes turn a 5 into a 9
        target_h = min(48, max(32, box.h))
    scale = target_h / max(1, box.h)
    if abs(scale - 1) > 0.1:
        size = (max(1, int(grey.shape[1] * scale)), max(1, int(grey.shape[0] * scale)))
        grey = cv2.resize(
            grey, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        )
    pad = max(8, target_h // 4)
    framed: np.ndarray = cv2.copyMakeBorder(
        grey, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255
    )
    return framed


def _column_medians(rows: np.ndarray) -> np.ndarray:
    """`np.median(rows, axis=0)` as uint8 for a few rows of pixels (height, width, channels),
    without its overhead: only the middle one or two values of each column put in place."""
    columns = np.ascontiguousarray(rows.transpose(1, 2, 0))  # width, channels, height
    half = columns.shape[2] // 2
    if columns.shape[2] % 2:
        middle: np.ndarray = np.partition(columns, half, axis=2)[:, :, half]
        return middle
    both = np.partition(columns, (half - 1, half), axis=2)
    mean = (both[:, :, half - 1].astype(np.float64) + both[:, :, half]) / 2
    return mean.astype(np.uint8)


def _distance(crop: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Each pixel's largest channel difference from its column's background colour, as uint8.
    OpenCV's saturating difference is exact for two uint8 values, and a maximum over planes
    avoids numpy's slow reduction over a three-wide axis (most of the crop's CPU)."""
    diff = cv2.absdiff(crop, np.ascontiguousarray(np.broadcast_to(background[None], crop.shape)))
    planes = cv2.split(diff)
    dist = planes[0]
    for plane in planes[1:]:
        dist = cv2.max(dist, plane)
    return dist
