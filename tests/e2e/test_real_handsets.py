"""Real-handset behaviour end to end on the virtual farm, as a QA engineer runs it: foreign
calls at 10 % are never judged as ours, both display states are recorded and read right, every
attempt keeps its settings snapshot, and `devices check --farm` reports and fixes Do Not
Disturb. Everything is compared with the farm's ground truth, never with what was expected."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from robot.demo import DemoPaths, FarmProcess, write_project
from robot.domain.names import fold
from tests.support.peers import need

pytestmark = pytest.mark.slow

SCENARIO = """\
name: handsets
description: Every outbound number to every handset, phone locked and phone in use.
call:
  signing: A
  capture_after_s: 0.5
  ring_timeout_s: 12
  frames: 1
  display: [locked, in_use]
repeats: @REPEATS@
expect:
  name: default
  no_label: true
"""
SIM_HANDSETS = """\
handsets:
  "*":
    foreign_calls: {probability: 0.1}
  pixel8-tmo: {theme: dark, dual_sim: "+12025550190"}
  emulator-vzw: {theme: light}
  galaxy-a54-vzw: {settings: {zen_mode: "1"}}
  iphone13-att: {heads_up: true}
"""


def _ringcheck(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run([sys.executable, "-m", "robot.cli", "--project", str(root), *args],
                          cwd=root, env=env, capture_output=True, text=True,
                          timeout=900)  # fmt: skip


def _project(root: Path, repeats: int) -> DemoPaths:
    paths = write_project(root)
    sim = root / "sim.yaml"
    text = sim.read_text(encoding="utf-8")
    sim.write_text(text[: text.index("handsets:")] + SIM_HANDSETS, encoding="utf-8")
    (root / "scenarios" / "handsets.yaml").write_text(
        SCENARIO.replace("@REPEATS@", str(repeats)), encoding="utf-8"
    )
    return paths


def _at(moment: str | None) -> float:
    assert moment is not None
    return datetime.fromisoformat(moment).timestamp()


def _ringing_at(call: dict[str, Any]) -> float:
    return min(e["at"] for e in call["events"] if e["event"] == "ringing")


def test_foreign_calls_display_states_and_settings_on_the_virtual_farm(tmp_path: Path) -> None:
    need("tesseract", shutil.which("tesseract") is not None)
    paths = _project(tmp_path, repeats=3)
    with FarmProcess(paths):
        run = _ringcheck(tmp_path, "run", "handsets", "--farm", str(paths.ready_file), "--json")
        ready = json.loads(paths.ready_file.read_text())
        truth = httpx.get(f"{ready['truth_url']}/calls", timeout=30).json()
        live = httpx.get(f"{ready['truth_url']}/live", timeout=10).json()
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    assert json.loads(run.stdout)["errors"] == [], run.stderr[-3000:]
    assert live == {"live": 0}
    listed = _ringcheck(tmp_path, "results", "list", "--json", "--limit", "5000")
    attempts = json.loads(listed.stdout)
    by_call = {c["call_id"]: c for c in truth}

    # foreign calls: each one the farm rang is recorded as foreign_call, none judged as ours
    foreign_truth = [c for c in truth if c.get("foreign")]
    foreign_rows = [a for a in attempts if a["delivery"] == "foreign_call" and not a["call_id"]]
    assert len(foreign_truth) >= 5, "the farm rang too few foreign calls to tell anything"
    assert len(foreign_rows) == len(foreign_truth)
    assert all(a["verdict"] is None and a["screenshot"] for a in foreign_rows)
    delivered = [a for a in attempts if a["delivery"] == "delivered"]
    for attempt in delivered:
        ours = by_call[attempt["call_id"]]
        assert not ours.get("foreign")
        # the ring the robot captured came after our call started ringing on the phone
        assert _at(attempt["handset_ringing_at"]) >= _ringing_at(ours) - 0.05, attempt["id"]

    # display states: both recorded, both read right against the farm's ground truth
    states = {a["display_state"] for a in delivered}
    assert states == {"locked", "in_use"}
    checked: dict[str, int] = {"locked": 0, "in_use": 0}
    misses: list[str] = []
    for attempt in delivered:
        shown = by_call[attempt["call_id"]]["shown"]
        for field, expected, read in (
            ("name", fold(shown["name"] or ""), fold(attempt["name"] or "")),
            ("label", fold(shown["label"] or ""), fold(attempt["spam_label"] or "")),
            ("verified", bool(shown["verified"]), attempt["verified"] is True),
        ):
            checked[attempt["display_state"]] += 1
            if expected != read:
                misses.append(f"{attempt['display_state']} {attempt['handset']} {field}: "
                              f"shown {expected!r}, read {read!r}")  # fmt: skip
    for state, count in checked.items():
        wrong = sum(1 for m in misses if m.startswith(state))
        assert count >= 60 and 1 - wrong / count >= 0.99, (state, count, misses[:10])

    # a clean phone every call: settings kept with every attempt; DND found on and switched off
    bare = [(a["id"], a["handset"], a["delivery"], a["error"]) for a in attempts
            if not a["settings"] and a["delivery"] != "device_error"]  # fmt: skip
    assert bare == [], run.stderr[-3000:]
    galaxy = [a for a in attempts if a["handset"] == "galaxy-a54-vzw" and a["settings"]]
    assert any("switched off" in a["settings"].get("dnd", "") for a in galaxy)
    silenced = [c["call_id"] for c in truth if any(e["event"] == "silenced" for e in c["events"])]
    assert silenced == []  # DND was switched off before the first call it would have hidden


def test_devices_check_with_the_farm_reports_and_fixes_do_not_disturb(tmp_path: Path) -> None:
    paths = _project(tmp_path, repeats=1)
    with FarmProcess(paths):
        farm = str(paths.ready_file)
        first = _ringcheck(tmp_path, "devices", "check", "--farm", farm, "--json")
        fixed = _ringcheck(tmp_path, "devices", "check", "galaxy-a54-vzw", "--farm", farm,
                           "--fix", "--json")  # fmt: skip
        os_env = {"RINGCHECK_FARM": farm}  # the variable instead of --farm
        again = subprocess.run(
            [sys.executable, "-m", "robot.cli", "--project", str(tmp_path), "devices", "check",
             "galaxy-a54-vzw", "--json"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
            env={**{k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")},
                 **os_env},
        )  # fmt: skip
    rows = {r["id"]: r for r in json.loads(first.stdout)}
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert len(rows) == 6 and all(r["reachable"] and r["healthy"] for r in rows.values())
    galaxy = rows["galaxy-a54-vzw"]
    assert galaxy["hygiene"]["dnd"] == "1"
    assert any("Do Not Disturb is on" in w for w in galaxy["warnings"])
    assert not any("Do Not Disturb" in w for w in rows["pixel8-tmo"]["warnings"])
    assert rows["iphone15-tmo"]["hygiene"]["focus"].startswith("not readable")
    assert fixed.returncode == 0, fixed.stderr[-2000:]
    assert json.loads(fixed.stdout)[0]["hygiene"]["dnd"] == "0 (was 1, switched off)"
    assert again.returncode == 0, again.stderr[-2000:]
    after = json.loads(again.stdout)[0]
    assert after["hygiene"]["dnd"] == "0" and after["warnings"] == []
