"""`ringcheck alerts list|signals|retry|test` as a QA engineer types them, against a real
receiver on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from robot.config.project import load_project
from robot.scenario.load import load_scenario
from robot.wiring import alert_pipeline, open_project_store
from tests.alerts.factory import attempt, reading
from tests.alerts.receiver import TOKEN, receiving

PROJECT = """\
timezone: America/New_York
store: sqlite:///.ringcheck/results.db
alerts:
  webhooks:
    - {kind: slack, name: ops, url_env: RC_CLI_OPS_URL}
"""
HOSTILE_NAME = "[bold red]<!channel>[/]"


def _cli(project: Path, *args: str, env: dict[str, str] | None = None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RINGCHECK_", "RC_CLI_"))}
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", "--project", str(project), *args],
        env={**clean, "COLUMNS": "250", **(env or {})}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project whose store holds one alert that could not be sent (its URL was not set)."""
    (tmp_path / "ringcheck.yaml").write_text(PROJECT)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "nightly.yaml").write_text("name: nightly\n")
    monkeypatch.delenv("RC_CLI_OPS_URL", raising=False)
    loaded = load_project(tmp_path)
    store = open_project_store(loaded)
    try:
        scenario = load_scenario(tmp_path / "scenarios" / "nightly.yaml", loaded)
        pipeline = alert_pipeline(loaded, scenario, store)
        pipeline(attempt(reading(name=HOSTILE_NAME)))
        pipeline.close(10.0)
    finally:
        store.close()
    return tmp_path


def test_list_shows_what_is_pending_and_why(project: Path) -> None:
    listed = _cli(project, "alerts", "list")
    assert listed.returncode == 0, listed.stderr
    assert "RC_CLI_OPS_URL is not set" in listed.stdout
    assert "pending after 1 try" in listed.stdout
    assert HOSTILE_NAME in listed.stdout  # shown as typed, not as terminal markup
    assert "deliveries: 1 pending, 0 sent, 0 failed" in listed.stdout
    [row] = json.loads(_cli(project, "alerts", "list", "--json").stdout)
    assert (row["kind"], row["check"], row["status"]) == ("first_failure", "name", "pending")
    assert row["deliveries"][0]["url_env"] == "RC_CLI_OPS_URL"
    assert " EST" in listed.stdout or " EDT" in listed.stdout  # local time of the project


def test_retry_sends_now_and_list_then_says_sent(project: Path) -> None:
    with receiving() as receiver:
        sent = _cli(project, "alerts", "retry", env={"RC_CLI_OPS_URL": receiver.url})
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert "-> ops: sent" in sent.stdout
    [body] = receiver.bodies
    assert "&lt;!channel&gt;" in body["text"] and "<!channel>" not in body["text"]
    [row] = json.loads(_cli(project, "alerts", "list", "--status", "sent", "--json").stdout)
    assert row["deliveries"][0]["tries"] == 1  # retry starts a fresh count
    nothing = _cli(project, "alerts", "retry")
    assert nothing.returncode == 0 and "nothing to send" in nothing.stdout


def test_retry_that_fails_again_exits_1_without_leaking_the_url(project: Path) -> None:
    with receiving(statuses=[500]) as receiver:
        failed = _cli(project, "-v", "alerts", "retry", env={"RC_CLI_OPS_URL": receiver.url})
    assert failed.returncode == 1
    assert "HTTP 500" in failed.stdout
    assert TOKEN not in failed.stdout + failed.stderr


def test_test_sends_a_test_alert_to_each_channel(project: Path) -> None:
    with receiving() as receiver:
        done = _cli(project, "alerts", "test", env={"RC_CLI_OPS_URL": receiver.url})
        assert done.returncode == 0, done.stdout + done.stderr
    assert len(receiver.bodies) == 1 and "TEST" in receiver.bodies[0]["text"]
    unknown = _cli(project, "alerts", "test", "opz")
    assert unknown.returncode == 2 and "channels: ops" in unknown.stderr
    unset = _cli(project, "alerts", "test")
    assert unset.returncode == 1 and "RC_CLI_OPS_URL is not set" in unset.stdout


def test_signals_lists_what_is_failing_now(project: Path) -> None:
    rows = json.loads(_cli(project, "alerts", "signals", "--failing", "--json").stdout)
    assert [(r["check"], r["state"]) for r in rows] == [("name", "fail")]
    everything = json.loads(_cli(project, "alerts", "signals", "--json").stdout)
    assert {r["check"] for r in everything} == {"delivered", "name", "no_label"}
    bad = _cli(project, "alerts", "list", "--status", "lost")
    assert bad.returncode == 2 and "pending, sent, failed" in bad.stderr


def test_reading_alerts_creates_no_store(tmp_path: Path) -> None:
    (tmp_path / "ringcheck.yaml").write_text(PROJECT)
    for args in (("alerts", "list"), ("alerts", "signals"), ("schedule", "list")):
        done = _cli(tmp_path, *args)
        assert done.returncode == 0, done.stderr
    assert "deliveries: 0 pending, 0 sent, 0 failed" in _cli(tmp_path, "alerts", "list").stdout
    assert not (tmp_path / ".ringcheck").exists()
