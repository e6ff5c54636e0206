"""A field the reading could not decide is shown apart: never a failure, never hidden.

The screen and the page source read two names; the name check is uncertain. The cell is not
"Misnamed", the report says what could not be decided, the matrix export carries it, and
`results list --json` lists the uncertain field.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from reports.build import Inventory, build_report
from reports.export import matrix_records
from reports.model import CellState
from reports.period import Period
from reports.render import render_html
from robot.cli.results_cmd import attempt_json
from robot.domain.judge import judge
from robot.domain.model import (
    Attempt,
    AttemptStatus,
    AttemptTimes,
    CheckState,
    Delivery,
    Expectations,
    Number,
    Reading,
    Run,
    RunStatus,
    Tristate,
)
from robot.store.results import SqlResultStore, open_store

WEEK = Period.iso_week("2026-W48")
NUMBER = "+12025550101"


@pytest.fixture
def store(tmp_path: Path) -> SqlResultStore:
    opened = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    at = WEEK.start + timedelta(days=2, hours=14)
    run = opened.start_run(Run("nightly", "schedule", at, RunStatus.COMPLETED))
    reading = Reading(
        name="NORTHWIND BANK",
        verified=Tristate.YES,
        disagreements=(("name", "NORTHWIND BANK", "GLOBEX CORP"),),
        uncertain=("name",),
    )
    verdict = judge(Delivery.DELIVERED, reading, Expectations(name="Northwind Bank"))
    assert verdict.outcome is CheckState.UNCERTAIN
    opened.record_attempt(
        Attempt(
            run_id=run.id or 0,
            number=NUMBER,
            carrier="sim-tmobile",
            handset_id="pixel8-tmo",
            times=AttemptTimes(dialed_at=at, ended_at=at),
            status=AttemptStatus.COMPLETED,
            delivery=Delivery.DELIVERED,
            reading=reading,
            verdict=verdict,
        )
    )
    return opened


def test_an_uncertain_name_is_shown_apart_and_never_misnamed(store: SqlResultStore) -> None:
    inventory = Inventory(numbers=(Number(NUMBER, "Northwind Bank"),))
    report = build_report(store, WEEK, inventory=inventory)
    [cell] = report.matrix.rows[0].cells[:1]
    assert cell.state is not CellState.MISNAMED
    assert cell.latest is not None and cell.latest.uncertain
    assert "GLOBEX CORP" in cell.latest.uncertain[0]
    html = render_html(report)
    assert "could not decide" in html and "GLOBEX CORP" in html
    [record] = [r for r in matrix_records(report) if r["number"] == NUMBER and r["attempts"]]
    assert record["uncertain"] and "GLOBEX CORP" in record["uncertain"]


def test_results_list_json_names_the_uncertain_fields(store: SqlResultStore) -> None:
    [attempt] = store.attempts()
    row = attempt_json(attempt)
    assert row["uncertain"] == ["name"]
    assert row["verdict"]["outcome"] == "uncertain"
    assert [c["state"] for c in row["verdict"]["checks"] if c["expectation"] == "name"] == [
        "uncertain"
    ]
