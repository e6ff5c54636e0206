"""SIPp as an independent SIP peer for the dialer's contract tests: on 127.0.0.1, or on
another address of this machine when a test asks (`host`)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.support.peers import free_port_block, free_ports, need, wait_until

SCENARIOS = Path(__file__).parent / "scenarios"
SIPP = shutil.which("sipp")


def _udp_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _tcp_listening(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


@dataclass
class SippUas:
    """A running SIPp UAS: `uri(user)` to call it, `finish()` for its exit code."""

    process: subprocess.Popen[bytes]
    port: int
    transport: str
    message_file: Path
    log_file: Path
    host: str = "127.0.0.1"

    def uri(self, user: str = "+15550199") -> str:
        return f"sip:{user}@{self.host}:{self.port};transport={self.transport}"

    def finish(self, timeout_s: float = 60.0) -> int:
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"SIPp did not finish; its log:\n{self.log()}") from None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    def log(self) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return text[-4000:]

    def received(self) -> list[str]:
        """Every SIP message SIPp received, as text."""
        return [text for _, text in self.received_timed()]

    def received_timed(self) -> list[tuple[datetime, str]]:
        """Every SIP message SIPp received with SIPp's timestamp (microseconds)."""
        return [(when, text) for when, sent, text in self.messages_timed() if not sent]

    def messages_timed(self) -> list[tuple[datetime, bool, str]]:
        """Every SIP message SIPp received or sent (True), with SIPp's timestamp."""
        if not self.message_file.exists():
            return []
        text = self.message_file.read_text(errors="replace")
        parts = re.split(r"^-{10,} (\S+ \S+)$", text, flags=re.MULTILINE)
        out = []
        for stamp, block in zip(parts[1::2], parts[2::2], strict=False):
            head, _, rest = block.strip("\n").partition("\n")
            if "message received" in head or "message sent" in head:
                when = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f")
                out.append((when, "message sent" in head, rest.strip("\n")))
        return out

    def received_header(self, method: str, name: str) -> list[str]:
        values = []
        for message in self.received():
            if not message.lstrip().startswith(method + " "):
                continue
            for line in message.splitlines():
                key, _, value = line.partition(":")
                if key.strip().lower() == name.lower():
                    values.append(value.strip())
        return values


def start_uas(scenario: str, tmp_path: Path, *, calls: int = 1, tcp: bool = False,
              timeout_s: int = 90, host: str = "127.0.0.1") -> SippUas:
    """Start SIPp with `scenarios/<scenario>` on free ports; skipped/failed if SIPp is absent."""
    need("sipp", SIPP is not None, "install the Debian package sip-tester")
    assert SIPP is not None
    port, control = free_ports(2)
    media = free_port_block()
    name = scenario.removesuffix(".xml")
    message_file = tmp_path / f"sipp-{name}-{port}.msg"
    log_file = tmp_path / f"sipp-{name}-{port}.log"
    command = [
        SIPP, "-sf", str(SCENARIOS / scenario), "-i", host, "-p", str(port),
        "-cp", str(control), "-mp", str(media), "-m", str(calls), "-t", "t1" if tcp else "u1",
        "-max_socket", "100", "-nostdin", "-timeout", f"{timeout_s}s", "-timeout_error",
        "-trace_msg", "-message_file", str(message_file),
        "-trace_err", "-error_file", str(tmp_path / f"sipp-{name}-{port}.err"),
    ]
    with log_file.open("wb") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   cwd=tmp_path)
    uas = SippUas(process, port, "tcp" if tcp else "udp", message_file, log_file, host)
    ready = _tcp_listening if tcp else _udp_in_use

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"SIPp exited at start ({process.returncode}):\n{uas.log()}")
        return ready(host, port)

    wait_until(up, 30, f"SIPp listening on {port}")
    return uas
