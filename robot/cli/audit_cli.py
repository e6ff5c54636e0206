"""Changes made from a shell go to the console's audit log too, as `cli:user@host`."""

from __future__ import annotations

import getpass
import socket

from robot.domain.access import Action, Role
from robot.store.audit import SqlAudit
from robot.store.results import SqlResultStore


def cli_actor() -> str:
    """Who is acting from a shell: `cli:user@host`."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}@{socket.gethostname()}"


def record_cli(store: SqlResultStore, action: Action, target: str, **detail: object) -> None:
    """Whoever runs ringcheck on the project's store acts as an admin."""
    SqlAudit(store.engine, store.clock).record(
        cli_actor(),
        action.value,
        role=Role.ADMIN.value,
        target=target,
        detail=detail or None,
        source="cli",
    )
