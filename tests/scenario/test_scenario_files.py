"""Scenario files: the shipped ones load and plan; broken ones say where and how to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from robot.config.project import load_project
from robot.domain.model import Attestation, OutcomeExpectation
from robot.domain.scenario import plan
from robot.errors import ConfigError
from robot.scenario.load import find_scenario, list_scenario_files, load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def project():
    return load_project(EXAMPLES)


def test_every_shipped_scenario_loads_and_plans(project) -> None:
    files = list_scenario_files(project)
    names = {f.stem for f in files}
    assert {"nightly-regression", "smoke", "dno-enforcement", "attestation-matrix"} <= names
    for path in files:
        scenario = load_scenario(path, project)
        assert plan(scenario, project.numbers, project.handsets, seed=7), scenario.name


def test_dno_scenario_expects_blocks_from_inbound_only_numbers(project) -> None:
    scenario = load_scenario(find_scenario("dno-enforcement", project), project)
    calls = plan(scenario, project.numbers, project.handsets)
    assert calls
    assert all(c.number.do_not_originate for c in calls)
    assert all(c.expectations.outcome is OutcomeExpectation.BLOCKED for c in calls)


def test_attestation_matrix_multiplies_pairs(project) -> None:
    scenario = load_scenario(find_scenario("attestation-matrix", project), project)
    calls = plan(scenario, project.numbers, project.handsets)
    levels = {c.attestation for c in calls}
    assert levels == {Attestation.A, Attestation.B, Attestation.C}
    assert len(calls) % 3 == 0


def _broken(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "key", "hint"),
    [
        ("name: x\nhandset:\n  carriers: [sim-att]\n", 2, "handset", "did you mean `handsets`?"),
        ("name: x\nschedule:\n  cron: '0 2 * *'\n", 3, "schedule.cron", "minute hour"),
        ("name: x\nhandsets:\n  carriers: [sim-atx]\n", 3, "handsets.carriers[0]", "sim-att"),
        ("name: x\npairing: sampled\n", 1, "sample", "sample: 10"),
        ("name: x\nnumbers:\n  list: ['(202) 555-0123']\n", 3, "numbers.list[0]", "+12025550123"),
        ("name: x\ncall:\n  end_by: hangup\n", 3, "call.end_by", "cancel"),
        ("name: x\nquiet_hours: {start: '25:00', end: '07:00'}\n", 2, "quiet_hours.start", ""),
        ("name: x\nschedule:\n  cron: '0 2 * * *'\n  timezone: Mars/Base\n", 4, "timezone", "IANA"),
    ],
)
def test_broken_scenarios_name_line_key_and_fix(project, tmp_path, text, line, key, hint) -> None:
    with pytest.raises(ConfigError) as caught:
        load_scenario(_broken(tmp_path, text), project)
    error = caught.value
    assert error.line == line, str(error)
    assert error.key is not None and key in error.key, str(error)
    assert hint in (error.hint or ""), str(error)


def test_unknown_scenario_name_suggests_the_closest(project) -> None:
    with pytest.raises(ConfigError) as caught:
        find_scenario("nightly-regresion", project)
    assert "nightly-regression" in str(caught.value)
