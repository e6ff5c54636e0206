"""`ringcheck demo`: the whole robot on this machine, against the virtual farm.

It writes the example project into a folder (with a STIR/SHAKEN key and certificate of its own,
so signed calls earn the verified badge), starts the virtual farm as a separate process, runs a
scenario that shows every outcome (clean and verified, labelled, misnamed, blocked as
Do-Not-Originate, silently dropped), writes the weekly report, and stops the farm. Everything
lands in that folder, so `ringcheck results` and `ringcheck report` run there see it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from robot.child_process import robot_module_command
from robot.errors import RingcheckError, UsageError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MARKER = "# ringcheck demo project"
PROJECT_FILES = ("ringcheck.yaml", "numbers.csv", "numbers.yaml", "farm.yaml", "sim.yaml")
X5U = "https://certs.example.com/northwind/sp-cert.pem"
READY_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0

DEMO_SCENARIO = """\
# Every example number (Do-Not-Originate included) to every handset of the virtual farm,
# signed with attestation A: clean and verified, labelled, misnamed, blocked, dropped.
name: demo
description: Every example number to every simulated handset, signed with attestation A.
numbers:
  do_not_originate: include
call:
  signing: A
  capture_after_s: 0.5
  ring_timeout_s: 8
  frames: 1
expect:
  name: default
  no_label: true
"""

_SIGNING_COMMENTED = """\
    # signing:                           # STIR/SHAKEN: sign INVITEs with an Identity header
    #   key_file: keys/sp-key.pem
    #   key_password_env: RINGCHECK_SIGNING_KEY_PASSWORD
    #   x5u: https://certs.example.com/northwind/sp-cert.pem
    #   attestation: A
"""
_SIGNING_ON = f"""\
    signing:                             # STIR/SHAKEN: the demo's own key (keys/)
      key_file: keys/sp-key.pem
      x5u: {X5U}
      attestation: A
"""
_TRUSTED_OFF = "trusted: []\n"
_TRUSTED_ON = f'trusted:\n  - {{file: keys/sp-cert.pem, x5u: "{X5U}"}}\n'


class DemoError(RingcheckError):
    pass


@dataclass(frozen=True)
class DemoPaths:
    root: Path

    @property
    def ready_file(self) -> Path:
        return self.root / ".ringcheck" / "farm.json"

    @property
    def farm_log(self) -> Path:
        return self.root / ".ringcheck" / "farm.log"

    @property
    def report_dir(self) -> Path:
        return self.root / "report"


def write_project(root: Path) -> DemoPaths:
    """Write the demo project into `root`; refuse to overwrite a project that is not a demo."""
    root.mkdir(parents=True, exist_ok=True)
    existing = root / "ringcheck.yaml"
    if existing.exists() and MARKER not in existing.read_text(encoding="utf-8", errors="replace"):
        raise UsageError(
            f"{root} already holds a ringcheck project that is not a demo; "
            "pass --dir with an empty or new folder"
        )
    if not (EXAMPLES / "ringcheck.yaml").is_file():
        raise DemoError(f"the example project is missing from {EXAMPLES} (a broken install?)")
    for name in PROJECT_FILES:
        shutil.copyfile(EXAMPLES / name, root / name)
    _switch(root / "ringcheck.yaml", _SIGNING_COMMENTED, _SIGNING_ON, prefix=MARKER + "\n")
    _switch(root / "sim.yaml", _TRUSTED_OFF, _TRUSTED_ON)
    _write_keys(root / "keys")
    (root / "scenarios").mkdir(exist_ok=True)
    (root / "scenarios" / "demo.yaml").write_text(DEMO_SCENARIO, encoding="utf-8")
    return DemoPaths(root)


def _switch(path: Path, old: str, new: str, prefix: str = "") -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise DemoError(f"{path.name} of the example project changed; update robot/demo.py")
    path.write_text(prefix + text.replace(old, new, 1), encoding="utf-8")


def _write_keys(folder: Path) -> None:
    """An EC P-256 signing key and a self-signed certificate the simulated carriers trust."""
    folder.mkdir(exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ringcheck demo SHAKEN SP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_path = folder / "sp-key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    (folder / "sp-cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


class FarmProcess:
    """The virtual farm as a child process (`ringcheck farm sim`), always stopped on exit."""

    def __init__(self, paths: DemoPaths) -> None:
        self.paths = paths
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> FarmProcess:
        self.paths.ready_file.parent.mkdir(parents=True, exist_ok=True)
        self.paths.ready_file.unlink(missing_ok=True)
        command, env = robot_module_command(
            "robot.cli", "--project", str(self.paths.root),
            "farm", "sim", "--ready-file", str(self.paths.ready_file),
        )  # fmt: skip
        with self.paths.farm_log.open("wb") as log:
            self.proc = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True, env=env
            )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not self.paths.ready_file.exists():
            if self.proc.poll() is not None:
                raise DemoError(f"the virtual farm stopped at start: {self._log_tail()}")
            if time.monotonic() > deadline:
                raise DemoError(f"the virtual farm was not ready in {READY_TIMEOUT_S:.0f}s")
            time.sleep(0.1)
        return self

    def _log_tail(self) -> str:
        lines = self.paths.farm_log.read_text(encoding="utf-8", errors="replace").splitlines()
        return " | ".join(lines[-3:]) or "no output"

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def live_calls(truth_url: str) -> int | None:
    """How many calls the farm still has up (None when it cannot say)."""
    import httpx

    try:
        data = httpx.get(f"{truth_url}/live", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return None
    value = data.get("live") if isinstance(data, dict) else data
    return int(value) if isinstance(value, int) else None


def ready_json(paths: DemoPaths) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(paths.ready_file.read_text(encoding="utf-8"))
    return loaded
