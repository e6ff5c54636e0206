"""The pytest plugin as a QA engineer uses it: the example test file against the virtual farm."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from robot.demo import write_project
from tests.support.peers import need

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_test_file_runs_against_the_virtual_farm(tmp_path: Path) -> None:
    need("tesseract", shutil.which("tesseract") is not None)
    project = tmp_path / "project"
    write_project(project)  # the example project with a signing key of its own
    junit = tmp_path / "junit.xml"
    installed = any(e.value == "robot.pytest_plugin" for e in entry_points(group="pytest11"))
    load = [] if installed else ["-p", "robot.pytest_plugin"]  # a venv not reinstalled yet
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *load, str(ROOT / "examples" / "test_calls.py"),
         "--ringcheck-project", str(project), f"--junitxml={junit}", "-p", "no:cacheprovider",
         "-o", "addopts=", "-rA", "--rootdir", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout
    assert "ringcheck calls" in result.stdout and "screenshot=" in result.stdout

    suite = ET.parse(junit).getroot()
    shots = [p.get("value") or "" for p in suite.iter("property")
             if p.get("name") == "ringcheck_screenshot"]  # fmt: skip
    assert len(shots) == 4 and all(Path(s).is_file() for s in shots if s)

    listed = subprocess.run(
        [sys.executable, "-m", "robot.cli", "--project", str(project), "results", "list", "--json"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    attempts = json.loads(listed.stdout)
    assert len(attempts) == 4, "every call of the test file lands in the store"
    assert not (project / ".ringcheck" / "farm.json").exists() or _farm_stopped(project)


def _farm_stopped(project: Path) -> bool:
    pid = json.loads((project / ".ringcheck" / "farm.json").read_text())["pid"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
