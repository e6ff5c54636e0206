"""A trunk limited to one call at a time, on the virtual farm, through `ringcheck run`
(issue 17, item 2): every planned call is made, none is a `trunk_error` of our own making,
calls on one trunk never overlap on the wire, and the waits are recorded apart."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from robot.demo import FarmProcess, write_project

pytestmark = pytest.mark.slow


def test_one_call_slot_queues_the_calls(tmp_path: Path) -> None:
    paths = write_project(tmp_path)
    config = tmp_path / "ringcheck.yaml"
    text = config.read_text(encoding="utf-8")
    assert "max_concurrent_calls: 4" in text
    config.write_text(text.replace("max_concurrent_calls: 4", "max_concurrent_calls: 1"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    with FarmProcess(paths):
        command = [sys.executable, "-m", "robot.cli", "--project", str(tmp_path), "run",
                   "smoke", "--seed", "5", "--farm", str(paths.ready_file), "--json"]  # fmt: skip
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stderr
    summary = json.loads(run.stdout)
    assert summary["attempts"] == 10, summary
    with sqlite3.connect(tmp_path / ".ringcheck" / "results.db") as db:
        rows = db.execute(
            "SELECT carrier, delivery, sip_error, dialed_at, duration_ms, slot_wait_ms"
            " FROM attempts"
        ).fetchall()
    assert [r for r in rows if r[1] == "trunk_error"] == [], rows
    by_carrier: dict[str, list[tuple[datetime, datetime]]] = {}
    for carrier, _, _, dialed, duration_ms, _ in rows:
        start = datetime.fromisoformat(dialed)
        by_carrier.setdefault(carrier, []).append(
            (start, start + timedelta(milliseconds=duration_ms or 0))
        )
    for carrier, spans in by_carrier.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            # the next call is dialled only once the previous one is over on the wire
            assert start >= end - timedelta(milliseconds=50), (carrier, spans)
    assert max(r[5] or 0 for r in rows) > 0, "no call waited: the limit was not exercised"
