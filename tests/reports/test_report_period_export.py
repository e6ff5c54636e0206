"""Periods people type, and the CSV/JSON exports of the matrix."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from reports.export import matrix_csv, matrix_json
from reports.model import Report
from reports.period import Period
from robot.errors import UsageError


def test_iso_week_and_previous() -> None:
    week = Period.iso_week("2026-W48")
    assert week.start == datetime(2026, 11, 23, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 30, tzinfo=UTC)
    assert week.previous().label == "2026-W47"
    assert [p.label for p in week.trailing(3)] == ["2026-W46", "2026-W47", "2026-W48"]
    assert Period.iso_week("2027-W01").previous().label == "2026-W53"


def test_date_range_includes_both_days() -> None:
    span = Period.dates("2026-11-01", "2026-11-07")
    assert span.start == datetime(2026, 11, 1, tzinfo=UTC)
    assert span.end == datetime(2026, 11, 8, tzinfo=UTC)
    assert span.previous().end == span.start


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: Period.iso_week("2026-48"), "ISO week"),
        (lambda: Period.iso_week("2025-W53"), "no week 53"),
        (lambda: Period.dates("2026-11-07", "2026-11-01"), "before"),
        (lambda: Period.dates("07/11/2026", "2026-11-08"), "YYYY-MM-DD"),
    ],
)
def test_bad_periods_say_what_to_type(call: Callable[[], object], words: str) -> None:
    with pytest.raises(UsageError, match=words):
        call()


def test_csv_has_every_cell_and_defuses_formulas(report: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(matrix_csv(report))))
    assert len(rows) == len(report.matrix.rows) * len(report.matrix.carriers)
    hostile = next(r for r in rows if r["number"] == "+12025550106" and r["carrier"] == "AT&T")
    assert hostile["state"] == "labelled"
    assert hostile["shown_name"] == "<script>alert(1)</script>"
    assert all(not r["label"].startswith(("=", "+", "-", "@")) for r in rows)
    assert all(r["number"].startswith("+1") for r in rows)  # bare E.164 is left readable


def test_csv_quotes_formula_like_screen_text(report: Report) -> None:
    import dataclasses

    from reports.model import Observation

    row = report.matrix.rows[0]
    first = row.cells[0]
    assert first.latest is not None
    evil: Observation = dataclasses.replace(first.latest, name='=HYPERLINK("x")', label="+1+1")
    cells = (dataclasses.replace(first, latest=evil), *row.cells[1:])
    rows = (dataclasses.replace(row, cells=cells), *report.matrix.rows[1:])
    tampered = dataclasses.replace(report, matrix=dataclasses.replace(report.matrix, rows=rows))
    parsed = list(csv.DictReader(io.StringIO(matrix_csv(tampered))))
    assert parsed[0]["shown_name"] == '\'=HYPERLINK("x")'
    assert parsed[0]["label"] == "'+1+1"


def test_json_matches_the_matrix(report: Report) -> None:
    data = json.loads(matrix_json(report))
    assert data["period"]["label"] == "2026-W48"
    assert data["carriers"] == ["AT&T", "T-Mobile", "Verizon"]
    scam = next(
        c for c in data["cells"] if c["number"] == "+12025550102" and c["carrier"] == "T-Mobile"
    )
    assert (scam["state"], scam["label"], scam["rate_pct"]) == ("labelled", "Scam Likely", 100.0)
