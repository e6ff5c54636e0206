"""What a field of a reading may be when the reading could not decide it.

A reader that sees two different values for a field (two OCR engines, or the screen and the
page source) keeps both: the chosen one in the field, the other in `Reading.disagreements`,
and marks the field `uncertain`. A check is then uncertain only when its answer depends on
which of those values is true; when every candidate gives the same answer, that answer
stands, whichever value the screen really showed.
"""

from __future__ import annotations

from .model import Reading


def candidates(reading: Reading, field: str) -> tuple[str | None, ...]:
    """The value read for `field` first, then every other value seen for it, each once.

    A field that is not uncertain has one candidate: its value.
    """
    value = getattr(reading, field)
    seen: list[str | None] = [value]
    if field in reading.uncertain:
        for name, screen, other in reading.disagreements:
            if name != field:
                continue
            for candidate in (screen, other):
                if candidate not in seen:
                    seen.append(candidate)
    return tuple(seen)


def is_uncertain(reading: Reading, field: str) -> bool:
    return field in reading.uncertain
