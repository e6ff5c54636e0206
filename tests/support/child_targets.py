"""Targets for `robot.child_process` tests: a module that imports nothing of pytest's, so a
child running one shows what the child itself imported."""

from __future__ import annotations

import os
import sys

from robot.child_entry import Channel


def report_modules(conn: Channel) -> None:
    conn.send(sorted(sys.modules))


def report_files(conn: Channel) -> None:
    conn.send({name: getattr(module, "__file__", None) for name, module in sys.modules.items()})


def exit_with(conn: Channel, code: int) -> None:
    conn.send("bye")
    os._exit(code)


def echo(conn: Channel) -> None:
    """Sends back every message until it gets None."""
    while (message := conn.recv()) is not None:
        conn.send(message)


def report_parent(conn: Channel) -> None:
    conn.send((os.getpid(), os.getppid(), sorted(sys.modules)))
    conn.recv()  # stays until told


def preload_json() -> None:
    """A fork server's preload: a module the children then have without importing it."""
    import json  # noqa: F401
