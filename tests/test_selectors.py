"""What people type for carriers and numbers, resolved against the example project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from robot.config.project import Project, load_project
from robot.errors import ConfigError, UsageError
from robot.scenario.load import load_scenario
from robot.selectors import resolve_carrier, resolve_numbers

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(EXAMPLES)


@pytest.mark.parametrize("word", ["sim-tmobile", "T-Mobile", "tmobile", "t-mobile (simulated)"])
def test_a_carrier_by_id_or_by_the_name_people_know(project: Project, word: str) -> None:
    assert resolve_carrier(word, project) == "sim-tmobile"


def test_an_unknown_carrier_names_every_carrier(project: Project) -> None:
    with pytest.raises(UsageError) as raised:
        resolve_carrier("Sprint", project)
    message = str(raised.value)
    assert "sim-att (AT&T (simulated))" in message and "sim-verizon" in message


def test_numbers_by_e164_tag_or_brand(project: Project) -> None:
    assert resolve_numbers(["+1 (202) 555-0101"], project) == ("+12025550101",)
    assert resolve_numbers(["collections"], project) == ("+12025550102",)
    brand = resolve_numbers(["northwind bank"], project)
    assert "+12025550101" in brand and "+12125550103" not in brand
    with pytest.raises(UsageError) as raised:
        resolve_numbers(["colections"], project)
    assert "did you mean `collections`" in str(raised.value) and "brands:" in str(raised.value)


def test_a_scenario_may_name_carriers_as_people_do(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "p")
    project = load_project(tmp_path / "p")
    path = tmp_path / "t.yaml"
    path.write_text("name: t\nhandsets: {carriers: [T-Mobile, AT&T]}\n")
    assert load_scenario(path, project).handsets.carriers == ("sim-tmobile", "sim-att")
    path.write_text("name: t\nhandsets: {carriers: [Sprint]}\n")
    with pytest.raises(ConfigError) as raised:
        load_scenario(path, project)
    assert "line 2" in str(raised.value) and "sim-verizon" in str(raised.value)
