"""The call's controls: answer and decline (green and red discs, pills or coloured words side
by side), a lone answer disc to swipe, or a lone red hang-up disc.

They say where the call is drawn (at the bottom of a full screen, inside a card or banner at
the top) and what is no caller text (the captions under and above them). Found by colour on
the downscaled screen; a verified badge is green too but text-sized and never paired with red.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from robot.screen.image import SMALL, Screen
from robot.screen.lines import Box


@dataclass(frozen=True, slots=True)
class Control:
    """One coloured control, in WORK_WIDTH pixels."""

    box: Box
    colour: str  # red | green | blue
    shape: str  # disc (a round button) | bar (a pill button or a coloured word)


@dataclass(frozen=True, slots=True)
class Controls:
    pairs: tuple[tuple[Control, Control], ...]  # (red, green) side by side, top to bottom
    answer: tuple[Control, ...]  # green discs big enough to answer by themselves
    hang_up: tuple[Control, ...]  # red discs big enough to end a call

    def all(self) -> list[Control]:
        return [c for pair in self.pairs for c in pair] + [*self.answer, *self.hang_up]


def _hues(low: int, high: int, *more: tuple[int, int]) -> np.ndarray:
    table = np.zeros(256, np.uint8)
    for a, b in ((low, high), *more):
        table[a : b + 1] = 255
    return table


# OpenCV hue runs 0-179; red wraps round
_HUES = {"red": _hues(0, 9, (170, 180)), "green": _hues(40, 90), "blue": _hues(100, 125)}
# least saturation and value of each control colour (blue: some call apps answer with a blue
# check instead of green)
_FLOORS = {"red": (110, 110), "green": (80, 90), "blue": (120, 120)}


def _masks(hsv: np.ndarray) -> dict[str, np.ndarray]:
    """The pixels of each control colour: one pass to split the planes and one table look-up
    per hue instead of a range test on every channel per colour (a third of the CPU)."""
    hue, sat, val = cv2.split(hsv)
    out = {}
    for colour, table in _HUES.items():
        s_min, v_min = _FLOORS[colour]
        strong = cv2.bitwise_and(_at_least(sat, s_min), _at_least(val, v_min))
        out[colour] = cv2.bitwise_and(cv2.LUT(hue, table), strong)
    return out


def _at_least(plane: np.ndarray, floor: int) -> np.ndarray:
    _, mask = cv2.threshold(plane, floor - 1, 255, cv2.THRESH_BINARY)
    return mask


def _edges(small: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(grey, 40, 120)
    return cv2.dilate(edges, np.ones((3, 3), np.uint8))


class _LazyEdges:
    """Edges of the screen, computed only where a disc candidate asks for them."""

    def __init__(self, small: np.ndarray) -> None:
        self._small = small

    def __getitem__(self, window: tuple[slice, slice]) -> np.ndarray:
        ys, xs = window
        pad = 2  # so the window's own border is no edge
        y0, x0 = max(0, (ys.start or 0) - pad), max(0, (xs.start or 0) - pad)
        patch = _edges(self._small[y0 : (ys.stop or 0) + pad, x0 : (xs.stop or 0) + pad])
        top, left = (ys.start or 0) - y0, (xs.start or 0) - x0
        return patch[top : top + (ys.stop - ys.start), left : left + (xs.stop - xs.start)]


def _flat(hsv: np.ndarray, part: np.ndarray) -> bool:
    """A control is one flat colour (and its white glyph); a photo in an avatar is not."""
    pixels = hsv[part > 0]
    pixels = pixels[pixels[:, 1] > 60]  # the colour, not the glyph
    if len(pixels) < 20:
        return False
    pixels = pixels[:: max(1, len(pixels) // 400)]  # a few hundred samples say it as well
    ordered = np.sort(pixels, axis=0).astype(np.float64)  # one sort for both percentiles
    spread = _percentile(ordered, 0.8) - _percentile(ordered, 0.2)
    return float(spread[2]) < 24 and float(spread[1]) < 30


def _percentile(ordered: np.ndarray, q: float) -> np.ndarray:
    """`np.percentile(..., axis=0)` of sorted rows, linear between ranks and with its rounding,
    without its overhead (a quarter of the controls' CPU went to it)."""
    rank = q * (len(ordered) - 1)
    below = int(rank)
    above = min(below + 1, len(ordered) - 1)
    t = rank - below
    a, b = ordered[below], ordered[above]
    result: np.ndarray = a + (b - a) * t if t < 0.5 else b - (b - a) * (1 - t)
    return result


def _glyph(hsv: np.ndarray) -> bool:
    """A call button carries a white receiver; a patch of a logo or photo carries none."""
    h, w = hsv.shape[:2]
    inner = hsv[h // 4 : h - h // 4, w // 4 : w - w // 4].reshape(-1, 3)
    if len(inner) == 0:
        return False
    white = float(((inner[:, 1] < 70) & (inner[:, 2] > 170)).mean())
    return 0.03 <= white <= 0.6


def _sharp(component: np.ndarray, edges: np.ndarray) -> bool:
    """A drawn control has a crisp rim; a blurred blob of colour in a wallpaper has none."""
    ring = cv2.dilate(component, np.ones((5, 5), np.uint8)) & ~component
    total = int(np.count_nonzero(ring))
    return total > 0 and int(np.count_nonzero(ring & edges)) >= 0.5 * total


def _shape(w: int, h: int, fill: float) -> str | None:
    """disc: a round button; bar: a pill button or a coloured word ("Answer")."""
    ratio = w / h
    if 0.75 <= ratio <= 1.33 and fill >= 0.55 and h >= 20:
        return "disc"
    if 1.5 <= ratio <= 14 and 8 <= h <= 60:
        return "bar"
    return None


def _blobs(
    raw: np.ndarray, hsv: np.ndarray, edges: _LazyEdges, colour: str, width: int
) -> list[Control]:
    rows = np.flatnonzero(raw.any(axis=1))
    if len(rows) == 0:
        return []
    top = max(0, int(rows[0]) - 4)  # look only at the rows that have the colour
    # join the letters of a coloured word ("Answer") and close a disc around its white glyph
    mask = cv2.morphologyEx(
        raw[top : int(rows[-1]) + 5],
        cv2.MORPH_CLOSE,
        cv2.getStructuringElement(cv2.MORPH_RECT, (7, 5)),
    )
    # outlines (also of blobs inside a hole, a red word on a card over a red wallpaper):
    # much cheaper than labelling every pixel of a colourful screen
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[Control] = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if h < 7 or w < 7:
            continue
        outline: np.ndarray = np.zeros((h, w), np.uint8)
        cv2.drawContours(outline, [contour], -1, 255, -1, offset=(-x, -y))
        component: np.ndarray = cv2.bitwise_and(outline, mask[y : y + h, x : x + w])
        shape = _shape(w, h, float(np.count_nonzero(component)) / (w * h))
        bands = _bands(raw[top + y : top + y + h, x : x + w]) if shape == "bar" else []
        y += top
        if len(bands) > 1:
            # the closing bridged a gap of blank rows: a red word right above a red pill
            # ("Spam Likely" over "Decline") is two things, and a control as tall as both
            # would pair with the green pill and mask the word as a button
            for b0, b1 in bands:
                rows = raw[y + b0 : y + b1, x : x + w]
                cols = np.flatnonzero(rows.any(axis=0))
                bx, bw = x + int(cols[0]), int(cols[-1] - cols[0] + 1)
                if b1 - b0 >= 7 and bw >= 7 and _shape(bw, b1 - b0, 1.0) == "bar":
                    box = Box(bx * SMALL, (y + b0) * SMALL, bw * SMALL, (b1 - b0) * SMALL)
                    found.append(Control(box, colour, "bar"))
        elif shape == "bar":
            found.append(Control(Box(x * SMALL, y * SMALL, w * SMALL, h * SMALL), colour, "bar"))
        elif h >= 20:
            whole = _disc(component, hsv, edges, (x, y), colour, width)
            found.extend([whole] if whole else _discs(component, hsv, edges, (x, y), colour, width))
    return found


def _bands(raw: np.ndarray) -> list[tuple[int, int]]:
    """Runs of rows of a blob's box that hold its colour, split where whole rows are blank.
    A disc or a pill has its colour in every row (round its white glyph or word)."""
    on: list[bool] = np.any(raw, axis=1).astype(bool).tolist()
    bands: list[tuple[int, int]] = []
    start = None
    for r, lit in enumerate([*on, False]):
        if lit and start is None:
            start = r
        elif not lit and start is not None:
            bands.append((start, r))
            start = None
    return bands


def _disc(
    component: np.ndarray,
    hsv: np.ndarray,
    edges: _LazyEdges,
    at: tuple[int, int],
    colour: str,
    width: int,
) -> Control | None:
    """The blob itself, when it is a round button with a crisp rim."""
    x0, y0 = at
    h, w = component.shape
    if (
        max(w, h) > 0.3 * width
        or _shape(w, h, float(np.count_nonzero(component)) / (w * h)) != "disc"
    ):
        return None
    pad = 3
    window = edges[max(0, y0 - pad) : y0 + h + pad, max(0, x0 - pad) : x0 + w + pad]
    dx, dy = x0 - max(0, x0 - pad), y0 - max(0, y0 - pad)
    part = np.zeros(window.shape, np.uint8)
    part[dy : dy + h, dx : dx + w] = component
    inner = hsv[y0 : y0 + h, x0 : x0 + w]
    if not (_sharp(part, window) and _flat(inner, component) and _glyph(inner)):
        return None
    return Control(Box(x0 * SMALL, y0 * SMALL, w * SMALL, h * SMALL), colour, "disc")


def _discs(
    component: np.ndarray,
    hsv: np.ndarray,
    edges: _LazyEdges,
    at: tuple[int, int],
    colour: str,
    width: int,
) -> list[Control]:
    """Round buttons inside one blob of colour: cut along sharp edges (a disc drawn over a
    blurred patch of the same colour), keep round parts with a crisp rim."""
    x0, y0 = at
    h, w = component.shape
    pad = 3
    window = edges[max(0, y0 - pad) : y0 + h + pad, max(0, x0 - pad) : x0 + w + pad]
    dx, dy = x0 - max(0, x0 - pad), y0 - max(0, y0 - pad)
    blank = np.zeros(window.shape, np.uint8)
    blank[dy : dy + h, dx : dx + w] = component
    blank[window > 0] = 0
    cut = cv2.morphologyEx(blank, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cut, connectivity=4)
    found: list[Control] = []
    for i in range(1, count):
        x, y, cw, ch, area = (int(v) for v in stats[i])
        # the edge band ate ~2 px of the rim all round
        x, y, cw, ch = x - 2, y - 2, cw + 4, ch + 4
        if max(cw, ch) > 0.3 * width or _shape(cw, ch, area / float(cw * ch)) != "disc":
            continue
        part = (labels == i).astype(np.uint8) * 255
        hsv_window = hsv[max(0, y0 - pad) : y0 + h + pad, max(0, x0 - pad) : x0 + w + pad]
        if not (_sharp(part, window) and _flat(hsv_window, part)):
            continue
        if not _glyph(hsv_window[y : y + ch, x : x + cw]):
            continue
        box = Box((x + x0 - dx) * SMALL, (y + y0 - dy) * SMALL, cw * SMALL, ch * SMALL)
        found.append(Control(box, colour, "disc"))
    return found


def _paired(red: Control, green: Control) -> bool:
    a, b = red.box, green.box
    tall = max(a.h, b.h)
    if red.shape != green.shape or abs(a.cy - b.cy) > 0.5 * tall:
        return False
    if not 0.5 <= a.h / max(1, b.h) <= 2.0:
        return False
    gap = max(b.x - a.right, a.x - b.right)
    return gap >= 0.1 * tall


def _lone(control: Control, big: float, low: float) -> bool:
    return control.shape == "disc" and control.box.h >= big and control.box.y >= low


def find_controls(screen: Screen) -> Controls:
    hsv = screen.small_hsv
    edges = _LazyEdges(screen.small)
    width = screen.small.shape[1]
    masks = _masks(hsv)
    reds = _blobs(masks["red"], hsv, edges, "red", width)
    greens = _blobs(masks["green"], hsv, edges, "green", width)
    blues = _blobs(masks["blue"], hsv, edges, "blue", width)
    pairs = []
    used: set[int] = set()
    for red in reds:
        partner = min(
            (g for g in (*greens, *blues) if _paired(red, g) and id(g) not in used),
            key=lambda g: (abs(g.box.cy - red.box.cy) // 8, abs(g.box.cx - red.box.cx)),
            default=None,
        )
        if partner is not None:
            used.add(id(partner))
            pairs.append((red, partner))
    paired = {id(c) for pair in pairs for c in pair}
    # a lone call disc is big and low on the screen: not a badge, nor an avatar above a name
    big, low = 0.12 * screen.width, 0.5 * screen.height
    answer = tuple(g for g in greens if _lone(g, big, low) and id(g) not in paired)
    hang_up = tuple(r for r in reds if _lone(r, big, low) and id(r) not in paired)
    pairs.sort(key=lambda p: p[0].box.cy)
    return Controls(tuple(pairs), answer, hang_up)
