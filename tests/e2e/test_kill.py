"""`kill -9` of the robot mid-run loses no finished attempt and leaves no call up."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from robot.demo import FarmProcess, write_project
from robot.wiring import FarmEndpoints
from tests.support.peers import wait_until

pytestmark = pytest.mark.slow


def _count(db: Path, where: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=10) as conn:
        try:
            return int(conn.execute(f"SELECT count(*) FROM attempts WHERE {where}").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def test_kill_9_mid_run_then_restart(tmp_path: Path) -> None:
    paths = write_project(tmp_path)
    db = tmp_path / ".ringcheck" / "results.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    with FarmProcess(paths):
        farm = FarmEndpoints.read(paths.ready_file)
        command = [sys.executable, "-m", "robot.cli", "--project", str(tmp_path), "run", "demo",
                   "--farm", str(paths.ready_file), "--json"]  # fmt: skip
        robot = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_until(lambda: _count(db, "status = 'completed'") >= 5, 120, "5 finished calls")
            os.kill(robot.pid, signal.SIGKILL)
            robot.wait(timeout=30)
        finally:
            if robot.poll() is None:
                robot.kill()
                robot.wait()
        finished = _count(db, "status = 'completed'")

        listed = subprocess.run(
            [sys.executable, "-m", "robot.cli", "--project", str(tmp_path), "runs", "list",
             "--json"], env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert '"status": "interrupted"' in listed.stdout
        assert _count(db, "status = 'completed'") == finished, "a finished attempt was lost"
        assert _count(db, "status = 'in_progress'") == 0
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM leases").fetchone()[0] == 0

        def no_live_calls() -> bool:
            return bool(httpx.get(f"{farm.truth_url}/live", timeout=5).json() == {"live": 0})

        wait_until(no_live_calls, 60, "the farm to have no live call")
