"""What a run hands to people and CI systems: the dry-run plan, JUnit XML, alert wiring."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from robot.config.project import load_project
from robot.domain.judge import judge
from robot.domain.model import (
    Artifacts,
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Delivery,
    Expectations,
    Reading,
    Run,
    RunStatus,
)
from robot.engine.run import RunSummary
from robot.junit import junit_xml
from robot.store.results import open_store
from robot.wiring import alert_listeners, evidence_link

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_dry_run_prints_the_plan_and_dials_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "robot.cli", "--project", str(EXAMPLES), "run", "smoke",
         "--dry-run", "--json", "--seed", "1"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert len(plan) == 10
    assert {"number", "handset", "carrier", "expect_outcome"} <= set(plan[0])


def _attempt(i: int, delivery: Delivery, reading: Reading | None) -> Attempt:
    expectations = Expectations(name="Northwind Bank", no_label=True)
    return Attempt(
        id=i,
        run_id=1,
        number="+12025550101",
        carrier="sim-tmobile",
        handset_id="pixel8-tmo",
        times=AttemptTimes(dialed_at=NOW, ended_at=NOW),
        status=AttemptStatus.COMPLETED,
        delivery=delivery,
        reading=reading,
        verdict=judge(delivery, reading, expectations),
        artifacts=Artifacts(screenshot="2026/11/27/run1/attempt1-screenshot.png"),
    )


def test_junit_xml_counts_failures_and_skips() -> None:
    summary = RunSummary(
        run=Run("nightly", "manual", NOW, RunStatus.COMPLETED, NOW, id=1),
        attempts=[
            _attempt(1, Delivery.DELIVERED, Reading(name="NORTHWIND BANK")),
            _attempt(2, Delivery.DELIVERED, Reading(name="NORTHWIND BANK", spam_label="Spam Risk")),
            _attempt(3, Delivery.BLOCKED, None),
        ],
        skipped=["+12025550101 -> pixel8-tmo: daily budget of 20 calls for number reached"],
    )
    suite = ET.fromstring(junit_xml(summary))
    assert suite.get("tests") == "3" and suite.get("failures") == "2"
    assert suite.get("skipped") == "1"
    failures = [c.find("failure") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert any("Spam Risk" in (f.get("message") or "") for f in failures)


def test_alerts_are_wired_only_for_webhooks_whose_url_is_set(tmp_path, monkeypatch) -> None:
    project = load_project(EXAMPLES)
    store = open_store(f"sqlite:///{tmp_path / 'r.db'}", artifacts_dir=tmp_path / "art")
    try:
        monkeypatch.delenv("RINGCHECK_SLACK_WEBHOOK", raising=False)
        assert alert_listeners(project, store) == []
        monkeypatch.setenv("RINGCHECK_SLACK_WEBHOOK", "http://127.0.0.1:9/hook")
        assert len(alert_listeners(project, store)) == 1
        link = evidence_link(store, _attempt(1, Delivery.DELIVERED, None))
        assert link is not None and link.startswith("file://") and link.endswith("screenshot.png")
    finally:
        store.close()
