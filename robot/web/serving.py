"""The console as `serve` and `demo --serve` run it: built, listening, and torn down in order
(no new requests first, then the console's runs stop and their calls end)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from robot.cli.audit_cli import cli_actor, record_cli
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
        store = self.console.store
        token, secret = self.console.tokens.create(name, role, created_by=cli_actor(), once=True)
        record_cli(store, Action.TOKEN_CREATE, f"token {token.name}", role=role.value, once=True)
        return f"{self.url}/signin?once={quote(secret)}"


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
