"""Which process writes a run, and whether that process is still alive.

A run records its owner as `host:pid:start`, where `start` is the process start time in clock
ticks since boot (Linux `/proc/<pid>/stat`), so a recycled pid is not taken for the original
writer. A later start of ringcheck marks the attempts of dead owners `interrupted`; runs owned by
live processes, or by other hosts (whose processes cannot be seen from here), are left alone.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _start_ticks(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def this_process() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '-'}"


def is_alive_here(owner: str | None) -> bool | None:
    """True/False for an owner on this host; None when it belongs to another host or is unknown."""
    if not owner:
        return None
    host, sep, rest = owner.partition(":")
    pid_text, _, start = rest.partition(":")
    if not sep or host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if start and start != "-":
        return _start_ticks(pid) == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
