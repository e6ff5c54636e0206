"""A small virtual-farm project for the sim tests: four handsets on three simulated carriers,
a STIR/SHAKEN key pair the carriers trust, and SIPp as an independent UAC.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.peers import free_port_block, free_ports

SCENARIOS = Path(__file__).parent / "scenarios"
SIPP = shutil.which("sipp")
X5U = "https://certs.example.com/northwind.pem"
CALLER = "+12025550100"
DNO_CALLER = "+12025550199"
SILENT_CALLER = "+12025550177"
FLAGGED_CALLER = "+12025550142"

FARM_YAML = """\
carriers:
  - name: sim-tmobile
  - name: sim-att
  - name: sim-verizon
  - name: sim-uscellular
handsets:
  - {id: pixel, platform: android, dialer: google, carrier: sim-tmobile, msisdn: "+12025550181",
     appium_url: "http://127.0.0.1:1", capabilities: {"appium:udid": sim-pixel}}
  - {id: galaxy, platform: android, dialer: samsung, carrier: sim-att, msisdn: "+12025550182",
     appium_url: "http://127.0.0.1:1", capabilities: {"appium:udid": sim-galaxy}}
  - {id: iphone, platform: ios, dialer: ios, carrier: sim-verizon, msisdn: "+12025550185",
     appium_url: "http://127.0.0.1:1", capabilities: {"appium:udid": sim-iphone}}
  - {id: emulator, platform: android, dialer: aosp, carrier: sim-verizon, msisdn: "+12025550183",
     appium_url: "http://127.0.0.1:1", capabilities: {"appium:udid": sim-emulator}}
  - {id: moto, platform: android, dialer: aosp, carrier: sim-uscellular, msisdn: "+12025550187",
     appium_url: "http://127.0.0.1:1"}
"""

PROJECT_YAML = """\
timezone: UTC
farm: farm.yaml
sim:
  seed: 7
  trusted:
    - {file: keys/cert.pem, x5u: "@X5U@"}
  carriers:
    sim-tmobile:
      cnam: {"@CALLER@": "NORTHWIND BANK OF AMERICA"}
      analytics: {"@FLAGGED@": {class: scam, probability: 1.0}}
      dno: ["@DNO@"]
      dno_response: 603
      ring_delay_ms: {min: 0, max: 30}
      no_answer_s: 20
    sim-att:
      labels: {spam: Spam Risk}
      analytics: {"@FLAGGED@": {class: spam, probability: 1.0}}
      dno: ["@DNO@"]
      dno_response: 608
      badge: text
      ring_delay_ms: {min: 0, max: 30}
      no_answer_s: 1.5
    sim-verizon:
      ring_delay_ms: {min: 0, max: 30}
      no_answer_s: 12
    sim-uscellular:
      ring_delay_ms: {min: 0, max: 30}
      no_answer_s: 1
      on_no_answer: voicemail
      silent_drop: ["@SILENT@"]
  handsets:
    emulator: {theme: light}
"""
for _token, _value in (("@X5U@", X5U), ("@CALLER@", CALLER), ("@FLAGGED@", FLAGGED_CALLER),
                       ("@DNO@", DNO_CALLER), ("@SILENT@", SILENT_CALLER)):
    PROJECT_YAML = PROJECT_YAML.replace(_token, _value)


def write_project(folder: Path) -> ec.EllipticCurvePrivateKey:
    """The project files plus a P-256 key and its self-signed certificate; returns the key."""
    (folder / "keys").mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SHAKEN Northwind")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (folder / "keys" / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "farm.yaml").write_text(FARM_YAML)
    (folder / "ringcheck.yaml").write_text(PROJECT_YAML)
    return key


@dataclass
class SippResult:
    returncode: int
    messages: list[str]
    log: str

    def responses(self) -> list[str]:
        return [m.splitlines()[0] for m in self.messages if m.startswith("SIP/2.0")]

    def final(self) -> str:
        finals = [r for r in self.responses() if not re.match(r"SIP/2.0 1\d\d", r)]
        return finals[-1] if finals else ""

    def header(self, status: str, name: str) -> str | None:
        for message in self.messages:
            if message.startswith(status):
                for line in message.splitlines():
                    key, _, value = line.partition(":")
                    if key.strip().lower() == name.lower():
                        return value.strip()
        return None


def run_sipp(scenario: str, port: int, callee: str, folder: Path, *, caller: str = CALLER,
             identity: str | None = None, transport: str = "u1", timeout_s: float = 20.0,
             callees: list[str] | None = None) -> SippResult:
    """Calls from SIPp's UAC to a carrier port (one, or one per `callees` all at once)."""
    assert SIPP is not None
    tag = callee if callees is None else f"{len(callees)}calls"
    messages = folder / f"sipp-{scenario}-{tag}.msg"
    log = folder / f"sipp-{scenario}-{tag}.log"
    header = f"Identity: {identity}" if identity else "X-Unsigned: 1"
    script = SCENARIOS / scenario
    count = ["-m", "1", "-l", "1"]
    if callees is not None:  # the called number from a CSV, every call up at once
        script = folder / f"csv-{scenario}"
        script.write_text((SCENARIOS / scenario).read_text().replace("[service]", "[field0]"))
        csv = folder / f"callees-{scenario}.csv"
        csv.write_text("SEQUENTIAL\n" + "".join(f"{c};\n" for c in callees))
        count = ["-inf", str(csv), "-m", str(len(callees)), "-l", str(len(callees)), "-r", "100"]
    local, control = free_ports(2)
    command = [
        SIPP, f"127.0.0.1:{port}", "-sf", str(script), "-s", callee,
        "-key", "caller", caller, "-key", "identity", header, *count,
        "-i", "127.0.0.1", "-p", str(local), "-cp", str(control), "-mp",
        str(free_port_block()), "-t", transport,
        "-timeout", f"{int(timeout_s)}s", "-timeout_error", "-trace_msg", "-message_file",
        str(messages), "-nostdin",
    ]
    with log.open("wb") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT,
                              timeout=timeout_s + 15, check=False)
    text = messages.read_text(errors="replace") if messages.exists() else ""
    received = []
    for block in re.split(r"^-{10,}.*$", text, flags=re.MULTILINE):
        head, _, rest = block.strip("\n").partition("\n")
        if "message received" in head:
            received.append(rest.strip("\n"))
    return SippResult(done.returncode, received, log.read_text(errors="replace")[-3000:])
