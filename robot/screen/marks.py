"""Non-text marks on a call screen: the verified check-mark disc and the avatar-slot logo.

The badge is found by colour and shape (a small filled green disc or rounded square with a
white tick) so that it can be painted out before OCR and so that a big green answer button is
never taken for it: a badge is about the size of the text it sits next to.
The logo check separates a placeholder (a flat disc with a silhouette or a letter: two or three
flat colours) from a real logo or photo (many colours) in the avatar slot.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from robot.screen.lines import Box

_MIN_BADGE_PX = 16
_MAX_BADGE_PX = 120


@dataclass(frozen=True, slots=True)
class Badge:
    box: Box
    score: float


def _hues(colours: tuple[tuple[int, int, int], ...]) -> list[int]:
    if not colours:
        return [60]
    arr = np.array([list(colours)], dtype=np.uint8)
    hsv = cv2.cvtColor(arr, cv2.COLOR_RGB2HSV)
    return sorted({int(h) for h in hsv[0, :, 0]})


def find_badges(
    rgb: np.ndarray, y0: int, y1: int, colours: tuple[tuple[int, int, int], ...]
) -> list[Badge]:
    """Candidate check-mark discs between rows y0 and y1 (not yet tied to a text line)."""
    region = np.ascontiguousarray(rgb[y0:y1:2, ::2])  # half resolution is plenty for a disc
    if region.size == 0:
        return []
    hsv = cv2.cvtColor(region, cv2.COLOR_RGB2HSV)
    mask: np.ndarray = np.zeros(region.shape[:2], np.uint8)
    for hue in _hues(colours):
        lo = np.array([max(0, hue - 14), 90, 70], np.uint8)
        hi = np.array([min(179, hue + 14), 255, 255], np.uint8)
        mask = cv2.bitwise_or(mask, cv2.inRange(hsv, lo, hi))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    badges: list[Badge] = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if not (
            _MIN_BADGE_PX <= 2 * w <= _MAX_BADGE_PX and _MIN_BADGE_PX <= 2 * h <= _MAX_BADGE_PX
        ):
            continue
        if not 0.75 <= w / h <= 1.33:
            continue
        fill = area / float(w * h)
        if not 0.4 <= fill <= 0.92:
            continue
        inner = region[y + h // 5 : y + h - h // 5, x + w // 5 : x + w - w // 5]
        white = np.all(inner > 200, axis=2).mean() if inner.size else 0.0
        # a tick is a thin stroke: an "o" of green text has a hollow middle instead
        if not 0.04 <= white <= 0.4 or not _solid_rim(labels[y : y + h, x : x + w] == i):
            continue
        box = Box(2 * x, 2 * y + y0, 2 * w, 2 * h)
        badges.append(Badge(box, score=min(1.0, 0.6 + float(white))))
    return badges


def _solid_rim(component: np.ndarray) -> bool:
    """A disc (or rounded square) is filled all the way round at 3/4 of its radius; green
    letters ("n", "e", "c") are open somewhere on that circle."""
    h, w = component.shape
    angles = np.linspace(0, 2 * np.pi, 32, endpoint=False)
    ys = np.clip(np.round(h / 2 - 0.5 + 0.375 * h * np.sin(angles)).astype(int), 0, h - 1)
    xs = np.clip(np.round(w / 2 - 0.5 + 0.375 * w * np.cos(angles)).astype(int), 0, w - 1)
    return float(component[ys, xs].mean()) >= 0.8


def badge_beside(badge: Badge, line: Box) -> bool:
    """A badge belongs to a line when it is text-sized and sits at either end of it."""
    b = badge.box
    if not 0.45 <= b.h / max(1, line.h) <= 1.8:
        return False
    overlap = min(b.bottom, line.bottom) - max(b.y, line.y)
    if overlap < 0.4 * min(b.h, line.h):
        return False
    gap_right = b.x - line.right
    gap_left = line.x - b.right
    reach = 1.5 * line.h
    return -0.5 * b.w <= gap_right <= reach or -0.5 * b.w <= gap_left <= reach


def find_avatar(rgb: np.ndarray, y0: int, y1: int, text: list[Box]) -> Box | None:
    """The avatar slot: the largest roughly square blob in the band that is not text.

    Found before OCR so that a letter avatar ("B") or the shapes of a logo are never read as
    the caller's name. `text` are line boxes; only wide ones (real text) are masked, so the
    pieces of a logo that the line finder picked up still count as part of the slot.
    """
    region = rgb[y0:y1:2, ::2]  # half resolution: the slot is big, precision is not needed
    if region.size == 0:
        return None
    gray = cv2.cvtColor(np.ascontiguousarray(region), cv2.COLOR_RGB2GRAY)
    hist = np.bincount((gray // 8).ravel(), minlength=32)
    background = int(np.argmax(hist)) * 8 + 4
    mask: np.ndarray = (np.abs(gray.astype(np.int16) - background) > 18).astype(np.uint8) * 255
    for box in text:
        if box.w > 2 * box.h:
            top, bottom = max(0, (box.y - y0 - 2) // 2), max(0, (box.bottom - y0 + 3) // 2)
            mask[top:bottom, box.x // 2 : (box.right + 1) // 2] = 0
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    best: Box | None = None
    for i in range(1, count):
        x, y, w, h = (2 * int(v) for v in stats[i][:4])
        area = 4 * int(stats[i][4])
        if not (110 <= w <= 420 and 110 <= h <= 420 and 0.8 <= w / h <= 1.25):
            continue
        if area < 0.5 * w * h:
            continue
        candidate = Box(x, y + y0, w, h)
        if any(box.w > 2 * box.h and inside(box, candidate) for box in text):
            continue  # a patch of background with words in it, not a picture
        if best is None or w * h > best.w * best.h:
            best = candidate
    return best


def is_logo(rgb: np.ndarray, slot: Box | None) -> tuple[bool, float]:
    """A logo or photo shows two or more distinct hues; a placeholder (grey silhouette, or a
    letter on one coloured disc) shows at most one. Hue, unlike raw colour bins, does not
    split a flat grey into several colours when JPEG noise moves it across a bin border."""
    if slot is None:
        return False, 0.6
    x, y, w, h = slot.x, slot.y, slot.w, slot.h
    inner = np.ascontiguousarray(rgb[y + h // 6 : y + h - h // 6, x + w // 6 : x + w - w // 6])
    if inner.size == 0:
        return False, 0.5
    hsv = cv2.cvtColor(inner, cv2.COLOR_RGB2HSV).reshape(-1, 3)
    vivid = hsv[(hsv[:, 1] > 80) & (hsv[:, 2] > 60)]
    hues = np.bincount(vivid[:, 0] // 10, minlength=18) / max(1, len(hsv))
    present = (hues > 0.03).tolist()
    # neighbouring bins are one hue (JPEG noise spreads a colour over a bin border); the hue
    # circle wraps around at red
    starts = [i for i in range(18) if present[i] and not present[i - 1]]
    distinct = len(starts) if not all(present) else 1
    return distinct >= 2, 0.8 if distinct != 1 else 0.7


def inside(box: Box, slot: Box) -> bool:
    """Whether a line box lies (mostly) within the avatar slot."""
    ox = min(box.right, slot.right) - max(box.x, slot.x)
    oy = min(box.bottom, slot.bottom) - max(box.y, slot.y)
    return ox > 0 and oy > 0 and ox * oy >= 0.6 * box.w * box.h
