"""The console as `serve` and `demo --serve` run it: built, listening, and torn down in order
(no new requests first, then the console's runs stop and their calls end)."""

from __future__ import annotations

import contextlib
import getpass
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from robot.config.project import Project
from robot.domain.access import Action, Role
from robot.store.results import SqlResultStore
from robot.web.app import create_app
from robot.web.console import Console, ProjectSource
from robot.web.server import Address, WebServer


@dataclass
class ServedConsole:
    console: Console
    server: WebServer

    @property
    def url(self) -> str:
        return self.server.url

    def sign_in_link(self, name: str, role: Role = Role.ADMIN) -> str:
        """A one-time sign-in link (its token opens one browser session, then expires)."""
        actor = _shell_actor()
        token, secret = self.console.tokens.create(name, role, created_by=actor, once=True)
        self.console.audit.record(
            actor,
            Action.TOKEN_CREATE.value,
            role=Role.ADMIN.value,
            target=f"token {token.name}",
            detail={"role": role.value, "once": True},
            source="cli",
        )
        return f"{self.url}/signin?once={quote(secret)}"


def _shell_actor() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}@{socket.gethostname()}"


def demo_token_name(now: datetime | None = None) -> str:
    return f"demo-{(now or datetime.now(UTC)):%Y%m%d-%H%M%S}"


@contextlib.contextmanager
def served_console(
    project: Project,
    store: SqlResultStore,
    address: Address,
    *,
    farm_file: Path | None = None,
    certfile: Path | None = None,
    keyfile: Path | None = None,
    secure_cookies: bool = False,
) -> Iterator[ServedConsole]:
    console = Console(ProjectSource(project.project_dir, project), store, farm_file=farm_file)
    app = create_app(console, secure_cookies=secure_cookies)
    server = WebServer(app, address, certfile=certfile, keyfile=keyfile).start()
    try:
        yield ServedConsole(console, server)
    finally:
        server.stop()
        console.close()
