"""`screen: escalate:` on a run, as a QA engineer sets it: a handset of the virtual farm shows a
name Tesseract reads unsurely, the second OCR engine (RapidOCR) reads it again inside the run's
reader process, and the stored attempt keeps the name with `uncertain` and both readings.
With `never`, the same run stores Tesseract's reading alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from robot.config.project import load_project
from robot.demo import DemoPaths, FarmProcess, write_project
from robot.domain.model import Reading
from robot.screen.escalate import escalation_available
from robot.wiring import open_project_store
from tests.support.peers import need

pytestmark = pytest.mark.slow

NUMBER = "+12065550107"
# Letters with strokes DejaVu draws and Tesseract's Latin packs read unsurely (about 0.6 on a
# Samsung screen): the name line is escalated, and the two engines read it apart
SHOWN_NAME = "ĦĐŊŦ ŁTD"
SCENARIO = f"""\
name: one-call
description: One call to one Samsung handset, phone locked.
numbers:
  list: ["{NUMBER}"]
handsets:
  ids: [galaxy-s23-att]
call:
  capture_after_s: 0.5
  ring_timeout_s: 8
  frames: 1
  display: [locked]
expect:
  name: default
"""


def _ringcheck(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run([sys.executable, "-m", "robot.cli", "--project", str(root), *args],
                          cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def _project(root: Path, escalate: str) -> DemoPaths:
    paths = write_project(root)
    sim = root / "sim.yaml"
    text = sim.read_text(encoding="utf-8")
    cnam = f'"{NUMBER}": NORTHWIND BANK'
    assert cnam in text, "the example farm's CNAM table changed"
    sim.write_text(text.replace(cnam, f'"{NUMBER}": "{SHOWN_NAME}"'), encoding="utf-8")
    project = root / "ringcheck.yaml"
    setting = "screen:\n  escalate: auto\n"
    assert setting in project.read_text(encoding="utf-8"), "the example project changed"
    project.write_text(
        project.read_text(encoding="utf-8").replace(setting, f"screen:\n  escalate: {escalate}\n")
    )
    (root / "scenarios" / "one-call.yaml").write_text(SCENARIO, encoding="utf-8")
    return paths


def _one_attempt(root: Path, paths: DemoPaths) -> dict[str, Any]:
    with FarmProcess(paths):
        run = _ringcheck(root, "run", "one-call", "--farm", str(paths.ready_file), "--json")
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    listed = _ringcheck(root, "results", "list", "--json")
    attempts = [a for a in json.loads(listed.stdout) if a["delivery"] == "delivered"]
    assert len(attempts) == 1, (listed.stdout[-2000:], run.stderr[-2000:])
    return dict(attempts[0])


def test_a_run_reads_a_doubtful_name_again_and_stores_both_readings(tmp_path: Path) -> None:
    need("tesseract", shutil.which("tesseract") is not None)
    need("RapidOCR (extra ocr-escalation)", escalation_available())
    root = tmp_path / "always"
    attempt = _one_attempt(root, _project(root, "always"))
    assert attempt["name"] and "name" in attempt["uncertain"], attempt
    reading = _stored_reading(root)
    assert "rapidocr" in reading.engine.split("+"), reading.engine
    # the two OCR engines read the name apart: both readings are kept, the field uncertain
    # (the page source's text, where the phone gives one, is a third reading of its own)
    assert _engines_apart(reading), reading.disagreements


def test_never_reads_with_tesseract_alone(tmp_path: Path) -> None:
    need("tesseract", shutil.which("tesseract") is not None)
    root = tmp_path / "never"
    attempt = _one_attempt(root, _project(root, "never"))
    assert attempt["name"], attempt
    reading = _stored_reading(root)
    assert "rapidocr" not in reading.engine.split("+"), reading.engine
    assert not _engines_apart(reading), reading.disagreements


def _engines_apart(reading: Reading) -> bool:
    """Whether the reading keeps a name two OCR engines read apart (neither is the page
    source's text, which is what the farm drew)."""
    return any(f == "name" and SHOWN_NAME not in (a, b) for f, a, b in reading.disagreements)


def test_always_without_the_engine_stops_the_run_before_any_call(tmp_path: Path) -> None:
    """No farm is started: the run must stop before it needs one."""
    root = tmp_path / "missing"
    _project(root, "always")
    blocker = tmp_path / "site"
    blocker.mkdir()  # RapidOCR not installed, as Python sees a module blocked in sys.modules
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['rapidocr'] = None\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    run = subprocess.run([sys.executable, "-m", "robot.cli", "--project", str(root),
                          "run", "one-call"], cwd=root, capture_output=True, text=True,
                         env={**env, "PYTHONPATH": str(blocker)}, timeout=120)  # fmt: skip
    assert run.returncode == 2, run.stdout[-2000:] + run.stderr[-2000:]
    [line] = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert "ringcheck.yaml: screen.escalate: `always` needs the second OCR engine" in line
    assert "ringcheck[ocr-escalation]" in line
    listed = _ringcheck(root, "results", "list", "--json")
    assert json.loads(listed.stdout) == [], "a call was placed"


def _stored_reading(root: Path) -> Reading:
    store = open_project_store(load_project(root), create=False)
    try:
        [attempt] = [a for a in store.attempts() if a.reading is not None]
    finally:
        store.close()
    assert attempt.reading is not None
    return attempt.reading
