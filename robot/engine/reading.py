"""Reading the frames of one call: what the engine tells the reader, and how frames combine.

The reader is told how the screen was taken (dialer, the handset's locale, the page source,
whether the handset saw a heads-up card) and, when the number has a brand logo, which logo
to compare the avatar slot with. It is never told the expected name: reading is blind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from robot.domain.model import DialerKind, Reading, Surface
from robot.domain.scenario import PlannedCall
from robot.errors import ScreenReadError
from robot.ports import Capture, ReadRequest, RingObservation, ScreenReader


def read_frames(
    reader: ScreenReader,
    call: PlannedCall,
    captures: Sequence[Capture],
    ring: RingObservation | None,
) -> Reading:
    """Read every frame; keep the one with most fields, and a label or the expected logo
    seen in any frame (labels and Rich Call Data logos often appear a moment late)."""
    logo = expected_logo(call)
    hint = surface_hint(ring, call.handset.dialer)
    readings = [
        reader.read(
            ReadRequest(
                image=capture.png,
                dialer=call.handset.dialer,
                languages=(call.handset.locale,),
                page_source=capture.page_source,
                expected_logo=logo,
                surface_hint=hint,
            )
        )
        for capture in captures
    ]
    return combine(readings)


def combine(readings: Sequence[Reading]) -> Reading:
    """One reading out of several frames of the same call."""

    def filled(r: Reading) -> int:
        return sum(x is not None for x in (r.name, r.number, r.spam_label, r.call_reason))

    best = max(readings, key=filled)
    if best.spam_label is None:
        labelled = next((r for r in readings if r.spam_label is not None), None)
        if labelled is not None:
            uncertain = tuple(f for f in best.uncertain if f != "spam_label")
            if "spam_label" in labelled.uncertain:
                uncertain = (*uncertain, "spam_label")
            best = dataclasses.replace(
                best,
                spam_label=labelled.spam_label,
                spam_class=labelled.spam_class,
                label_source=labelled.label_source,
                uncertain=uncertain,
            )
    if best.logo_matches is False and any(r.logo_matches for r in readings):
        best = dataclasses.replace(best, logo_matches=True)  # a logo fetched late (RCD)
    return best


def surface_hint(ring: RingObservation | None, dialer: DialerKind) -> Surface | None:
    """What the handset saw: an app in the foreground with a heads-up card (iOS: a banner),
    or the dialer's own full-screen activity."""
    if ring is None:
        return None
    if getattr(ring, "heads_up", False):
        return Surface.BANNER if dialer is DialerKind.IOS else Surface.HEADS_UP
    return Surface.FULL_SCREEN


def expected_logo(call: PlannedCall) -> bytes | None:
    """The number's brand logo file, read once per call (config checked that it exists)."""
    path = call.number.logo_file
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ScreenReadError(f"cannot read the expected logo {path}: {exc}") from exc
