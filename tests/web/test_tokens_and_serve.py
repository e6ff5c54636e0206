"""`ringcheck tokens` and `ringcheck serve --web` as people type them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.peers import wait_until
from tests.web.conftest import EXAMPLES

pytestmark = pytest.mark.slow


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", "--project", str(root), *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES, root)
    return root


def test_tokens_create_list_revoke(project: Path) -> None:
    made = _cli(project, "tokens", "create", "ci-nightly", "--role", "operator")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert made.stdout == token + "\n"  # the token alone: TOKEN=$(ringcheck tokens create …)
    assert "not shown again" in made.stderr or "only its hash" in made.stderr
    listed = json.loads(_cli(project, "tokens", "list", "--json").stdout)
    assert [(t["name"], t["role"]) for t in listed] == [("ci-nightly", "operator")]
    assert token not in json.dumps(listed)
    assert token[:9] == listed[0]["prefix"]
    twice = _cli(project, "tokens", "create", "ci-nightly")
    assert twice.returncode == 2 and "exists already" in twice.stderr
    wrong = _cli(project, "tokens", "create", "x", "--role", "root")
    assert wrong.returncode == 2 and "viewer, operator, admin" in wrong.stderr
    revoked = _cli(project, "tokens", "revoke", "ci-nightly")
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    assert json.loads(_cli(project, "tokens", "list", "--json").stdout) == []
    assert json.loads(_cli(project, "tokens", "list", "--all", "--json").stdout)[0]["revoked_at"]
    store = project / ".ringcheck" / "results.db"
    assert token.encode() not in store.read_bytes()


def test_serve_with_the_console_and_the_scheduler(project: Path) -> None:
    token = _cli(project, "tokens", "create", "vera").stdout.strip()
    ready = project / "serve.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    command = [
        sys.executable, "-m", "robot.cli", "--project", str(project), "serve",
        "--web", "127.0.0.1:0", "--health-port", "0", "--ready-file", str(ready),
    ]  # fmt: skip
    serve = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until(lambda: ready.exists() or serve.poll() is not None, 60, "serve to start")
        assert serve.poll() is None
        info = json.loads(ready.read_text())
        web = info["web_url"]
        assert web.startswith("http://127.0.0.1:")
        assert httpx.get(f"{web}/healthz").json()["status"] == "ok"
        assert httpx.get(f"{web}/api/now").status_code == 401
        me = httpx.get(f"{web}/api/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert me == {"name": "vera", "role": "viewer", "via": "bearer",
                      "may": {"read": True, "operate": False, "admin": False}}  # fmt: skip
        wait_until(lambda: httpx.get(info["health_url"]).json()["leader"], 30, "a leader")
    finally:
        serve.send_signal(signal.SIGTERM)
        _, err = serve.communicate(timeout=60)
    assert serve.returncode == 0, err
    assert "console and API on http://127.0.0.1:" in err


def test_serve_refuses_a_bad_address(project: Path) -> None:
    bad = _cli(project, "serve", "--web", "localhost:http", "--health-port", "0")
    assert bad.returncode == 2 and "HOST:PORT" in bad.stderr
    half = _cli(project, "serve", "--web", "--web-cert", "c.pem")
    assert half.returncode == 2 and "--web-key" in half.stderr


def test_changes_from_the_shell_are_in_the_audit_log(project: Path) -> None:
    from robot.store import open_store
    from robot.store.audit import SqlAudit

    assert _cli(project, "tokens", "create", "alice", "--role", "admin").returncode == 0
    assert _cli(project, "devices", "disable", "pixel8-tmo").returncode == 0
    assert _cli(project, "tokens", "revoke", "alice").returncode == 0
    store = open_store(f"sqlite:///{project / '.ringcheck' / 'results.db'}")
    try:
        entries = SqlAudit(store.engine, store.clock).entries()
    finally:
        store.close()
    assert [(e.action, e.target, e.source) for e in entries] == [
        ("token.revoke", "token alice", "cli"),
        ("handset.disable", "handset pixel8-tmo", "cli"),
        ("token.create", "token alice", "cli"),
    ]
    assert all(e.actor.startswith("cli:") and e.role == "admin" for e in entries)


def test_web_alone_means_the_default_address() -> None:
    from robot.cli.app import fill_optional_values
    from robot.web.server import parse_address

    assert fill_optional_values(["serve", "--web"]) == ["serve", "--web", "127.0.0.1:8750"]
    assert fill_optional_values(["serve", "--web", "--web-only"]) == [
        "serve", "--web", "127.0.0.1:8750", "--web-only",
    ]  # fmt: skip
    assert fill_optional_values(["serve", "--web", ":9000"]) == ["serve", "--web", ":9000"]
    assert parse_address(":9000").url() == "http://127.0.0.1:9000"
    assert parse_address("0.0.0.0:8750").loopback is False
    assert parse_address("[::1]:8750").url() == "http://[::1]:8750"
    assert parse_address("8080").port == 8080
