"""Reading is blind: nothing the scenario expects can reach the reader or steer it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from robot.ports import ReadRequest

SCREEN = Path(__file__).resolve().parents[2] / "robot" / "screen"


def test_a_read_request_says_how_the_screen_was_taken_not_what_it_should_show() -> None:
    fields = {f.name for f in dataclasses.fields(ReadRequest)}
    assert fields == {
        "image",
        "dialer",
        "languages",
        "page_source",
        "expected_logo",
        "surface_hint",
        "urgent",  # when the read runs (a call rings meanwhile), never what it should find
    }


def test_screen_reading_code_never_mentions_an_expected_name() -> None:
    for module in SCREEN.glob("*.py"):
        assert "expected_name" not in module.read_text(encoding="utf-8"), module.name
