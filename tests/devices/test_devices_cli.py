"""`ringcheck devices check|enable|disable|release|show` as a person types them, against a
handset on the real Appium server (fake driver) and one whose server is down."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from robot.cli.app import main
from robot.domain.model import Artifacts, Attempt, AttemptTimes, Run
from robot.store import ArtifactKind, open_store
from tests.devices.appium_peer import AppiumServer
from tests.support.peers import free_port

pytestmark = pytest.mark.appium


@dataclasses.dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


Cli = Callable[..., Result]


@pytest.fixture
def ringcheck(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `ringcheck --project P devices ARGS` in this process, through the real entry point."""

    def run(project: Path, *args: str) -> Result:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["ringcheck", "--project", str(project), "devices", *args])
        code: int | str | None = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return Result(int(code or 0), out, err)

    return run


@pytest.fixture
def project(tmp_path: Path, appium_server: AppiumServer) -> Path:
    idle = tmp_path / "idle.xml"
    idle.write_text('<app width="540" height="1200"><x id="home"/></app>')
    appium_server.set_phone("cli-ok", xml=str(idle), carrier="T-Mobile", battery=0.9)
    (tmp_path / "ringcheck.yaml").write_text(
        "store: sqlite:///.ringcheck/results.db\nartifacts: .ringcheck/artifacts\nfarm: farm.yaml\n"
    )
    (tmp_path / "farm.yaml").write_text(
        f"""handsets:
  - id: cli-ok
    platform: android
    dialer: google
    carrier: T-Mobile
    msisdn: "+12025550181"
    appium_url: {appium_server.url}
    capabilities:
      platformName: Fake
      appium:automationName: Fake
      appium:app: {idle}
      appium:udid: cli-ok
  - id: cli-dead
    platform: android
    dialer: google
    carrier: T-Mobile
    msisdn: "+12025550182"
    appium_url: http://127.0.0.1:{free_port()}
"""
    )
    return tmp_path


def test_check_exits_1_while_an_enabled_handset_is_unhealthy(project: Path, ringcheck: Cli) -> None:
    result = ringcheck(project, "check", "--json", "--connect-timeout", "1")
    assert result.returncode == 1, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["cli-ok"]["healthy"] is True and rows["cli-ok"]["battery_pct"] == 90.0
    assert rows["cli-dead"]["reachable"] is False
    assert "not reachable" in rows["cli-dead"]["error"]

    assert ringcheck(project, "disable", "cli-dead").stdout.strip() == "cli-dead: disabled"
    table = ringcheck(project, "check", "--connect-timeout", "1")
    assert table.returncode == 0, table.stderr
    assert "cli-ok" in table.stdout and "not reachable" in table.stdout

    assert ringcheck(project, "enable", "cli-dead").returncode == 0
    assert ringcheck(project, "check", "cli-ok").returncode == 0


def test_unknown_handset_is_a_usage_error(project: Path, ringcheck: Cli) -> None:
    result = ringcheck(project, "disable", "cli-okk")
    assert result.returncode == 2
    assert "no handset `cli-okk`" in result.stderr and "cli-ok" in result.stderr


def test_release_and_show(project: Path, ringcheck: Cli) -> None:
    store = open_store(f"sqlite:///{project / '.ringcheck' / 'results.db'}",
                       artifacts_dir=project / ".ringcheck" / "artifacts")  # fmt: skip
    try:
        assert store.leases.acquire("cli-ok", "run-42", 600)
        run = store.start_run(Run(scenario="smoke", trigger="manual", started_at=datetime.now(UTC)))
        assert run.id is not None
        attempt = store.record_attempt(
            Attempt(run_id=run.id, number="+12025550101", carrier="T-Mobile", handset_id="cli-ok",
                    times=AttemptTimes(dialed_at=datetime.now(UTC)))
        )  # fmt: skip
        assert store.artifacts is not None
        shot = store.artifacts.write(attempt, ArtifactKind.SCREENSHOT, b"\x89PNG")
        store.record_attempt(dataclasses.replace(attempt, artifacts=Artifacts(screenshot=shot)))
    finally:
        store.close()

    shown = json.loads(ringcheck(project, "show", "cli-ok", "--json").stdout)
    assert shown["leased_by"] == "run-42"
    assert [a["number"] for a in shown["recent_attempts"]] == ["+12025550101"]
    assert shown["last_screenshot"] and Path(shown["last_screenshot"]).is_file()

    released = ringcheck(project, "release", "cli-ok")
    assert released.stdout.strip() == "cli-ok: released (was held by run-42)"
    assert ringcheck(project, "release", "cli-ok").stdout.strip() == "cli-ok: was not leased"
    assert "leased_by" in ringcheck(project, "show", "cli-ok").stdout


def test_check_is_the_recovery_check_of_quarantined(project: Path, ringcheck: Cli) -> None:
    store = open_store(f"sqlite:///{project / '.ringcheck' / 'results.db'}")
    try:
        for _ in range(3):
            store.handset_state.record_result("cli-ok", "handset cli-ok: session lost", 3)
        assert store.handset_state.quarantined("cli-ok")
    finally:
        store.close()
    assert json.loads(ringcheck(project, "show", "cli-ok", "--json").stdout)["quarantined"]
    rows = json.loads(ringcheck(project, "check", "cli-ok", "--json").stdout)
    assert rows[0]["healthy"] is True and rows[0]["quarantined"] is False
    assert not json.loads(ringcheck(project, "show", "cli-ok", "--json").stdout)["quarantined"]
