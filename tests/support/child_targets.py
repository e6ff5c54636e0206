"""Targets for `robot.child_process` tests: a module that imports nothing of pytest's, so a
child running one shows what the child itself imported."""

from __future__ import annotations

import os
import sys
from multiprocessing.connection import Connection


def report_modules(conn: Connection) -> None:
    conn.send(sorted(sys.modules))


def exit_with(conn: Connection, code: int) -> None:
    conn.send("bye")
    os._exit(code)
