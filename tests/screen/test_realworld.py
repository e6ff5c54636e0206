"""The 25 real screenshots in ../shared/realworld-screens (not drawn by us): validation only.

No rule of the reader exists for one of them. Goals: every labelled verified badge and spam
warning found, names and numbers right on at least 24 of 25 (names compared after
Unicode/whitespace folding, numbers by digits), read cold as `read-screen` does by default.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from robot.domain.model import Reading, Surface, Tristate
from robot.ports import ReadRequest
from robot.screen import TesseractReader
from tests.support.peers import need

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "realworld-screens"


def _fold(text: str | None) -> str | None:
    if text is None:
        return None
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _digits(text: str | None) -> str | None:
    return None if text is None else "".join(c for c in text if c.isdigit())


def number_right(entry: dict[str, Any], reading: Reading) -> bool:
    want, got = _digits(entry["number"]), _digits(reading.number)
    if want == got:
        return True
    # the author blurred the last digits of one screenshot: only its prefix is ground truth
    blurred = "blurred" in entry["notes"]
    return bool(blurred and want and got and got.startswith(want))


@pytest.fixture(scope="module")
def readings(reader: TesseractReader) -> list[tuple[dict[str, Any], Reading]]:
    need("shared/realworld-screens", (SHARED / "labels.json").is_file(), str(SHARED))
    entries = json.loads((SHARED / "labels.json").read_text(encoding="utf-8"))
    return [
        (e, reader.read(ReadRequest((SHARED / e["file"]).read_bytes(), languages=("auto",))))
        for e in entries
    ]


def test_every_labelled_badge_is_found_and_no_other(
    readings: list[tuple[dict[str, Any], Reading]],
) -> None:
    for entry, reading in readings:
        assert (reading.verified is Tristate.YES) == entry["badge"], entry["file"]


def test_every_spam_warning_is_found_with_its_text(
    readings: list[tuple[dict[str, Any], Reading]],
) -> None:
    for entry, reading in readings:
        assert _fold(reading.spam_label) == _fold(entry["spam_label"]), entry["file"]
    fraud = [r for e, r in readings if e["spam_label"]]
    assert fraud and all(r.spam_class is not None for r in fraud)


def test_names_on_24_of_25(readings: list[tuple[dict[str, Any], Reading]]) -> None:
    misses = [
        (e["file"], r.name, e["name"]) for e, r in readings if _fold(r.name) != _fold(e["name"])
    ]
    assert len(misses) <= len(readings) // 25, f"misses (file, got, want): {misses}"


def test_numbers_on_24_of_25(readings: list[tuple[dict[str, Any], Reading]]) -> None:
    misses = [(e["file"], r.number, e["number"]) for e, r in readings if not number_right(e, r)]
    assert len(misses) <= len(readings) // 25, f"misses (file, got, want): {misses}"


def test_calls_already_up_are_told_from_ringing_ones(
    readings: list[tuple[dict[str, Any], Reading]],
) -> None:
    """Timers and no answer control mean the call is up; a ringing call is never taken for
    one (a verdict on an in-call screen would be about another moment of the call)."""
    ringing = [(e["file"], r.surface) for e, r in readings if e["state"] == "incoming"]
    assert all(surface is not Surface.IN_CALL for _, surface in ringing), ringing


def test_distractor_logs_do_not_invent_a_number(
    readings: list[tuple[dict[str, Any], Reading]],
) -> None:
    banner = next(r for e, r in readings if e["file"] == "callkit_ios_incoming_banner_over_log.png")
    assert banner.number is None
    assert _fold(banner.name) == _fold("Hien Nguyen")
