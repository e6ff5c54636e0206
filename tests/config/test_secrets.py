"""Secrets come from the environment and never appear in output or error text."""

from __future__ import annotations

from pathlib import Path

import pytest

from robot.config import load_project, secret_from_env
from robot.errors import ConfigError

from .conftest import Cli
from .files import edit

SECRET = "s3cr3t-value"


def test_password_never_printed(cli: Cli, project: Path) -> None:
    env = {"RINGCHECK_SIP_PASSWORD": SECRET, "RINGCHECK_SLACK_WEBHOOK": "https://hooks/" + SECRET}
    runs = [
        cli("config", "check", "--json", env=env),
        cli("-v", "config", "check", env=env),
        cli("-v", "config", "check", "--json", env=env),
        cli("numbers", "list", "--json", env=env),
        cli("devices", "list", "--json", env=env),
    ]
    for result in runs:
        assert result.code == 0, result.stderr
        assert SECRET not in result.stdout and SECRET not in result.stderr
    assert '"password_set": true' in runs[0].stdout
    assert '"url_set": true' in runs[0].stdout


def test_secret_in_file_is_not_echoed_even_with_details(cli: Cli, project: Path) -> None:
    edit(
        project / "ringcheck.yaml",
        "    auth_user: northwind",
        f"    auth_user: northwind\n    token: {SECRET}",
    )
    result = cli("-v", "config", "check")
    assert result.code == 2
    assert "secret written into file" in result.stderr
    assert SECRET not in result.stderr and SECRET not in result.stdout


def test_pasted_password_in_password_env_is_not_echoed(cli: Cli, project: Path) -> None:
    edit(
        project / "ringcheck.yaml",
        "password_env: RINGCHECK_SIP_PASSWORD",
        f"password_env: {SECRET}",
    )
    result = cli("-v", "config", "check")
    assert result.code == 2
    assert (
        "trunks[0].password_env" in result.stderr
        and "NAME of an environment variable" in result.stderr
    )
    assert SECRET not in result.stderr


def test_store_url_keeps_reference_until_use(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(
        project / "ringcheck.yaml",
        "store: sqlite:///.ringcheck/results.db",
        'store: "postgresql+psycopg://rc:${RC_DB_PW}@db.internal/rc"',
    )
    loaded = load_project(project)
    assert loaded.store_url == "postgresql+psycopg://rc:${RC_DB_PW}@db.internal/rc"
    with pytest.raises(ConfigError) as missing:
        loaded.store_url_expanded()
    assert "RC_DB_PW is not set" in str(missing.value)
    monkeypatch.setenv("RC_DB_PW", "p@ss/word")
    assert loaded.store_url_expanded() == "postgresql+psycopg://rc:p%40ss%2Fword@db.internal/rc"


def test_secret_from_env_names_the_variable_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RC_TEST_SECRET", raising=False)
    with pytest.raises(ConfigError) as caught:
        secret_from_env("RC_TEST_SECRET", "password of trunk sim")
    assert "RC_TEST_SECRET" in str(caught.value) and "trunk sim" in str(caught.value)
    monkeypatch.setenv("RC_TEST_SECRET", SECRET)
    assert secret_from_env("RC_TEST_SECRET", "x") == SECRET


def test_trunk_password_comes_from_environment(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RINGCHECK_SIP_PASSWORD", SECRET)
    loaded = load_project(project)
    assert loaded.trunk_password(loaded.trunk("sim")) == SECRET
    assert SECRET not in repr(loaded)
