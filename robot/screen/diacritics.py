"""Does a line of Latin text carry diacritics the English pack cannot read?

A caller's name is read with the fast English pack first; the `Latin` script pack keeps every
accent ("José", "Jürgen", "Ødegård") but costs about twice as much, and the English pack drops
accents without any sign of doubt ("Jose" at full confidence). Most names carry none, so the
Latin pack is only asked where the picture shows marks the English reading cannot explain: a
small mark floating above the letters (or under the baseline) that is no dot of an i or j, no
apostrophe or quote, or one shaped like an accent rather than a dot.
"""

from __future__ import annotations

import numpy as np

from robot.screen.image import components

# characters whose own small marks float above the letters
_FLOATING = frozenset("ij'\"`‘’“”:;*^")
# a dot fills most of its box; an acute, grave, caron, tilde or ring fills less
_DOT_FILL = 0.68
_WIDE = 1.8


def marks_unexplained(crop: np.ndarray, text: str) -> bool:
    """Whether `crop` (a line as dark text on light, as `line_crop` makes it) shows marks
    that `text` (its English reading) does not account for. Errs towards yes: a needless
    second reading costs time, a missed accent costs a wrong name."""
    if any(ord(ch) > 127 and ch.isalpha() for ch in text):
        return True  # the English pack read an accent itself: the line has some
    count, _, stats = components((crop < 128).astype(np.uint8))
    boxes = [tuple(int(v) for v in stats[i]) for i in range(1, count)]
    if not boxes:
        return False
    tallest = max(b[3] for b in boxes)
    letters = [b for b in boxes if b[3] >= 0.5 * tallest]
    top = float(np.median([b[1] for b in letters]))
    base = float(np.median([b[1] + b[3] for b in letters]))
    above = (top + base) / 2 - 0.1 * (base - top)
    marks = [
        b for b in boxes if b[3] < 0.5 * tallest and (b[1] + b[3] <= above or b[1] >= base + 1)
    ]
    expected = sum(ch in _FLOATING for ch in text)
    if len(marks) > expected or any(area < _DOT_FILL * w * h for _, _, w, h, area in marks):
        return True
    # a dot is about as wide as tall; a tilde, macron or breve is much wider, however solid
    # (the tilde of "Muñoz" fills 0.69 of its box, and "Mufioz" explains it as an i's dot)
    return not any(ch in "~^" for ch in text) and any(w > _WIDE * h for _, _, w, h, _ in marks)
