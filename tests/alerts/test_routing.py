"""A scenario's `alerts:` decide who hears about it; the project's channels are the default.
Wired as `run`, `serve` and `demo` wire it (`robot.wiring.alert_pipeline`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from robot.config.project import load_project
from robot.errors import ConfigError
from robot.scenario.load import load_scenario
from robot.wiring import alert_pipeline, open_project_store
from tests.alerts.factory import attempt, reading
from tests.alerts.receiver import receiving

PROJECT = """\
timezone: America/New_York
store: sqlite:///.ringcheck/results.db
public_url: https://ringcheck.example.com
alerts:
  confirm: 3
  webhooks:
    - {kind: json, name: ops, url_env: RC_TEST_OPS_URL}
    - {kind: json, name: payments, url_env: RC_TEST_PAYMENTS_URL, default: false}
"""


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    (tmp_path / "ringcheck.yaml").write_text(PROJECT)
    (tmp_path / "scenarios").mkdir()
    return tmp_path


def _scenario(project_dir: Path, name: str, alerts: str = "") -> Path:
    path = project_dir / "scenarios" / f"{name}.yaml"
    path.write_text(f"name: {name}\n{alerts}")
    return path


def test_a_scenarios_own_channel_receives_only_its_alerts(project_dir, monkeypatch) -> None:
    payments_file = _scenario(project_dir, "payments", "alerts:\n  channels: [payments]\n")
    team_file = _scenario(
        project_dir,
        "card-team",
        "alerts:\n  webhooks:\n    - {kind: json, name: cards, url_env: RC_TEST_CARDS_URL}\n",
    )
    nightly_file = _scenario(project_dir, "nightly")
    project = load_project(project_dir)
    with receiving() as ops, receiving() as payments, receiving() as cards:
        monkeypatch.setenv("RC_TEST_OPS_URL", ops.url)
        monkeypatch.setenv("RC_TEST_PAYMENTS_URL", payments.url)
        monkeypatch.setenv("RC_TEST_CARDS_URL", cards.url)
        store = open_project_store(project)
        try:
            for path in (payments_file, team_file, nightly_file):
                scenario = load_scenario(path, project)
                pipeline = alert_pipeline(project, scenario, store)
                pipeline(attempt(reading("Scam Likely")))
                pipeline.close(10.0)
        finally:
            store.close()
    assert [b["scenario"] for b in payments.bodies] == ["payments"]
    assert [b["scenario"] for b in cards.bodies] == ["card-team"]
    assert [b["scenario"] for b in ops.bodies] == ["nightly"]
    assert ops.bodies[0]["evidence"]["url"].startswith("https://ringcheck.example.com/attempts/")


def test_confirm_and_mute_come_from_the_scenario_then_the_project(project_dir) -> None:
    project = load_project(project_dir)
    assert project.alert_confirm == 3
    assert project.public_url == "https://ringcheck.example.com"
    quiet = load_scenario(
        _scenario(project_dir, "quiet", "alerts:\n  confirm: 1\n  mute: [no_label, verified]\n"),
        project,
    )
    assert quiet.alerts.confirm == 1 and quiet.alerts.mute == ("no_label", "verified")
    silent = load_scenario(_scenario(project_dir, "silent", "alerts:\n  mute: true\n"), project)
    assert silent.alerts.muted("delivered")
    plain = load_scenario(_scenario(project_dir, "plain"), project)
    assert plain.alerts.confirm is None and not plain.alerts.mute


@pytest.mark.parametrize(
    ("alerts", "line", "words"),
    [
        ("alerts:\n  channels: [paymnets]\n", 3, ["alerts.channels[0]", "`payments`"]),
        ("alerts:\n  mute: [no_lable]\n", 3, ["alerts.mute[0]", "`no_label`"]),
        ("alerts:\n  confirm: 0\n", 3, ["alerts.confirm"]),
        (
            "alerts:\n  webhooks:\n    - {kind: slack, url_env: https://hooks.slack.com/T/B/x}\n",
            4,
            ["url_env", "NAME of an environment variable"],
        ),
        ("alerts:\n  chanels: [ops]\n", 3, ["unknown key `chanels`", "`channels`"]),
    ],
)
def test_bad_alerts_in_a_scenario_are_named_with_file_line_and_fix(
    project_dir, alerts, line, words
) -> None:
    path = _scenario(project_dir, "bad", alerts)
    with pytest.raises(ConfigError) as caught:
        load_scenario(path, load_project(project_dir))
    message = str(caught.value)
    assert f"bad.yaml line {line}" in message, message
    for word in words:
        assert word in message, message
    assert "hooks.slack.com" not in message


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        ("public_url: ftp://x\n", ["public_url", "http(s) URL"]),
        (
            "alerts:\n  webhooks:\n    - {kind: json, name: a, url_env: A}\n"
            "    - {kind: slack, name: a, url_env: B}\n",
            ["alerts.webhooks[1].name", "called `a`"],
        ),
    ],
)
def test_bad_alert_settings_in_the_project_are_named(tmp_path, edit, words) -> None:
    (tmp_path / "ringcheck.yaml").write_text("timezone: UTC\n" + edit)
    with pytest.raises(ConfigError) as caught:
        load_project(tmp_path)
    for word in words:
        assert word in str(caught.value), str(caught.value)
