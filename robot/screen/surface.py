"""Finding the call on the screen before reading it: a full-screen call, a heads-up card or
banner over an app, or a call on the lock screen; and the part of the screen worth reading.

A card or banner is a flat panel near the top holding the answer and decline controls; the
panel is grown from the space between the two controls to where its colour ends, and only
what is inside it is read: the app behind it holds other names and numbers. Without a pair
of controls at the top, the handset's own observation (a heads-up card was seen) makes the
top of the screen searched for a panel, but a hint is never the only evidence. A full-screen
call is read above its controls (their captions and the navigation bar are not caller text).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from robot.domain.model import DialerKind, Surface
from robot.screen.controls import Control, Controls
from robot.screen.image import SMALL, Screen
from robot.screen.lines import Box

STATUS_BAR = 0.035  # share of the height the phone's status bar takes at most
_CARD_ZONE = 0.45  # a card or banner starts above this share of the height
_FLAT = 8  # colour steps a panel's fill may vary by (JPEG noise, a soft gradient)


@dataclass(frozen=True, slots=True)
class Found:
    """Where the call is drawn and the box to read, in WORK_WIDTH pixels."""

    surface: Surface
    region: Box
    controls: tuple[Control, ...]  # the controls of this call (their captions are skipped)
    panel: bool  # the region is a card or banner over something else


def find_surface(
    screen: Screen, controls: Controls, hint: Surface | None, dialer: DialerKind | None
) -> Found:
    height = screen.height
    cards = []
    for red, green in controls.pairs:
        if max(red.box.bottom, green.box.bottom) > _CARD_ZONE * height:
            break
        panel = _panel_from(screen, red, green)
        if panel is not None:
            cards.append((red, green, panel))
    if cards:
        # a red word of a label may pair with a green patch of an avatar in the same card:
        # the card's own buttons are drawn alike (two pills, two discs, two words of one
        # size), the closest alike pair in it
        red, green, panel = max(cards, key=lambda c: _alike(c[0].box, c[1].box))
        kind = _card_kind(panel, red, green, hint, dialer)
        return Found(kind, panel, (red, green), True)
    if hint in (Surface.HEADS_UP, Surface.BANNER, Surface.LOCK_SCREEN):
        panel = _panel_at_top(screen)
        if panel is not None:
            inside = tuple(c for c in controls.all() if _within(c.box, panel))
            return Found(hint, panel, inside, True)
    return _full_screen(screen, controls)


def _full_screen(screen: Screen, controls: Controls) -> Found:
    """The screen below the status bar and above the lowest row of call controls."""
    height, width = screen.height, screen.width
    low = [c for c in controls.all() if c.box.y > 0.6 * height]
    bottom = min((c.box.y for c in low), default=height)
    # captions sit under the controls; a lone caption row above them is handled by the reader
    region = Box(0, int(STATUS_BAR * height), width, max(1, bottom - int(STATUS_BAR * height)))
    return Found(Surface.FULL_SCREEN, region, tuple(low), False)


def _card_kind(
    panel: Box, red: Control, green: Control, hint: Surface | None, dialer: DialerKind | None
) -> Surface:
    """An iOS banner has round controls on its right, level with the caller's name; an
    Android heads-up card has its actions in a row under the caller's lines."""
    if dialer is DialerKind.IOS or hint is Surface.BANNER:
        return Surface.BANNER
    if dialer is not None or hint is Surface.HEADS_UP:
        return Surface.HEADS_UP
    controls_right = min(red.box.x, green.box.x) > panel.x + 0.55 * panel.w
    middle = panel.y + 0.25 * panel.h <= (red.box.cy + green.box.cy) / 2 <= panel.y + 0.75 * panel.h
    discs = red.shape == green.shape == "disc"
    return Surface.BANNER if controls_right and middle and discs else Surface.HEADS_UP


def _alike(a: Box, b: Box) -> float:
    """1 for two boxes of one size, less the more their widths and heights differ."""
    return min(a.w, b.w) / max(1, a.w, b.w) * min(a.h, b.h) / max(1, a.h, b.h)


def _within(box: Box, outer: Box) -> bool:
    return outer.x <= box.cx <= outer.right and outer.y <= box.cy <= outer.bottom


def _flood(small: np.ndarray, seed: tuple[int, int]) -> Box | None:
    """The bounding box (WORK_WIDTH pixels) of the flat area of one colour around `seed`."""
    h, w = small.shape[:2]
    x, y = seed
    if not (0 <= x < w and 0 <= y < h):
        return None
    mask = np.zeros((h + 2, w + 2), np.uint8)
    flags = 4 | cv2.FLOODFILL_FIXED_RANGE | cv2.FLOODFILL_MASK_ONLY | (255 << 8)
    diff = (_FLAT, _FLAT, _FLAT)
    cv2.floodFill(small, mask, (x, y), (0, 0, 0), diff, diff, flags)
    filled = mask[1:-1, 1:-1]
    # OpenCV's count and bounding box of the filled pixels: a list of every pixel's
    # coordinates cost a millisecond or two per flood
    if cv2.countNonZero(filled) < 50:
        return None
    x0, y0, fw, fh = cv2.boundingRect(filled)
    x1, y1 = x0 + fw - 1, y0 + fh - 1
    # inside the rounded corners: what shows there is the app behind the panel
    inset = max(2, (x1 - x0) // 40)
    return Box(
        (x0 + inset) * SMALL,
        (y0 + 2) * SMALL,
        (x1 - x0 + 1 - 2 * inset) * SMALL,
        (y1 - y0 - 3) * SMALL,
    )


def _panel_ok(screen: Screen, box: Box) -> bool:
    return (
        box.w >= 0.6 * screen.width
        and 0.04 * screen.height <= box.h <= 0.4 * screen.height
        and box.y < _CARD_ZONE * screen.height
    )


def _panel_from(screen: Screen, red: Control, green: Control) -> Box | None:
    """The panel around a pair of controls, grown from the space between them."""
    left, right = (red, green) if red.box.x < green.box.x else (green, red)
    cy = int((left.box.cy + right.box.cy) / 2) // SMALL
    gap_x = (left.box.right + right.box.x) // 2 // SMALL
    for dx, dy in ((0, 0), (0, -3), (0, 3), (-4, 0), (4, 0)):
        box = _flood(screen.small, (gap_x + dx, cy + dy))
        if box is not None and _panel_ok(screen, box) and _within(left.box, box):
            return box
    return None


def _panel_at_top(screen: Screen) -> Box | None:
    """A panel near the top of the screen, searched from points along its left margin."""
    small = screen.small
    h, w = small.shape[:2]
    for y in np.linspace(0.04 * h, 0.3 * h, 14).astype(int):
        for x in (int(0.08 * w), int(0.5 * w)):
            box = _flood(small, (x, int(y)))
            if box is not None and _panel_ok(screen, box) and box.w >= 0.8 * screen.width:
                return box
    return None
