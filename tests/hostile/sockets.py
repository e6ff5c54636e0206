"""The sockets a set of processes holds, read from /proc (Linux): which local address each
is bound to, so a test can say nothing listens on every interface."""

from __future__ import annotations

import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

_TABLES = {"tcp": socket.AF_INET, "udp": socket.AF_INET, "tcp6": socket.AF_INET6,
           "udp6": socket.AF_INET6}  # fmt: skip
_TCP_LISTEN = "0A"


@dataclass(frozen=True)
class BoundSocket:
    pid: int
    proto: str
    address: str
    port: int
    listening: bool  # a TCP socket in LISTEN, or any bound UDP socket

    @property
    def wildcard(self) -> bool:
        return self.address in ("0.0.0.0", "::")


def process_tree(root: int) -> list[int]:
    """`root` and every process below it (a run's SIP workers are its children)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def bound_sockets(pids: list[int]) -> list[BoundSocket]:
    """Every inet socket of `pids` with a local port (bound or listening)."""
    inodes: dict[str, int] = {}
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        try:
            names = os.listdir(fd_dir)
        except OSError:
            continue
        for name in names:
            try:
                target = os.readlink(fd_dir / name)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes[target[8:-1]] = pid
    found = []
    for proto, family in _TABLES.items():
        try:
            lines = Path(f"/proc/net/{proto}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, state, inode = parts[1], parts[3], parts[9]
            if inode not in inodes:
                continue
            address_hex, port_hex = local.split(":")
            port = int(port_hex, 16)
            if port == 0:
                continue
            raw = bytes.fromhex(address_hex)
            if family == socket.AF_INET:
                address = socket.inet_ntop(family, struct.pack("<I", int(address_hex, 16)))
            else:
                words = struct.unpack("<4I", raw)
                address = socket.inet_ntop(family, struct.pack(">4I", *words))
            listening = proto.startswith("udp") or state == _TCP_LISTEN
            found.append(BoundSocket(inodes[inode], proto, address, port, listening))
    return found
