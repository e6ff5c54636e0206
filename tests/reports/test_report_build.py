"""Aggregation: the report's figures match the designed weeks, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from reports.model import Cell, CellState, ChangeKind, Report, Totals
from robot.domain.model import Delivery, Tristate
from tests.reports import factory
from tests.reports.filled import Filled


def oracle(week: int) -> Totals:
    """The week's totals counted straight from the scenario design, call by call."""
    counts = dict.fromkeys(("delivered", "clean", "verified", "labelled", "blocked"), 0)
    attempts = 0
    for number in factory.NUMBERS:
        for carrier in factory.CARRIERS:
            for call in range(3):
                screen = factory.screen_for(number, carrier, week, call)
                attempts += 1
                if screen.delivery is Delivery.BLOCKED:
                    counts["blocked"] += 1
                    continue
                counts["delivered"] += 1
                if screen.label:
                    counts["labelled"] += 1
                elif screen.name == number.expected_name:
                    counts["clean"] += 1
                if screen.verified is Tristate.YES:
                    counts["verified"] += 1
    return Totals(
        attempts=attempts,
        conclusive=attempts,
        numbers=len(factory.NUMBERS),
        carriers=len(factory.CARRIERS),
        **counts,
    )


def cell(report: Report, number: str, carrier: str) -> Cell:
    for row in report.matrix.rows:
        for c in row.cells:
            if c.number == number and c.carrier == carrier:
                return c
    raise AssertionError(f"no cell {number} × {carrier}")


def test_totals_and_deltas_match_the_design(filled: Filled) -> None:
    report = filled.report()
    assert filled.written == 10 * 7 * 3 * 3
    assert report.totals == oracle(9)
    assert report.previous_totals == oracle(8)
    delivered = next(m for m in report.headline if m.key == "delivered")
    assert delivered.value == pytest.approx(100 * 54 / 63)
    assert delivered.previous == pytest.approx(100 * 57 / 63)
    assert delivered.trend == "worse"
    labelled = next(m for m in report.headline if m.key == "labelled")
    assert labelled.trend == "worse" and labelled.delta is not None and labelled.delta > 0


def test_matrix_states_rates_and_words(filled: Filled) -> None:
    report = filled.report()
    assert report.matrix.carriers == ("AT&T", "T-Mobile", "Verizon")
    assert [r.number for r in report.matrix.rows] == [n.e164 for n in factory.NUMBERS]
    scam = cell(report, "+12025550102", "T-Mobile")
    assert (scam.state, scam.latest and scam.latest.label, scam.rate) == (
        CellState.LABELLED,
        "Scam Likely",
        100.0,
    )
    blocked = cell(report, "+12025550103", "Verizon")
    assert blocked.state is CellState.BLOCKED and blocked.latest is not None
    assert blocked.latest.final_code == 608
    assert cell(report, "+12025550105", "T-Mobile").state is CellState.MISNAMED
    assert cell(report, "+12025550104", "AT&T").state is CellState.CLEAN
    # Verizon shows no badge on B-attested calls: 2 of 3 verified, the dominant state.
    verizon = cell(report, "+12025550101", "Verizon")
    assert verizon.state is CellState.CLEAN_VERIFIED
    assert verizon.rate == pytest.approx(200 / 3)
    assert (verizon.attempts, verizon.delivered, verizon.verified) == (3, 3, 2)


def test_a_tie_goes_to_the_worse_state(filled: Filled) -> None:
    # Week index 5: Verizon labels the first call, badges the second, not the third.
    report = filled.report(factory.WEEKS[5])
    tie = cell(report, "+12025550102", "Verizon")
    assert tie.state is CellState.LABELLED
    assert tie.rate == pytest.approx(100 / 3)


def test_changes_regressions_first_one_row_per_cell(filled: Filled) -> None:
    report = filled.report()
    got = [(c.number, c.carrier, c.kinds) for c in report.changes]
    assert got == [
        ("+12025550103", "Verizon", (ChangeKind.NEWLY_BLOCKED,)),
        ("+12025550102", "T-Mobile", (ChangeKind.NEWLY_LABELLED, ChangeKind.BADGE_LOST)),
        ("+12025550106", "AT&T", (ChangeKind.NEWLY_LABELLED, ChangeKind.NAME_CHANGED)),
        ("+12025550104", "AT&T", (ChangeKind.BADGE_LOST,)),
        ("+12025550105", "T-Mobile", (ChangeKind.BADGE_LOST, ChangeKind.NAME_CHANGED)),
        ("+12025550101", "Verizon", (ChangeKind.LABEL_CLEARED,)),
    ]
    assert [c.regression for c in report.changes] == [True] * 5 + [False]
    first = report.changes[1]
    assert first.before is not None and first.after is not None
    assert first.before.attempt_id in report.thumbnails
    assert first.after.attempt_id in report.thumbnails
    assert report.thumbnails[first.after.attempt_id].startswith("data:image/jpeg;base64,")


def test_trends_cover_twelve_weeks_with_gaps(filled: Filled) -> None:
    report = filled.report()
    tmobile = next(t for t in report.trends if t.carrier == "T-Mobile")
    assert len(tmobile.points) == 12
    assert tmobile.points[0].delivered_pct is None  # no calls before the ten weeks
    assert tmobile.points[-1].label == "2026-W48"
    assert tmobile.points[-1].labelled_pct == pytest.approx(100 * 3 / 18)
    assert tmobile.points[-2].labelled_pct == 0.0


def test_attestation_dno_blocked_and_methodology(filled: Filled) -> None:
    report = filled.report()
    b_verizon = report.attestation.get("B", "Verizon")
    assert b_verizon is not None and b_verizon.verified == 0 and b_verizon.delivered > 0
    dno = {(d.carrier): (d.attempts, d.blocked, d.delivered) for d in report.dno}
    assert dno == {"AT&T": (3, 0, 3), "T-Mobile": (3, 3, 0), "Verizon": (3, 3, 0)}
    by_key = {(b.number, b.carrier): b for b in report.blocked}
    redress = by_key[("+12025550103", "Verizon")]
    assert (redress.count, redress.final_code) == (3, 608)
    assert redress.redress is not None and redress.redress.org == "TNS Call Guardian"
    dno_block = by_key[(factory.DNO, "T-Mobile")]
    assert (dno_block.final_code, dno_block.reason_cause) == (603, 603)
    assert dno_block.reason_text == "Do-Not-Originate"
    method = report.methodology
    assert {(h.id, h.model) for h in method.handsets} == {
        ("h-0", "Pixel 8"),
        ("h-1", "Galaxy S23"),
        ("h-2", "iPhone 15"),
    }
    assert [(s.name, s.runs, s.attempts) for s in method.scenarios] == [("weekly-check", 1, 63)]
    assert method.timezone == "America/New_York"
    assert method.first_at is not None and method.first_at >= factory.WEEK.start
