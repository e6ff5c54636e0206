"""`ringcheck serve` fires scheduled scenarios, survives restarts, and has one leader."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.support.peers import wait_until

pytestmark = pytest.mark.slow

PROJECT = """\
timezone: UTC
store: sqlite:///.ringcheck/results.db
trunks:
  - {name: main, host: 127.0.0.1, port: 5060}
numbers: [numbers.csv]
farm: farm.yaml
"""
NUMBERS = "number,name,direction,trunk\n+12025550101,Northwind Bank,outbound,main\n"
FARM = """\
handsets:
  - id: pixel
    platform: android
    dialer: google
    carrier: sim-tmobile
    msisdn: "+12025550181"
    appium_url: http://127.0.0.1:4723
    enabled: false
"""
TICK = "name: tick\nschedule:\n  every_s: 1\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "ringcheck.yaml").write_text(PROJECT)
    (tmp_path / "numbers.csv").write_text(NUMBERS)
    (tmp_path / "farm.yaml").write_text(FARM)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "tick.yaml").write_text(TICK)
    return tmp_path


class Serve:
    def __init__(self, project: Path, name: str) -> None:
        self.ready = project / f"{name}.json"
        self.ready.unlink(missing_ok=True)
        self.log = project / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
        command = [
            sys.executable,
            "-m",
            "robot.cli",
            "--project",
            str(project),
            "serve",
            "--health-port",
            "0",
            "--ready-file",
            str(self.ready),
            "--lease-ttl",
            "3",
        ]
        with self.log.open("wb") as log_file:
            self.proc = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=log_file
            )
        wait_until(lambda: self.ready.exists() or self.proc.poll() is not None, 60, "serve ready")
        assert self.proc.poll() is None, self.log.read_text()
        self.url = json.loads(self.ready.read_text())["health_url"]

    def health(self) -> dict:
        return httpx.get(self.url, timeout=5).json()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=30)


@pytest.fixture
def serves() -> Iterator[list[Serve]]:
    started: list[Serve] = []
    yield started
    for serve in started:
        if serve.proc.poll() is None:
            serve.proc.kill()
            serve.proc.wait()


def _fires(project: Path) -> list[float]:
    engine = sa.create_engine(f"sqlite:///{project / '.ringcheck' / 'results.db'}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT started_at FROM runs WHERE trigger = 'schedule' ORDER BY id")
            ).all()
    except sa.exc.OperationalError:
        return []
    finally:
        engine.dispose()
    from datetime import datetime

    return [datetime.fromisoformat(str(r[0])).timestamp() for r in rows]


def test_a_schedule_fires_and_survives_a_restart_without_double_firing(project, serves) -> None:
    first = Serve(project, "a")
    serves.append(first)
    wait_until(lambda: first.health()["leader"], 30, "the first serve to lead")
    assert [j["scenario"] for j in first.health()["jobs"]] == ["tick"]
    wait_until(lambda: len(_fires(project)) >= 2, 30, "two scheduled fires")
    assert first.stop() == 0
    before = len(_fires(project))

    second = Serve(project, "b")
    serves.append(second)
    wait_until(lambda: len(_fires(project)) >= before + 2, 30, "fires after the restart")
    assert second.stop() == 0
    fires = _fires(project)
    # every_s: 1 -> at most one fire per second of schedule, plus the catch-up after restart
    span = fires[-1] - fires[0]
    assert len(fires) <= span + 2, f"more fires than scheduled times: {len(fires)} in {span:.1f}s"


def test_only_one_serve_leads_and_a_standby_takes_over(project, serves) -> None:
    a, b = Serve(project, "a"), Serve(project, "b")
    serves += [a, b]
    wait_until(lambda: a.health()["leader"] or b.health()["leader"], 30, "a leader")
    leader, standby = (a, b) if a.health()["leader"] else (b, a)
    assert not standby.health()["leader"]
    leader.stop(signal.SIGKILL)  # dies without releasing its lease
    wait_until(lambda: standby.health()["leader"], 30, "the standby to take over")
    count = len(_fires(project))
    wait_until(lambda: len(_fires(project)) > count, 30, "the new leader to fire")


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", "--project", str(project), *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_schedule_pause_and_resume_keep_the_jobs_serve_stored(project) -> None:
    from robot.config.project import load_project
    from robot.schedule.service import make_scheduler, scheduled_scenarios, sync_jobs
    from robot.wiring import open_project_store

    loaded = load_project(project)
    store = open_project_store(loaded)
    scheduler = make_scheduler(store.engine)
    scheduler.start(paused=True)
    sync_jobs(scheduler, scheduled_scenarios(loaded), loaded.project_dir, "/tmp/farm.json")
    scheduler.shutdown(wait=False)
    store.close()

    assert _cli(project, "schedule", "pause", "tick").returncode == 0
    listed = json.loads(_cli(project, "schedule", "list", "--json").stdout)
    assert [(j["scenario"], j["paused"]) for j in listed] == [("tick", True)]
    assert _cli(project, "schedule", "resume", "tick").returncode == 0
    listed = json.loads(_cli(project, "schedule", "list", "--json").stdout)
    assert [(j["scenario"], j["paused"]) for j in listed] == [("tick", False)]
    missing = _cli(project, "schedule", "pause", "nightly")
    assert missing.returncode == 2 and "ringcheck serve" in missing.stderr

    store = open_project_store(loaded)
    scheduler = make_scheduler(store.engine)
    scheduler.start(paused=True)
    job = scheduler.get_job("scenario:tick")
    scheduler.shutdown(wait=False)
    store.close()
    assert job is not None and job.args[2] == "/tmp/farm.json", "the farm serve stored was lost"


def test_serve_sends_alerts_left_pending_by_earlier_runs(project, monkeypatch) -> None:
    """A run recorded an alert while the webhook URL was not set in its environment; `serve`,
    which has it, delivers it between runs."""
    from robot.config.project import load_project
    from robot.scenario.load import load_scenario
    from robot.wiring import alert_pipeline, open_project_store
    from tests.alerts.factory import attempt, reading
    from tests.alerts.receiver import receiving

    with (project / "ringcheck.yaml").open("a") as f:
        f.write("alerts:\n  webhooks:\n    - {kind: json, name: ops, url_env: RC_SERVE_OPS}\n")
    loaded = load_project(project)
    store = open_project_store(loaded)
    try:
        scenario = load_scenario(project / "scenarios" / "tick.yaml", loaded)
        pipeline = alert_pipeline(loaded, scenario, store, send=False)
        assert pipeline.observe(attempt(reading("Scam Likely")))
    finally:
        store.close()
    with receiving() as receiver:
        monkeypatch.setenv("RC_SERVE_OPS", receiver.url)
        serve = Serve(project, "alerts")
        try:
            wait_until(lambda: len(receiver.bodies) == 1, 30, "serve to send the alert")
        finally:
            assert serve.stop() == 0
    assert receiver.bodies[0]["check"] == "no_label"
    listed = json.loads(_cli(project, "alerts", "list", "--json").stdout)
    assert [row["status"] for row in listed] == ["sent"]
