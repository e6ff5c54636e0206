"""What a run hands to people and CI systems: the dry-run plan, JUnit XML, alert wiring."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from robot.config.project import load_project
from robot.domain.judge import judge
from robot.domain.model import (
    Artifacts,
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Check,
    CheckState,
    Delivery,
    Expectations,
    Reading,
    Run,
    RunStatus,
    Verdict,
)
from robot.engine.run import RunSummary
from robot.junit import junit_xml
from robot.store.alert_outbox import SqlOutbox
from robot.store.results import open_store
from robot.wiring import alert_pipeline

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", *args],
        capture_output=True, text=True, timeout=120, cwd=cwd, env=env,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "project")
    return tmp_path / "project"


def test_dry_run_prints_the_plan_and_dials_nothing(project: Path) -> None:
    result = _cli("run", "smoke", "--dry-run", "--json", "--seed", "1", cwd=project)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert len(plan["calls"]) == 10
    first = plan["calls"][0]
    assert {"number", "handset", "carrier", "attestation", "expect_outcome"} <= set(first)
    assert "no label" in first["expect"] and "name" in first["expect"]


def test_a_disabled_handset_gets_no_call_and_the_dry_run_says_why(project: Path) -> None:
    assert _cli("devices", "disable", "pixel8-tmo", cwd=project).returncode == 0
    # --project after the command, as people type it
    result = _cli("run", "nightly-regression", "--dry-run", "--json", "--project", str(project),
                  cwd=project.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["calls"] and all(c["handset"] != "pixel8-tmo" for c in plan["calls"])
    assert [s["handset"] for s in plan["handsets_skipped"]] == ["pixel8-tmo"]
    assert "disabled" in plan["handsets_skipped"][0]["reason"]
    table = _cli("run", "nightly-regression", "--dry-run", cwd=project)
    assert "pixel8-tmo: disabled" in table.stdout


def test_verified_and_no_label_checks_show_in_the_plan(project: Path) -> None:
    result = _cli("run", "attestation-matrix", "--dry-run", "--carrier", "T-Mobile", cwd=project)
    assert result.returncode == 2  # the example trunk has no signing key: said before dialing
    assert "no signing key" in result.stderr and "Traceback" not in result.stderr


def _attempt(
    i: int,
    delivery: Delivery,
    reading: Reading | None,
    *,
    planned: int | None = None,
    error: str | None = None,
) -> Attempt:
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
        planned_call=planned if planned is not None else i,
        error=error,
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
    assert suite.get("tests") == "4" and suite.get("failures") == "2"
    assert suite.get("errors") == "0" and suite.get("skipped") == "1"
    failures = [c.find("failure") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert any("Spam Risk" in (f.get("message") or "") for f in failures)
    assert summary.exit_code() == 1


def test_junit_tells_a_broken_robot_from_a_carrier_regression() -> None:
    unreachable = "handset pixel8-tmo: the Appium server at http://127.0.0.1:9 is not reachable"
    tries = [
        _attempt(1, Delivery.DEVICE_ERROR, None, planned=0, error=unreachable),
        _attempt(2, Delivery.DEVICE_ERROR, None, planned=0, error=unreachable),
        _attempt(3, Delivery.DEVICE_ERROR, None, planned=1, error=unreachable),
        _attempt(4, Delivery.SIGNING_REJECTED, None, planned=2, error=None),
    ]
    summary = RunSummary(run=Run("nightly", "ci", NOW, RunStatus.COMPLETED, NOW, id=1),
                         attempts=tries)  # fmt: skip
    suite = ET.fromstring(junit_xml(summary))
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("3", "3", "0")
    first = next(suite.iter("testcase"))
    error = first.find("error")
    assert error is not None and "is not reachable" in (error.get("message") or "")
    assert "try 2" in (first.findtext("system-out") or "")  # the retry, in the same test case
    assert summary.exit_code() == 3


def test_uncertain_readings_are_errors_and_foreign_calls_are_skipped() -> None:
    uncertain = Reading(name="NORTHWIND BANK", uncertain=("name",))
    verdict = Verdict((Check("name", CheckState.UNCERTAIN, "two engines disagree"),))
    tries = [
        dataclasses.replace(_attempt(1, Delivery.DELIVERED, uncertain), verdict=verdict),
        _attempt(2, Delivery.FOREIGN_CALL, None),
        _attempt(3, Delivery.DELIVERED, Reading(name="NORTHWIND BANK")),
    ]
    summary = RunSummary(run=Run("nightly", "ci", NOW, RunStatus.COMPLETED, NOW, id=1),
                         attempts=tries)  # fmt: skip
    suite = ET.fromstring(junit_xml(summary))
    assert (suite.get("errors"), suite.get("failures"), suite.get("skipped")) == ("1", "0", "1")
    assert summary.exit_code() == 1


def test_every_run_records_alerts_for_the_projects_channels(tmp_path, monkeypatch) -> None:
    """Alerts are recorded whether or not a webhook URL is set in this process: the outbox
    keeps them for a process that has it, and `alerts list` shows why they wait."""
    from robot.domain.scenario import Scenario

    project = load_project(EXAMPLES)
    store = open_store(f"sqlite:///{tmp_path / 'r.db'}", artifacts_dir=tmp_path / "art")
    try:
        monkeypatch.delenv("RINGCHECK_SLACK_WEBHOOK", raising=False)
        pipeline = alert_pipeline(project, Scenario(name="nightly"), store, send=False)
        labelled = Reading(name="NORTHWIND BANK", spam_label="Spam Risk")
        [alert] = pipeline.observe(_attempt(1, Delivery.DELIVERED, labelled))
        assert alert.kind.value == "first_failure" and alert.key.check == "no_label"
        assert alert.evidence.url is None  # the example project sets no public_url
        assert alert.evidence.path and alert.evidence.path.endswith("attempt1-screenshot.png")
        [record] = SqlOutbox(store.engine, store.clock).records()
        assert [d.channel.name for d in record.deliveries] == ["fraud-ops"]
    finally:
        store.close()
