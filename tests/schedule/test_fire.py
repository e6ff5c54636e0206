"""A scheduled fire goes through the same path as `ringcheck run`: budgets, quiet hours and
handset state apply, and a fire that cannot run leaves a run saying why (fixed clock)."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from robot.config.project import load_project
from robot.domain.model import Attempt, AttemptTimes, Run, RunStatus
from robot.schedule.jobs import _fire
from robot.wiring import open_project_store
from tests.engine.fakes import ManualClock

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 09:00 in New York
BUDGETED = """\
name: budgeted
numbers: {list: ["+12025550101"]}
handsets: {carriers: [sim-tmobile]}
schedule: {cron: "0 9 * * *", timezone: America/New_York}
budget: {per_number_per_day: 2}
"""
QUIET = """\
name: quiet
numbers: {list: ["+12025550101"]}
schedule: {cron: "0 3 * * *", timezone: America/New_York}
quiet_hours: {start: "21:00", end: "08:00", timezone: America/New_York}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES, root)
    (root / "scenarios").mkdir()
    (root / "scenarios" / "budgeted.yaml").write_text(BUDGETED)
    (root / "scenarios" / "quiet.yaml").write_text(QUIET)
    return root


def _runs(project: Path) -> list[Run]:
    store = open_project_store(load_project(project))
    try:
        return store.runs()
    finally:
        store.close()


def test_a_scheduled_run_over_budget_is_skipped_with_its_reason(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock(NOW)
    store = open_project_store(load_project(project), clock=clock)
    try:
        earlier = store.start_run(Run("budgeted", "manual", NOW - timedelta(hours=1)))
        for minutes in (50, 40):
            store.record_attempt(
                Attempt(run_id=earlier.id or 0, number="+12025550101", carrier="sim-tmobile",
                        handset_id="pixel8-tmo",
                        times=AttemptTimes(dialed_at=NOW - timedelta(minutes=minutes)))
            )  # fmt: skip
    finally:
        store.close()
    with caplog.at_level(logging.WARNING, logger="robot.schedule.jobs"):
        _fire(project, "budgeted", None, clock=clock)
    assert any(
        "scheduled run of budgeted skipped" in r.message and "daily budget" in r.message
        for r in caplog.records
    ), caplog.text
    latest = _runs(project)[0]
    assert (latest.scenario, latest.trigger, latest.status) == (
        "budgeted", "schedule", RunStatus.SKIPPED,
    )  # fmt: skip
    assert latest.note is not None and "daily budget" in latest.note


def test_a_scheduled_run_in_quiet_hours_is_skipped(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # 03:00 in New York
    with caplog.at_level(logging.WARNING, logger="robot.schedule.jobs"):
        _fire(project, "quiet", None, clock=clock)
    assert "quiet hours" in caplog.text
    assert _runs(project)[0].status is RunStatus.SKIPPED


def test_a_scheduled_run_with_every_handset_disabled_fails_and_says_so(project: Path) -> None:
    store = open_project_store(load_project(project))
    try:
        for handset in ("pixel8-tmo", "iphone15-tmo"):
            store.handset_state.set_enabled(handset, False)
    finally:
        store.close()
    _fire(project, "budgeted", None, clock=ManualClock(NOW))
    latest = _runs(project)[0]
    assert latest.status is RunStatus.FAILED
    assert latest.note is not None and "no handset is in service" in latest.note
