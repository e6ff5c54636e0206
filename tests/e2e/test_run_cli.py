"""`ringcheck run` as a CI job types it, when the robot itself cannot do its job."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.support.peers import free_port

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", *args],
        capture_output=True, text=True, timeout=300, cwd=cwd, env=env,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example project with every handset's Appium server on a port nobody listens on
    (a forgotten `--farm`)."""
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES, root)
    farm = root / "farm.yaml"
    dead = f"http://127.0.0.1:{free_port()}"
    farm.write_text(farm.read_text().replace("http://127.0.0.1:4723", dead))
    return root


def test_a_run_without_its_farm_is_an_error_not_a_regression(project: Path) -> None:
    junit = project / "junit.xml"
    result = _cli("run", "smoke", "--seed", "1", "--junit", str(junit), cwd=project)
    assert result.returncode == 3, result.stdout[-2000:] + result.stderr[-2000:]
    suite = ET.parse(junit).getroot()
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("10", "10", "0")
    messages = [e.get("message") or "" for e in suite.iter("error")]
    assert all("is not reachable" in m for m in messages), messages[:3]
    assert "is not reachable" in result.stdout  # the cause, not "the handset did not ring"
    assert "the robot tested nothing" in result.stdout

    shown = _cli("runs", "show", "1", "--json", cwd=project)
    summary = json.loads(shown.stdout)
    assert summary["planned_calls"] == 10 and summary["counts"]["error"] == 10
    assert summary["attempts"] > 10  # device errors were retried on the carrier's other handset
    assert summary["exit_code"] == 3

    dry = json.loads(_cli("run", "smoke", "--dry-run", "--json", cwd=project).stdout)
    assert dry["handsets_skipped"], "repeated device errors did not quarantine any handset"
    assert all("quarantined" in s["reason"] for s in dry["handsets_skipped"])
