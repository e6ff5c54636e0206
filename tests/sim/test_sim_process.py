"""`ringcheck farm sim` as a user (and `ringcheck demo`) starts it: a separate process, the ready
file contract, `ringcheck dial` ringing a simulated handset, SIGTERM ends it with exit 0; and bad
sim config gets the same file:line errors as the main config."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from devices.sim.build import farm_from_project
from robot.errors import ConfigError
from tests.sim.support import CALLER, X5U, write_project
from tests.support.peers import free_port, wait_until

RINGCHECK = Path(sys.executable).parent / "ringcheck"


def _start(project: Path, ready: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_PROJECT")}
    with (project / "farm.out").open("wb") as out, (project / "farm.err").open("wb") as err:
        return subprocess.Popen(
            [str(RINGCHECK), "farm", "sim", "--project", str(project), "--ready-file",
             str(ready)], stdout=out, stderr=err, env=env,
        )


def _err(project: Path) -> str:
    return (project / "farm.err").read_text(errors="replace")[-3000:]


@pytest.mark.slow
def test_farm_process_ready_file_dial_and_sigterm(tmp_path: Path) -> None:
    write_project(tmp_path)
    ready_file = tmp_path / "run" / "ready.json"
    process = _start(tmp_path, ready_file)
    try:
        wait_until(lambda: ready_file.exists() or process.poll() is not None, 60,
                   "the farm's ready file")
        assert process.poll() is None, _err(tmp_path)
        ready = json.loads(ready_file.read_text())
        assert set(ready) == {"sip", "appium_url", "truth_url", "pid"}
        assert ready["pid"] == process.pid
        assert set(ready["sip"]) == {"sim-tmobile", "sim-att", "sim-verizon", "sim-uscellular"}
        assert httpx.get(ready["appium_url"] + "/status").json()["value"]["ready"] is True

        port = ready["sip"]["sim-tmobile"]
        dial = subprocess.run(
            [str(RINGCHECK), "dial", "--from", CALLER, "--to",
             f"sip:+12025550181@127.0.0.1:{port}", "--ring-for", "1", "--json"],
            capture_output=True, timeout=60, check=False, cwd=tmp_path,
        )
        assert dial.returncode == 0, dial.stderr.decode()[-2000:]
        outcome = json.loads(dial.stdout.decode().strip().splitlines()[-1])
        assert outcome["delivery"] == "ringing"
        calls = httpx.get(ready["truth_url"] + "/calls").json()
        call = next(c for c in calls if c["call_id"] == outcome["call_id"])
        assert call["handset"] == "pixel"
        assert "ringing" in [e["event"] for e in call["events"]]
        wait_until(lambda: httpx.get(ready["truth_url"] + "/live").json()["live"] == 0, 10,
                   "zero live calls")
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    assert code == 0, _err(tmp_path)
    assert not ready_file.exists()


@pytest.mark.parametrize("sim_yaml,line,words", [
    ("sim:\n  carriers:\n    sim-tmobile:\n      no_answer: 5\n", 4, "did you mean `no_answer_s`"),
    ("sim:\n  carriers:\n    sim-tmobil: {}\n", 3, "did you mean `sim-tmobile`"),
    ("sim:\n  carriers:\n    sim-att:\n      dno: ['555 0100']\n", 4, "not a valid E.164"),
    ("sim:\n  carriers:\n    sim-att:\n      dno_response: 604\n", 4, "is not one of"),
    ("sim:\n  handsets:\n    pixel: {theme: sepia}\n", 3, "is not one of dark, light"),
])
def test_bad_sim_config_names_file_line_and_fix(tmp_path: Path, sim_yaml: str, line: int,
                                                words: str) -> None:
    write_project(tmp_path)
    (tmp_path / "ringcheck.yaml").write_text("timezone: UTC\nfarm: farm.yaml\n" + sim_yaml)
    with pytest.raises(ConfigError) as caught:
        farm_from_project(tmp_path)
    assert caught.value.file is not None and caught.value.file.endswith("ringcheck.yaml")
    assert caught.value.line == line + 2
    assert words in str(caught.value)


def test_bad_sim_config_from_the_cli_is_one_line_and_exit_2(tmp_path: Path) -> None:
    write_project(tmp_path)
    (tmp_path / "ringcheck.yaml").write_text(
        "timezone: UTC\nfarm: farm.yaml\nsim:\n  seed: many\n")
    done = subprocess.run([str(RINGCHECK), "farm", "sim", "--project", str(tmp_path)],
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "ringcheck.yaml line 4" in err and "sim.seed" in err and "Traceback" not in err


def test_sim_section_in_its_own_file(tmp_path: Path) -> None:
    write_project(tmp_path)
    text = (tmp_path / "ringcheck.yaml").read_text()
    head, _, sim = text.partition("sim:\n")
    (tmp_path / "sim.yaml").write_text("\n".join(line[2:] for line in sim.splitlines()) + "\n")
    (tmp_path / "ringcheck.yaml").write_text(head + "sim:\n  file: sim.yaml\n")
    farm = farm_from_project(tmp_path)  # built, never started: nothing to stop
    assert farm.settings.carriers["sim-att"].dno_response == 608
    assert farm.settings.handsets["emulator"].theme == "light"


@pytest.mark.slow
def test_ringcheck_dial_signed_a_shows_the_badge_and_b_does_not(tmp_path: Path) -> None:
    key = write_project(tmp_path)
    (tmp_path / "keys" / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    port = free_port()
    project = (tmp_path / "ringcheck.yaml").read_text()
    trunk = (f"trunks:\n  - name: sim\n    host: 127.0.0.1\n    port: {port}\n"
             f"    transport: udp\n    signing:\n      key_file: keys/key.pem\n"
             f"      x5u: \"{X5U}\"\n      attestation: A\n")
    (tmp_path / "ringcheck.yaml").write_text(project.replace("farm: farm.yaml\n",
                                                             "farm: farm.yaml\n" + trunk))
    ready_file = tmp_path / "ready.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_PROJECT")}
    with (tmp_path / "farm.err").open("wb") as err:
        process = subprocess.Popen(
            [str(RINGCHECK), "farm", "sim", "--ready-file", str(ready_file), "--sip-port",
             str(port)], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=err, env=env)
    try:
        wait_until(lambda: ready_file.exists() or process.poll() is not None, 60, "ready file")
        ready = json.loads(ready_file.read_text())
        assert ready["sip"]["sim-tmobile"] == port, _err(tmp_path)
        shown = {}
        for attest in ("A", "B"):
            dial = subprocess.run(
                [str(RINGCHECK), "dial", "--from", CALLER, "--to", "+12025550181", "--trunk",
                 "sim", "--attest", attest, "--ring-for", "1", "--json"],
                capture_output=True, timeout=60, check=False, cwd=tmp_path, env=env)
            assert dial.returncode == 0, dial.stderr.decode()[-2000:]
            call_id = json.loads(dial.stdout.decode().strip().splitlines()[-1])["call_id"]
            call = httpx.get(f"{ready['truth_url']}/calls/{call_id}").json()
            assert call["verification"]["status"] == "valid", call
            shown[attest] = call["shown"]["verified"]
        assert shown == {"A": True, "B": False}
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, _err(tmp_path)
