"""Web console fixtures, over real HTTP on 127.0.0.1.

- `console_server`: the console of a copy of the example project, served in this process by
  uvicorn on a free port (no farm: for auth, roles, CSRF, errors and the OpenAPI document).
- `farm_console`: the user's path — the virtual farm as its own process, tokens made with
  `ringcheck tokens create`, and `ringcheck serve --web 127.0.0.1:0 --web-only --farm …` as a
  subprocess; the farm's carriers show hostile caller names and labels.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from robot.config.project import load_project
from robot.demo import FarmProcess, write_project
from robot.domain.access import Role
from robot.web.server import parse_address
from robot.web.serving import ServedConsole, served_console
from robot.wiring import FarmEndpoints, open_project_store
from tests.support.peers import wait_until

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOSTILE_NUMBER = "+12025550101"
HOSTILE_CNAM = "<img src=x>BANK"  # 15 characters: CNAM's limit, so the farm shows it whole
HOSTILE_LABEL = "<script>alert(1)</script>"


@dataclass
class Tokens:
    viewer: str
    operator: str
    admin: str

    def of(self, role: Role) -> str:
        return {Role.VIEWER: self.viewer, Role.OPERATOR: self.operator, Role.ADMIN: self.admin}[
            role
        ]


@dataclass
class ConsoleServer:
    url: str
    tokens: Tokens
    served: ServedConsole | None = None
    root: Path = field(default_factory=Path)

    def client(self, role: Role | None = None, **kwargs: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens.of(role)}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    root = tmp_path_factory.mktemp("console") / "project"
    shutil.copytree(EXAMPLES, root)
    project = load_project(root)
    store = open_project_store(project)
    try:
        with served_console(project, store, parse_address("127.0.0.1:0")) as served:
            tokens = Tokens(
                *(
                    served.console.tokens.create(role.value, role, created_by="test")[1]
                    for role in (Role.VIEWER, Role.OPERATOR, Role.ADMIN)
                )
            )
            yield ConsoleServer(served.url, tokens, served, root)
    finally:
        store.close()


def _ringcheck(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", "--project", str(root), *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def make_token(root: Path, name: str, role: Role) -> str:
    """`ringcheck tokens create`: the token alone on stdout."""
    done = _ringcheck(root, "tokens", "create", name, "--role", role.value)
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert re.fullmatch(r"rc_[A-Za-z0-9_-]{40,}", token), done.stdout
    return token


def hostile_farm(root: Path) -> None:
    """The farm's T-Mobile shows a caller name and a label that are HTML."""
    sim = root / "sim.yaml"
    text = sim.read_text(encoding="utf-8")
    text = text.replace(
        f'"{HOSTILE_NUMBER}": NORTHWIND BANK', f'"{HOSTILE_NUMBER}": "{HOSTILE_CNAM}"'
    )
    text = text.replace(
        '      "+12025550102": {class: scam, probability: 0.7}',
        f'      "{HOSTILE_NUMBER}": {{label: "{HOSTILE_LABEL}", probability: 1.0}}\n'
        '      "+12025550102": {class: scam, probability: 0.7}',
        1,
    )
    assert HOSTILE_CNAM in text and HOSTILE_LABEL in text
    sim.write_text(text, encoding="utf-8")


@dataclass
class FarmConsole(ConsoleServer):
    farm: FarmEndpoints | None = None

    def live_calls(self) -> int:
        assert self.farm is not None
        return int(httpx.get(f"{self.farm.truth_url}/live", timeout=10).json()["live"])


@pytest.fixture(scope="session")
def farm_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FarmConsole]:
    root = tmp_path_factory.mktemp("farm-console") / "project"
    paths = write_project(root)
    hostile_farm(root)
    tokens = Tokens(
        make_token(root, "vera", Role.VIEWER),
        make_token(root, "otto", Role.OPERATOR),
        make_token(root, "ada", Role.ADMIN),
    )
    ready = root / ".ringcheck" / "serve.json"
    log = (root / ".ringcheck" / "serve.log").open("wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    with FarmProcess(paths):
        command = [
            sys.executable, "-m", "robot.cli", "--project", str(root), "serve",
            "--web", "127.0.0.1:0", "--web-only", "--health-port", "0",
            "--farm", str(paths.ready_file), "--ready-file", str(ready),
        ]  # fmt: skip
        serve = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: ready.exists() or serve.poll() is not None, 60, "serve to start")
            assert serve.poll() is None, (root / ".ringcheck" / "serve.log").read_text()
            url = json.loads(ready.read_text())["web_url"]
            yield FarmConsole(url, tokens, None, root, FarmEndpoints.read(paths.ready_file))
        finally:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(60)
            finally:
                if serve.poll() is None:
                    serve.kill()
                log.close()
