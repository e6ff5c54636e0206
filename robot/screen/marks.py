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

from robot.screen.image import SMALL, components
from robot.screen.lines import Box

_MIN_BADGE_PX = 16
_MAX_BADGE_PX = 76  # about the height of a caller's name; answer discs are bigger


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


def _hue_ranges(colours: tuple[tuple[int, int, int], ...]) -> list[tuple[int, int]]:
    """The hue bands of the badge colours (each colour's hue ± 14), overlapping bands joined:
    the dialers' greens lie a few degrees apart, and one pass over the screen covers them."""
    bands: list[tuple[int, int]] = []
    for hue in _hues(colours):
        low, high = max(0, hue - 14), min(179, hue + 14)
        if bands and low <= bands[-1][1] + 1:
            bands[-1] = (bands[-1][0], max(bands[-1][1], high))
        else:
            bands.append((low, high))
    return bands


def find_badges(
    small: np.ndarray,
    zone: Box,
    colours: tuple[tuple[int, int, int], ...],
    small_hsv: np.ndarray | None = None,
    full: np.ndarray | None = None,
) -> list[Badge]:
    """Candidate check-mark discs inside `zone` (not yet tied to a text line), found on the
    downscaled screen (half resolution is plenty for a disc), or on its HSV if given. Given
    the full-size screen (`full`), the tick inside is looked for there: at half resolution
    the thin white tick of a badge the size of small text blurs into the green."""
    x0, y0 = zone.x // SMALL, zone.y // SMALL
    rows, cols = slice(y0, zone.bottom // SMALL), slice(x0, zone.right // SMALL)
    region = np.ascontiguousarray(small[rows, cols])
    if region.size == 0:
        return []
    hsv = (
        small_hsv[rows, cols] if small_hsv is not None else cv2.cvtColor(region, cv2.COLOR_RGB2HSV)
    )
    mask: np.ndarray = np.zeros(region.shape[:2], np.uint8)
    for low, high in _hue_ranges(colours):
        lo = np.array([low, 90, 110], np.uint8)  # badges are bright greens
        hi = np.array([high, 255, 255], np.uint8)
        mask = cv2.bitwise_or(mask, cv2.inRange(hsv, lo, hi))
    count, labels, stats = components(mask)
    badges: list[Badge] = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if 2 * w > _MAX_BADGE_PX or 2 * h > _MAX_BADGE_PX:
            # a badge on a background of its own green (a gradient, a wallpaper) is one blob
            # with it: the badge is what stands out of the blob's colour column by column
            part = labels[y : y + h, x : x + w] == i
            apart = _off_column(region[y : y + h, x : x + w], part)
            n, sub_labels, sub_stats = components(apart)
            for j in range(1, n):
                sx, sy, sw, sh, sarea = (int(v) for v in sub_stats[j])
                badge = _badge(
                    sub_labels[sy : sy + sh, sx : sx + sw] == j,
                    (x + sx, y + sy, sarea),
                    (region, (x0, y0)),
                    full,
                )
                if badge is not None:
                    badges.append(badge)
            continue
        badge = _badge(labels[y : y + h, x : x + w] == i, (x, y, area), (region, (x0, y0)), full)
        if badge is not None:
            badges.append(badge)
    return badges


def _off_column(pixels: np.ndarray, part: np.ndarray) -> np.ndarray:
    """The pixels of a blob that differ from its colour in their column (the median of the
    column's blob pixels): what is drawn on a background that changes across the screen but
    not down it."""
    out = np.zeros(part.shape, np.uint8)
    for col in range(part.shape[1]):
        rows = np.flatnonzero(part[:, col])
        if len(rows) < 4:
            continue
        column = pixels[rows, col].astype(np.int16)
        background = np.median(column, axis=0)
        far = np.abs(column - background).max(axis=1) >= _OFF_COLUMN
        out[rows[far], col] = 255
    return out


_OFF_COLUMN = 20


def _badge(
    component: np.ndarray,
    at: tuple[int, int, int],
    region: tuple[np.ndarray, tuple[int, int]],
    full: np.ndarray | None,
) -> Badge | None:
    """A check badge: a text-sized, round, filled blob of a badge green with a thin white tick
    inside. `at`: the blob's top-left corner in the searched region and its area; `region`:
    that part of the downscaled screen and where it starts."""
    x, y, area = at
    pixels, (x0, y0) = region
    h, w = component.shape
    if not (_MIN_BADGE_PX <= 2 * w <= _MAX_BADGE_PX and _MIN_BADGE_PX <= 2 * h <= _MAX_BADGE_PX):
        return None
    if not 0.75 <= w / h <= 1.33:
        return None
    fill = area / float(w * h)
    if not 0.4 <= fill <= 0.92:
        return None
    if full is not None:
        fx, fy = SMALL * (x + x0), SMALL * (y + y0)
        fw, fh = SMALL * w, SMALL * h
        inner = full[fy + fh // 5 : fy + fh - fh // 5, fx + fw // 5 : fx + fw - fw // 5]
    else:
        inner = pixels[y + h // 5 : y + h - h // 5, x + w // 5 : x + w - w // 5]
    white = np.all(inner > 200, axis=2).mean() if inner.size else 0.0
    # a tick is a thin stroke: an "o" of green text has a hollow middle instead
    if not 0.04 <= white <= 0.4 or not _solid_rim(component):
        return None
    box = Box(SMALL * (x + x0), SMALL * (y + y0), SMALL * w, SMALL * h)
    return Badge(box, score=min(1.0, 0.6 + float(white)))


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


def avatar_candidates(
    small: np.ndarray, area: Box, text: list[Box], controls: list[Box] | None = None
) -> list[Box]:
    """Places an avatar may be: roughly square blobs that are not text, largest first.

    Found before OCR so that the shapes of a logo or a letter avatar ("B") are never read as
    the caller's name; `pick_avatar` chooses among them once the caller's title is known.
    A blob holding a wide line of text (`text`) is a patch of background, not a picture; the
    pieces of a logo that the line finder picked up still count as part of the slot. The
    background is taken row by row, so a gradient behind the call does not hide the slot.
    """
    x0, y0 = area.x // SMALL, area.y // SMALL
    region = small[y0 : area.bottom // SMALL, x0 : area.right // SMALL]  # half resolution: plenty
    if region.size == 0:
        return []
    region = np.ascontiguousarray(region)
    gray = cv2.cvtColor(region, cv2.COLOR_RGB2GRAY)
    # a picture differs from the background in brightness or in colour: a dark red logo on a
    # dark screen is as bright as the screen, but not the same colour
    planes = [gray, *cv2.split(region)]
    samples = np.stack([p[:, ::4] for p in planes], axis=2)
    rows = np.ascontiguousarray(_row_medians(samples)[:, None, :])
    # rows of big text, discs and avatars are no background: take it over a taller window
    window = min(61, len(rows) - 1 + len(rows) % 2)  # odd, as a median filter needs
    if window >= 3:
        rows = cv2.medianBlur(rows, window)
    mask = _off_background(planes, rows.reshape(len(rows), -1), (18, 40, 40, 40))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    count, labels, stats = components(mask)
    found: list[Box] = []
    for i in range(1, count):
        x, y, w, h = (2 * int(v) for v in stats[i][:4])
        filled = 4 * int(stats[i][4])
        if not (80 <= w <= 560 and 80 <= h <= 560 and 0.8 <= w / h <= 1.25):
            continue
        if filled < 0.5 * w * h:
            continue
        sx, sy, sw, sh = (int(v) for v in stats[i][:4])
        if sx == 0 or sy == 0 or sx + sw >= mask.shape[1] or sy + sh >= mask.shape[0]:
            continue  # cut by the edge: wallpaper or the app behind, never a drawn avatar
        if not _crisp(gray, labels[sy : sy + sh, sx : sx + sw] == i, sx, sy):
            continue  # a blurred patch of a wallpaper, not a drawn avatar
        candidate = Box(x + 2 * x0, y + 2 * y0, w, h)
        if any(_words_in(box, candidate) for box in text):
            continue  # a patch of background with words in it, not a picture
        if any(inside(c, candidate) or inside(candidate, c) for c in controls or ()):
            continue  # an answer or decline disc
        found.append(candidate)
    return sorted(found, key=lambda b: -b.w * b.h)


def _words_in(box: Box, candidate: Box) -> bool:
    """A wide line of text inside a blob. A "line" as wide as the blob itself is a band of
    the blob's own picture (a photo's lower half, as tall as no caller text is), not words."""
    own = box.w >= 0.9 * candidate.w and box.h >= 0.3 * candidate.h
    return box.w > 2 * box.h and inside(box, candidate) and not own


def _off_background(
    planes: list[np.ndarray], background: np.ndarray, reach: tuple[int, ...]
) -> np.ndarray:
    """255 where a plane differs from its row's background value by more than its reach, one
    plane at a time (no four-plane picture of the background to build, subtract and split)."""
    mask: np.ndarray = np.zeros(planes[0].shape, np.uint8)
    for index, (plane, limit) in enumerate(zip(planes, reach, strict=True)):
        level = np.ascontiguousarray(np.broadcast_to(background[:, index : index + 1], plane.shape))
        _, far = cv2.threshold(cv2.absdiff(plane, level), limit, 255, cv2.THRESH_BINARY)
        mask = cv2.bitwise_or(mask, far)
    return mask


def _row_medians(planes: np.ndarray) -> np.ndarray:
    """`np.median(planes, axis=1)` as uint8, half its CPU: each row's samples made contiguous
    and only the middle one (or two) put in place."""
    samples = np.ascontiguousarray(planes.transpose(0, 2, 1))  # rows, planes, samples
    half = samples.shape[2] // 2
    if samples.shape[2] % 2:
        middle: np.ndarray = np.partition(samples, half, axis=2)[:, :, half]
        return middle
    both = np.partition(samples, (half - 1, half), axis=2)
    mean = (both[:, :, half - 1].astype(np.float64) + both[:, :, half]) / 2
    return mean.astype(np.uint8)


def _crisp(gray: np.ndarray, blob: np.ndarray, x: int, y: int) -> bool:
    """Whether a blob has a drawn outline: strong edges along at least half its rim."""
    pad = 3
    top, left = max(0, y - pad), max(0, x - pad)
    window = gray[top : y + blob.shape[0] + pad, left : x + blob.shape[1] + pad]
    part = np.zeros(window.shape, np.uint8)
    part[y - top : y - top + blob.shape[0], x - left : x - left + blob.shape[1]] = blob
    ring = (cv2.dilate(part, np.ones((5, 5), np.uint8)) > 0) & (part == 0)
    # a rim softened by JPEG and scaling is still an edge a pixel or two away
    edges = cv2.dilate(cv2.Canny(window, 30, 90), np.ones((5, 5), np.uint8)) > 0
    total = int(ring.sum())
    return total > 0 and int((ring & edges).sum()) >= 0.5 * total


def pick_avatar(candidates: list[Box], height: int) -> Box | None:
    """The caller's avatar: the largest place out of the bottom quarter of the screen, where
    the call's buttons are (some dialers draw them as plain discs)."""
    return next((c for c in candidates if c.cy < 0.75 * height), None)


def is_logo(rgb: np.ndarray, slot: Box | None) -> tuple[bool, float]:
    """A logo or photo shows two or more distinct hues, or more than two flat colours; a
    placeholder (grey silhouette, or a letter on one coloured disc) is two flat colours at
    most. Hue, unlike raw colour bins, does not split a flat grey into several colours when
    JPEG noise moves it across a bin border; the flat-colour count catches a photo in muted
    or grey tones."""
    if slot is None:
        return False, 0.6
    x, y, w, h = slot.x, slot.y, slot.w, slot.h
    square = np.ascontiguousarray(rgb[y : y + h, x : x + w])
    if square.size == 0:
        return False, 0.5
    # the disc within its rim: a logo's shapes often leave the middle to one colour, and the
    # rim blends with the background
    yy, xx = np.ogrid[: square.shape[0], : square.shape[1]]
    cy, cx = (square.shape[0] - 1) / 2, (square.shape[1] - 1) / 2
    radius = 0.82 * min(cx, cy)
    spread = (yy - cy) ** 2 + (xx - cx) ** 2
    inner = square[spread <= radius**2][None, :, :]
    hsv = cv2.cvtColor(inner, cv2.COLOR_RGB2HSV).reshape(-1, 3)
    vivid = hsv[(hsv[:, 1] > 80) & (hsv[:, 2] > 60)]
    hues = np.bincount(vivid[:, 0] // 10, minlength=18) / max(1, len(hsv))
    present = (hues > 0.03).tolist()
    # neighbouring bins are one hue (JPEG noise spreads a colour over a bin border); the hue
    # circle wraps around at red
    starts = [i for i in range(18) if present[i] and not present[i - 1]]
    distinct = len(starts) if not all(present) else 1
    if distinct >= 2:
        return True, 0.8
    if _foreign_hue_share(hsv) >= _MIN_FOREIGN:
        return True, 0.7
    colours = _two_colours(inner.reshape(-1, 3)[::3].astype(np.int16))
    if colours is None:
        return True, 0.65
    if _two_hues(colours):
        return True, 0.6
    rim = square[(spread > radius**2) & (spread <= (_RIM * min(cx, cy)) ** 2)][None, :, :]
    if _rim_share(hsv, cv2.cvtColor(rim, cv2.COLOR_RGB2HSV).reshape(-1, 3)) >= _MIN_RIM:
        return True, 0.6
    return False, 0.7


_RIM = 0.95
_MIN_RIM = 0.03


def _rim_share(inner: np.ndarray, rim: np.ndarray) -> float:
    """Share of the band just inside the disc's rim (0.82-0.95 of its radius, HSV pixels) in
    a colour whose hue is not the main hue of the disc within: a photo one colour fills in
    the middle (a close-up, a blurred shot) shows its other shapes at the edge, while a
    placeholder's disc is one flat colour out to its rim. The background beyond the rim is
    outside the band; grey or dark pixels there (anti-aliasing into a grey or dark screen)
    are no colour."""
    coloured = rim[(rim[:, 1] >= 50) & (rim[:, 2] >= 60), 0].astype(np.int16)
    if len(coloured) == 0:
        return 0.0
    inside = inner[(inner[:, 1] >= 50) & (inner[:, 2] >= 60), 0].astype(np.int16)
    if len(inside) == 0:
        return len(coloured) / len(rim)  # colour at the rim of a grey or white disc
    main = int(np.bincount(inside, minlength=180).argmax())
    apart = np.abs(coloured - main)
    apart = np.minimum(apart, 180 - apart)  # OpenCV hue: 0-179, wrapping at red
    return float((apart >= 15).sum()) / len(rim)


_MIN_FOREIGN = 0.015
"""Share of the disc in a hue not the main one from which it is a picture: a placeholder
leaves < 0.003 (JPEG noise at its figure's edge), a photo's small shapes 0.01 and more."""


def _foreign_hue_share(hsv: np.ndarray) -> float:
    """Share of the disc's pixels in a colour whose hue is not the disc's main hue.

    A placeholder's figure is white, grey or a tone of the disc's colour, and every blend of
    a colour with white or grey keeps its hue; so on a placeholder each coloured pixel has the
    main hue, while a photo whose other shapes are small (one colour covers most of the disc,
    the rest spread over several) still shows them in other hues.
    """
    coloured = hsv[(hsv[:, 1] >= 50) & (hsv[:, 2] >= 60), 0].astype(np.int16)
    if len(coloured) == 0:
        return 0.0
    main = int(np.bincount(coloured, minlength=180).argmax())
    apart = np.abs(coloured - main)
    apart = np.minimum(apart, 180 - apart)  # OpenCV hue: 0-179, wrapping at red
    return float((apart >= 15).sum()) / len(hsv)


def _two_colours(pixels: np.ndarray) -> list[np.ndarray] | None:
    """The one or two colours (almost) every pixel is close to; None when there are more."""
    covered = np.zeros(len(pixels), bool)
    colours: list[np.ndarray] = []
    for _ in range(2):
        rest = pixels[~covered]
        if len(rest) == 0:
            break
        keys = (rest[:, 0] // 32) * 64 + (rest[:, 1] // 32) * 8 + rest[:, 2] // 32
        common = int(np.bincount(keys).argmax())
        colour = np.median(rest[keys == common], axis=0)
        near = np.abs(pixels - colour).max(axis=1) < 30
        if (near & ~covered).mean() >= 0.03:
            colours.append(colour)
        covered |= near
    return colours if float(covered.mean()) >= 0.85 else None


_CHROMATIC = 35
"""Saturation (OpenCV, 0-255) from which a colour is no grey: a grey placeholder disc and
its white figure stay below ~20 with JPEG noise."""


def _two_hues(colours: list[np.ndarray]) -> bool:
    """Two colours of different hues, neither white nor grey: a picture, not a placeholder.
    A placeholder's letter or person is white or grey on its disc, or a tone of the disc's
    own hue (a dark letter on a light disc of one colour)."""
    if len(colours) < 2:
        return False
    pixels = np.clip(np.array([colours]), 0, 255).astype(np.uint8)
    (h1, s1, v1), (h2, s2, v2) = (
        [int(c) for c in px] for px in cv2.cvtColor(pixels, cv2.COLOR_RGB2HSV)[0]
    )
    apart = min(abs(h1 - h2), 180 - abs(h1 - h2))  # OpenCV hue: 0-179, wrapping at red
    if min(v1, v2) < 60:
        return False
    if min(s1, s2) >= 100:
        return apart >= 10
    # pale or muted colours: neither is a placeholder's white or grey, and their hues lie
    # further apart than a muted colour's hue wanders
    return min(s1, s2) >= _CHROMATIC and apart >= 20


def inside(box: Box, slot: Box) -> bool:
    """Whether a line box lies (mostly) within the avatar slot."""
    ox = min(box.right, slot.right) - max(box.x, slot.x)
    oy = min(box.bottom, slot.bottom) - max(box.y, slot.y)
    return ox > 0 and oy > 0 and ox * oy >= 0.6 * box.w * box.h
