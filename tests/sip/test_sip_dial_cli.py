"""`ringcheck dial` as a user types it, against SIPp on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from robot.errors import DialError
from robot.sip.route import local_address_for
from tests.hostile.sockets import BoundSocket, bound_sockets, process_tree
from tests.sip.sipp_peer import SippUas
from tests.support.peers import need

pytestmark = pytest.mark.sipp
Sipp = Callable[..., SippUas]
RINGCHECK = [sys.executable, "-c", "from robot.cli.app import main; main()"]
ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("RINGCHECK_PROJECT", None)
    return subprocess.run([*RINGCHECK, "dial", *args], cwd=cwd, env=full_env, text=True,
                          capture_output=True, timeout=120)


def test_json_ring_then_cancel(sipp: Sipp, project_tmp: Path) -> None:
    uas = sipp("ring_cancel.xml")
    result = _run(["--from", "+15550100", "--to", uas.uri(), "--ring-for", "1", "--json"],
                  project_tmp)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert [e["code"] for e in data["events"]] == [100, 180, 487]
    assert data["final_code"] == 487 and data["delivery"] == "ringing"
    assert data["cancelled_by_us"] is True and data["reason"] is None and data["jcard"] is None
    assert set(data) >= {"call_id", "from", "to", "events", "final_code", "final_phrase",
                         "reason", "call_info", "jcard", "delivery", "cancelled_by_us",
                         "duration_ms"}
    assert uas.finish() == 0, uas.log()


def test_block_is_an_answer_not_a_failure(sipp: Sipp, project_tmp: Path) -> None:
    uas = sipp("final_603plus.xml")
    result = _run(["--from", "+15550100", "--to", uas.uri(), "--json"], project_tmp)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["delivery"] == "blocked"
    assert data["reason"] == {"protocol": "SIP", "cause": 603, "text": "Network Blocked",
                              "location": "TN"}
    assert uas.finish() == 0, uas.log()


def test_human_output_and_trace_file(sipp: Sipp, project_tmp: Path) -> None:
    uas = sipp("final_608.xml")
    trace = project_tmp / "call.sip"
    result = _run(["--from", "+15550100", "--to", uas.uri(), "--trace", str(trace)],
                  project_tmp)
    assert result.returncode == 0, result.stderr
    assert "608 Rejected" in result.stdout and "-> blocked" in result.stdout
    assert "redress: Acme Carrier Redress" in result.stdout
    assert "SIP/2.0 608 Rejected" in trace.read_text()
    uas.finish()


def test_no_answer_exits_non_zero_with_one_json_line(sipp: Sipp, project_tmp: Path) -> None:
    uas = sipp("no_response.xml")
    result = _run(["--from", "+15550100", "--to", uas.uri(), "--ring-for", "1", "--json"],
                  project_tmp)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["final_code"] is None and data["delivery"] == "trunk_error"
    assert "no response" in result.stderr
    uas.finish()


def test_trunk_from_project(sipp: Sipp, project_tmp: Path) -> None:
    uas = sipp("caller_id_cancel.xml")
    (project_tmp / "ringcheck.yaml").write_text(
        "timezone: UTC\nstore: sqlite:///results.db\nartifacts: artifacts\ntrunks:\n"
        f"  - name: lab\n    host: 127.0.0.1\n    port: {uas.port}\n    transport: udp\n"
        "    caller_id: [from, pai]\n    cps: 10\n")
    result = _run(["--from", "+15550100", "--to", "+15550199", "--trunk", "lab",
                   "--ring-for", "1", "--json", "--header", "X-Campaign: cli"], project_tmp)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["final_code"] is not None
    assert uas.received_header("INVITE", "X-Campaign") == ["cli"]
    assert uas.received_header("INVITE", "P-Asserted-Identity")[0].startswith(
        "<sip:+15550100@")
    uas.finish()  # no Identity header (unsigned trunk): SIPp counts the call as failed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "5550100", "--to", "sip:x@127.0.0.1"], "not an E.164 number"),
        (["--from", "+15550100", "--to", "+15550199"], "ringcheck.yaml"),
        (["--from", "+15550100", "--to", "sip:x@127.0.0.1", "--header", "nocolon"],
         "Name: value"),
        (["--from", "+15550100", "--to", "sip:x@127.0.0.1", "--attest", "A"], "--trunk"),
    ],
)
def test_bad_input_is_one_line_exit_2(project_tmp: Path, args: list[str], message: str) -> None:
    result = _run(args, project_tmp)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_ctrl_c_cancels_the_call(sipp: Sipp, project_tmp: Path) -> None:
    uas = sipp("ring_cancel.xml")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*RINGCHECK, "dial", "--from", "+15550100", "--to", uas.uri(), "--ring-for", "300"],
        cwd=project_tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "180 Ringing" in line:
                break
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert uas.finish() == 0, uas.log()  # SIPp got our CANCEL: no call left up


def _dial_sampling_sockets(uas: SippUas, project_tmp: Path) -> set[BoundSocket]:
    """`ringcheck dial` to `uas` while every socket of it and its SIP worker is sampled."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("RINGCHECK_PROJECT", None)
    process = subprocess.Popen(
        [*RINGCHECK, "dial", "--from", "+15550100", "--to", uas.uri(), "--ring-for", "3"],
        cwd=project_tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: set[BoundSocket] = set()
    deadline = time.monotonic() + 90
    try:
        while process.poll() is None and time.monotonic() < deadline:
            seen.update(bound_sockets(process_tree(process.pid)))
            time.sleep(0.05)  # sampling sockets while the call rings, not waiting for it
    finally:
        if process.poll() is None:
            process.kill()
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert uas.finish() == 0, uas.log()
    wildcard = sorted({(s.proto, s.address, s.port) for s in seen if s.wildcard})
    assert wildcard == [], f"bound to every interface: {wildcard}"
    rtp = {s for s in seen if s.proto == "udp" and 4000 <= s.port <= 4999}
    assert rtp, f"no RTP socket was observed: {sorted(seen, key=lambda s: s.port)}"
    return seen


def test_dial_binds_sip_and_rtp_to_loopback_only(sipp: Sipp, project_tmp: Path) -> None:
    """Issue 17, item 1: `dial` once bound RTP to 0.0.0.0:4000/4001. Every socket of the
    command and its SIP worker, sampled while the call rings, is on 127.0.0.1."""
    seen = _dial_sampling_sockets(sipp("ring_cancel.xml"), project_tmp)
    assert {s.address for s in seen} == {"127.0.0.1"}


def test_dial_to_a_peer_on_the_network_binds_the_interface_that_reaches_it(
    sipp: Sipp, project_tmp: Path
) -> None:
    """A peer on this machine's network address (not loopback): SIP and RTP bind that one
    address, the one the kernel routes through, neither loopback nor every interface."""
    try:
        lan = local_address_for("198.51.100.7", 5060)  # the interface of the default route
    except DialError as exc:
        lan = None
        need("a network interface besides loopback", False, str(exc))
    assert lan is not None and lan != "127.0.0.1"
    seen = _dial_sampling_sockets(sipp("ring_cancel.xml", host=lan), project_tmp)
    # besides: the command waking its one SIP worker (robot.sip.wake), a UDP socket on each
    # side of the loopback, which nothing off this machine can reach
    wake = {s for s in seen if s.proto == "udp" and s.address == "127.0.0.1"}
    assert len(wake) <= 2
    assert {s.address for s in seen - wake} == {lan}
