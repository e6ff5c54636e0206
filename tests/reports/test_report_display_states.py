"""The matrix splits each carrier by display state when a period tested phones both locked and
in use: a label that only the heads-up card shows must not hide behind a clean full screen."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reports.build import Inventory, build_report
from reports.model import CellState, ChangeKind
from reports.period import Period
from reports.render import render_html
from robot.domain.judge import judge
from robot.domain.model import (
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Delivery,
    DisplayState,
    Expectations,
    LabelClass,
    Number,
    Reading,
    Run,
    RunStatus,
    Tristate,
)
from robot.store.results import SqlResultStore, open_store

WEEK = Period.iso_week("2026-W48")
NUMBER = "+12025550101"
EXPECT = Expectations(name="Northwind Bank", no_label=True)


def _call(
    store: SqlResultStore, run: Run, at: datetime, display: DisplayState, label: str | None
) -> None:
    reading = Reading(
        name="NORTHWIND BANK",
        verified=Tristate.NO,
        spam_label=label,
        spam_class=LabelClass.SPAM if label else None,
    )
    store.record_attempt(
        Attempt(
            run_id=run.id or 0, number=NUMBER, carrier="sim-att", handset_id="galaxy-s23-att",
            times=AttemptTimes(dialed_at=at, ended_at=at), status=AttemptStatus.COMPLETED,
            delivery=Delivery.DELIVERED, reading=reading, display_state=display,
            verdict=judge(Delivery.DELIVERED, reading, EXPECT),
        )
    )  # fmt: skip


def _week(store: SqlResultStore, period: Period, in_use_label: str | None, both: bool) -> None:
    at = period.start + timedelta(days=1, hours=10)
    run = store.start_run(Run("nightly", "schedule", at, RunStatus.COMPLETED))
    for i in range(2):
        _call(store, run, at + timedelta(minutes=i), DisplayState.LOCKED, None)
        if both:
            _call(store, run, at + timedelta(minutes=i, seconds=30), DisplayState.IN_USE,
                  in_use_label)  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> SqlResultStore:
    return open_store(f"sqlite:///{tmp_path / 'r.db'}")


INVENTORY = Inventory(numbers=(Number(NUMBER, "Northwind Bank"),))


def test_both_states_tested_give_a_column_each(store: SqlResultStore) -> None:
    _week(store, WEEK.previous(), in_use_label=None, both=True)
    _week(store, WEEK, in_use_label="Spam Risk", both=True)
    report = build_report(store, WEEK, inventory=INVENTORY)
    assert report.matrix.columns == (("sim-att", "in_use"), ("sim-att", "locked"))
    [row] = report.matrix.rows
    by_display = {cell.display: cell for cell in row.cells}
    assert by_display["locked"].state is CellState.CLEAN
    assert by_display["in_use"].state is CellState.LABELLED
    [change] = report.changes  # compared column by column with the week before
    assert change.display == "in_use" and ChangeKind.NEWLY_LABELLED in change.kinds
    html = render_html(report)
    assert "phone locked" in html and "phone in use" in html


def test_one_state_keeps_one_column_per_carrier(store: SqlResultStore) -> None:
    _week(store, WEEK, in_use_label=None, both=False)
    report = build_report(store, WEEK, inventory=INVENTORY)
    assert report.matrix.columns == (("sim-att", ""),) and not report.matrix.by_display
    assert "phone locked" not in render_html(report)
