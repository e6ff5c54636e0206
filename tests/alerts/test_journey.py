"""The path a user takes: `ringcheck run` on the virtual farm → calls → store → alerts through
the outbox → a real Slack-style receiver on 127.0.0.1 → `ringcheck alerts list`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from robot.demo import FarmProcess, write_project
from tests.alerts.receiver import TOKEN, receiving
from tests.support.peers import need

pytestmark = pytest.mark.slow
CLEAN = "+12025550101"


def _ringcheck(root: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", "--project", str(root), *args],
        env={**clean, **env}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_runs_alert_through_the_outbox_and_a_passing_matrix_alerts_nothing(tmp_path) -> None:
    need("tesseract", shutil.which("tesseract") is not None)
    paths = write_project(tmp_path)
    with (tmp_path / "ringcheck.yaml").open("a") as f:
        f.write("public_url: https://ringcheck.example.com\n")
    with receiving() as slack, FarmProcess(paths):
        env = {"RINGCHECK_SLACK_WEBHOOK": slack.url, "RINGCHECK_FARM": str(paths.ready_file)}
        matrix = _ringcheck(
            tmp_path, "run", "attestation-matrix", "--number", CLEAN, "--json", env=env
        )
        assert matrix.returncode == 0, matrix.stdout[-2000:] + matrix.stderr[-2000:]
        assert json.loads(matrix.stdout)["counts"]["failed"] == 0
        assert slack.tries == 0, [b["text"] for b in slack.bodies]

        demo = _ringcheck(tmp_path, "run", "demo", "--json", env=env)
        assert demo.returncode == 1, demo.stderr[-2000:]  # the demo shows failing numbers
        run_id = json.loads(demo.stdout)["run"]

    listed = json.loads(
        _ringcheck(tmp_path, "alerts", "list", "--json", "--limit", "500", env={}).stdout
    )
    raised = [row for row in listed if row["run_id"] == run_id]
    assert raised, "the demo run raised no alert"
    assert {row["status"] for row in raised} == {"sent"}, raised
    assert len(slack.bodies) == len(raised)
    assert all(row["kind"] == "first_failure" for row in raised)
    assert {row["scenario"] for row in raised} == {"demo"}
    failing_numbers = {row["number"] for row in raised}
    assert "+14155550105" not in failing_numbers or any(
        row["check"] == "blocked" for row in raised if row["number"] == "+14155550105"
    )
    assert "+13105550108" in failing_numbers  # silently dropped on Verizon
    texts = "\n".join(b["text"] for b in slack.bodies)
    assert "<https://ringcheck.example.com/attempts/" in texts
    assert "file://" not in texts
    everything = json.dumps(listed)
    assert TOKEN not in everything
