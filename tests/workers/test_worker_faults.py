"""A worker that loses its database stops taking jobs, exits 1 and says why; a worker for a
site the farm file does not have, or on a SQLite store, is a one-line usage error."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.support.peers import wait_until
from tests.support.tcp_proxy import TcpProxy
from tests.workers.sites import cli_env, ringcheck, write_project

pytestmark = pytest.mark.postgres


def _workers_running(pg_url: str, folder: Path) -> bool:
    listed = subprocess.run(
        ringcheck(folder, "workers", "list", "--json"),
        env=cli_env(pg_url), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return '"state": "running"' in listed.stdout


def test_a_worker_that_loses_the_database_stops_and_says_why(pg_url: str, tmp_path: Path) -> None:
    folder = write_project(tmp_path / "east", per_site=1)
    url = make_url(pg_url)
    with TcpProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy:
        through_proxy = url.set(host="127.0.0.1", port=proxy.port)
        worker = subprocess.Popen(
            ringcheck(folder, "worker", "--site", "east", "--heartbeat", "0.5"),
            env=cli_env(through_proxy.render_as_string(hide_password=False)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_until(lambda: _workers_running(pg_url, folder), 120, "the worker to register")
            cut_at = time.monotonic()
            proxy.cut()
            _, err = worker.communicate(timeout=120)
            stopped_after = time.monotonic() - cut_at
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
    assert worker.returncode == 1, err
    last = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(last) == 1, err
    assert "stopped" in last[0] and "lost the database" in last[0], last[0]
    assert "ringcheck:ringcheck@" not in err  # the password never reaches the terminal
    assert stopped_after < 60


def test_workers_need_a_known_site_and_the_postgresql_store(tmp_path: Path) -> None:
    folder = write_project(tmp_path / "east", per_site=1)
    env = {k: v for k, v in cli_env("").items() if k != "RINGCHECK_STORE_URL"}
    unknown = subprocess.run(
        ringcheck(folder, "worker", "--site", "eats"), env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert unknown.returncode == 2
    assert "no site `eats`" in unknown.stderr and "`east`" in unknown.stderr
    sqlite = subprocess.run(
        ringcheck(folder, "worker", "--site", "east"), env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert sqlite.returncode == 2
    assert "PostgreSQL" in sqlite.stderr
