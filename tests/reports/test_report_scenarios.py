"""The report per scenario: a scenario's own expected name never marks a number "Misnamed" for
everybody; `--scenario` narrows it; a period without attempts is refused; warnings are shown."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reports.build import Inventory, build_report
from reports.model import CellState
from reports.period import Period
from robot.cli.app import app
from robot.cli.report_cmd import EmptyReport
from robot.domain.judge import judge
from robot.domain.model import (
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Delivery,
    Expectations,
    Number,
    Reading,
    Run,
    RunStatus,
    Tristate,
)
from robot.errors import UsageError
from robot.store.results import SqlResultStore, open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WEEK = Period.iso_week("2026-W48")
CLEAN = "+12025550101"
LONG = "+13125550104"  # "Northwind Bank Fraud Alerts": longer than CNAM's 15 characters
FRAUD_SCENARIO = "name: fraud-alerts\nnumbers: {list: ['+12025550101']}\nexpect: {name: NW Fraud}\n"


def _call(
    store: SqlResultStore, run: Run, number: str, expected: str, shown: str, at: datetime
) -> None:
    reading = Reading(name=shown, verified=Tristate.YES)
    store.record_attempt(
        Attempt(
            run_id=run.id or 0, number=number, carrier="sim-tmobile", handset_id="pixel8-tmo",
            times=AttemptTimes(dialed_at=at, ended_at=at), status=AttemptStatus.COMPLETED,
            delivery=Delivery.DELIVERED, reading=reading,
            verdict=judge(Delivery.DELIVERED, reading, Expectations(name=expected, no_label=True)),
        )
    )  # fmt: skip


def fill(store: SqlResultStore) -> None:
    """W48: `nightly` sees our name; `fraud-alerts` expects "NW Fraud" and sees it too
    ("NORTHWIND BANK"), so its calls are misnamed by its own expectation."""
    at = WEEK.start + timedelta(days=2, hours=14)
    nightly = store.start_run(Run("nightly", "schedule", at, RunStatus.COMPLETED))
    fraud = store.start_run(Run("fraud-alerts", "manual", at, RunStatus.COMPLETED))
    for i in range(3):
        moment = at + timedelta(minutes=i)
        _call(store, nightly, CLEAN, "Northwind Bank", "NORTHWIND BANK", moment)
        _call(store, nightly, LONG, "Northwind Bank Fraud Alerts", "NORTHWIND BANK", moment)
        _call(store, fraud, CLEAN, "NW Fraud", "NORTHWIND BANK", moment)


@pytest.fixture
def store(tmp_path: Path) -> SqlResultStore:
    opened = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    fill(opened)
    return opened


INVENTORY = Inventory(
    numbers=(Number(CLEAN, "Northwind Bank"), Number(LONG, "Northwind Bank Fraud Alerts")),
    scenario_names={"fraud-alerts": "NW Fraud"},
)


def test_a_scenarios_own_name_gets_its_own_row(store: SqlResultStore) -> None:
    report = build_report(store, WEEK, inventory=INVENTORY)
    rows = {(r.number, r.variant): r for r in report.matrix.rows}
    shared = rows[(CLEAN, "")]
    own = rows[(CLEAN, "fraud-alerts")]
    assert shared.expected_name == "Northwind Bank" and own.expected_name == "NW Fraud"
    assert shared.cells[0].state is CellState.CLEAN_VERIFIED  # not dragged to "Misnamed"
    assert own.cells[0].state is CellState.MISNAMED


def test_scenario_filter_and_truncated_name_warning(store: SqlResultStore) -> None:
    report = build_report(store, WEEK, inventory=INVENTORY, scenarios=("nightly",))
    assert report.totals.attempts == 6 and report.scenarios == ("nightly",)
    assert [r.variant for r in report.matrix.rows] == ["", ""]
    long_row = next(r for r in report.matrix.rows if r.number == LONG)
    latest = long_row.cells[0].latest
    assert latest is not None and latest.warnings
    assert "truncated name" in latest.warnings[0]
    assert long_row.cells[0].state is CellState.CLEAN_VERIFIED  # a warning, not a failure


# --- as people type it ---------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES, root)
    (root / "scenarios").mkdir()
    (root / "scenarios" / "fraud-alerts.yaml").write_text(FRAUD_SCENARIO)
    store = open_store(f"sqlite:///{root / '.ringcheck' / 'results.db'}")
    fill(store)
    store.close()
    return root


def _report(project: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--project", str(project), "report", *args])


def test_report_per_scenario_from_the_command_line(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _report(project, "--since", "2026-W48", "--until", "2026-W48", "--format", "json",
                     "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    cells = json.loads((out / "ringcheck-2026-W48-matrix.json").read_text())["cells"]
    fraud = [c for c in cells if c["scenario"] == "fraud-alerts" and c["attempts"]]
    assert [(c["number"], c["expected_name"], c["state"]) for c in fraud] == [
        (CLEAN, "NW Fraud", "misnamed"),
    ]
    shared = [c for c in cells if c["scenario"] is None and c["number"] == CLEAN and c["attempts"]]
    assert [c["state"] for c in shared] == ["clean_verified"]

    only = _report(project, "--since", "2026-W48", "--until", "2026-W48", "--scenario",
                   "fraud-alerts", "--format", "csv", "--out", str(out))  # fmt: skip
    assert only.exit_code == 0, only.output
    written = out / "ringcheck-2026-W48-fraud-alerts-matrix.csv"
    assert "misnamed" in written.read_text() and "clean_verified" not in written.read_text()


def test_an_empty_period_is_refused_and_says_where_the_calls_are(
    project: Path, tmp_path: Path
) -> None:
    result = _report(project, "--since", "2026-W46", "--until", "2026-W46", "--out", str(tmp_path))
    assert isinstance(result.exception, EmptyReport) and result.exception.exit_code == 1
    assert "no attempts in 2026-W46 — last attempts were in 2026-W48" in str(result.exception)
    assert not list(tmp_path.glob("*.html"))
    fresh = tmp_path / "fresh"
    shutil.copytree(EXAMPLES, fresh)
    plain = _report(fresh, "--out", str(tmp_path))  # the default: the last complete week
    assert isinstance(plain.exception, EmptyReport) and plain.exit_code == 1
    assert "no attempts in the store yet" in str(plain.exception)
    assert not list(tmp_path.glob("*.html"))


def test_an_unknown_scenario_names_the_ones_with_runs(project: Path, tmp_path: Path) -> None:
    result = _report(project, "--since", "2026-W48", "--scenario", "nightly-regresion",
                     "--out", str(tmp_path))  # fmt: skip
    assert isinstance(result.exception, UsageError)
    assert "fraud-alerts" in str(result.exception) and "nightly" in str(result.exception)


def test_results_take_the_same_dates_carriers_and_numbers(project: Path) -> None:
    def listed(*args: str) -> list[dict[str, object]]:
        result = CliRunner().invoke(
            app, ["results", "list", "--json", "--project", str(project), *args]
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    assert len(listed("--since", "2026-W48", "--until", "2026-W48")) == 9
    assert listed("--since", "2026-W49") == []
    assert len(listed("--carrier", "T-Mobile", "--number", "cards")) == 0
    assert len(listed("--carrier", "tmobile", "--number", "Northwind Bank")) == 6
    bad = CliRunner().invoke(
        app, ["--project", str(project), "results", "list", "--carrier", "Sprint"]
    )
    assert isinstance(bad.exception, UsageError)
    assert "sim-tmobile (T-Mobile (simulated))" in str(bad.exception)


def test_calls_that_say_nothing_about_a_number_are_counted_apart(store: SqlResultStore) -> None:
    from reports.render import render_html

    at = WEEK.start + timedelta(days=3)
    run = store.start_run(Run("nightly", "schedule", at, RunStatus.COMPLETED))
    for delivery in (Delivery.SIGNING_REJECTED, Delivery.DEVICE_ERROR, Delivery.DEVICE_ERROR):
        store.record_attempt(
            Attempt(run_id=run.id or 0, number=CLEAN, carrier="sim-tmobile",
                    times=AttemptTimes(dialed_at=at, ended_at=at),
                    status=AttemptStatus.COMPLETED, delivery=delivery)
        )  # fmt: skip
    report = build_report(store, WEEK, inventory=INVENTORY)
    assert dict(report.methodology.unjudged) == {"device_error": 2, "signing_rejected": 1}
    assert report.totals.conclusive == 9  # left out of every rate
    html = render_html(report)
    assert "signing rejected" in html and "428/436/437/438" in html
