"""`ringcheck demo` as a newcomer types it, then the robot's records against the farm's truth."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from robot.config.project import load_project
from robot.demo import FarmProcess, write_project
from robot.domain.model import Delivery
from robot.domain.names import fold
from robot.domain.scenario import HandsetSelector
from robot.prepare import CallFilter
from robot.scenario.load import find_scenario, load_scenario
from robot.wiring import FarmEndpoints, open_project_store, prepare, run_planned
from tests.support.peers import need

pytestmark = pytest.mark.slow


def _ringcheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_demo_runs_end_to_end_and_leaves_its_data_behind(tmp_path: Path) -> None:
    need("tesseract", shutil.which("tesseract") is not None)
    demo = _ringcheck("demo", "--dir", str(tmp_path), cwd=tmp_path)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "calls left up at the end: 0" in demo.stdout
    assert (tmp_path / "report").is_dir() and list((tmp_path / "report").glob("*.html"))

    listed = _ringcheck("results", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    attempts = json.loads(listed.stdout)
    deliveries = {a["delivery"] for a in attempts}
    assert {"delivered", "blocked"} <= deliveries, deliveries
    carriers = {a["carrier"] for a in attempts}
    assert len(carriers) >= 3
    assert any(a["spam_label"] for a in attempts), "no labelled call in the demo"
    assert any(a["verified"] is True for a in attempts), "no verified call in the demo"


def test_the_demo_farm_starts_from_a_folder_holding_another_robot_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m` puts the working folder first on the path; a Robot Framework suite's folder
    has a `robot` package of its own, and the demo's farm imported that one and never started."""
    suite = tmp_path / "suite"
    (suite / "robot").mkdir(parents=True)
    (suite / "robot" / "__init__.py").write_text('raise SystemExit("not ringcheck")\n')
    monkeypatch.chdir(suite)
    paths = write_project(tmp_path / "demo")
    with FarmProcess(paths):
        farm = FarmEndpoints.read(paths.ready_file)
        assert httpx.get(f"{farm.truth_url}/calls", timeout=30).status_code == 200


def test_recorded_readings_match_the_farm_ground_truth(tmp_path: Path) -> None:
    need("tesseract", shutil.which("tesseract") is not None)
    paths = write_project(tmp_path)
    project = load_project(tmp_path)
    scenario = load_scenario(find_scenario("demo", project), project)
    scenario = dataclasses.replace(scenario, repeats=5)
    with FarmProcess(paths):
        farm = FarmEndpoints.read(paths.ready_file)
        prepared = prepare(project, scenario, farm=farm)
        assert len(prepared.calls) >= 200
        summary = run_planned(project, prepared, farm=farm, trigger="test")
        truth = {c["call_id"]: c for c in httpx.get(f"{farm.truth_url}/calls", timeout=30).json()}
        live = httpx.get(f"{farm.truth_url}/live", timeout=10).json()
    assert live == {"live": 0}, live

    store = open_project_store(project)
    try:
        attempts = store.attempts(run_id=summary.run.id)
    finally:
        store.close()
    checked = wrong = 0
    misses: list[str] = []
    for attempt in attempts:
        if attempt.delivery is not Delivery.DELIVERED or attempt.sip is None:
            continue
        shown = truth[attempt.sip.call_id]["shown"]
        reading = attempt.reading
        assert reading is not None
        fields = {
            "name": (fold(shown["name"] or ""), fold(reading.name or "")),
            "label": (fold(shown["label"] or ""), fold(reading.spam_label or "")),
            "verified": (bool(shown["verified"]), reading.verified.value == "yes"),
        }
        for field, (expected, read) in fields.items():
            checked += 1
            if expected != read:
                wrong += 1
                misses.append(f"{attempt.handset_id} {field}: shown {expected!r}, read {read!r}")
    assert checked >= 3 * 150
    accuracy = 1 - wrong / checked
    assert accuracy >= 0.99, f"{accuracy:.3%} right; misses: {misses[:10]}"


def test_rich_call_data_from_a_scenario_reaches_the_handset(tmp_path: Path) -> None:
    paths = write_project(tmp_path)
    project = load_project(tmp_path)
    scenario = load_scenario(find_scenario("branded-display", project), project)
    scenario = dataclasses.replace(scenario, handsets=HandsetSelector(ids=("pixel8-tmo",)))
    only = CallFilter(numbers=("+12025550101",))
    with FarmProcess(paths):
        farm = FarmEndpoints.read(paths.ready_file)
        prepared = prepare(project, scenario, farm=farm, only=only)
        assert len(prepared.calls) == 1
        summary = run_planned(project, prepared, farm=farm, trigger="test")
        truth = httpx.get(f"{farm.truth_url}/calls", timeout=30).json()
    shown = truth[-1]["shown"]
    assert shown["verified"] is True
    assert shown["name"] == "Northwind Bank"
    assert shown["call_reason"] == "Fraud alert on your card"
    assert shown["logo_url"] == "https://brand.example.com/northwind/logo.png"
    store = open_project_store(project)
    try:
        attempt = store.attempt(summary.attempts[0].id or 0)
    finally:
        store.close()
    assert attempt is not None and attempt.reading is not None
    assert attempt.reading.verified.value == "yes"
