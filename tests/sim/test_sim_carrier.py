"""Simulated carriers over real SIP: SIPp (an independent UAC) calls the farm's pjsua2 carriers
and the ground truth says what each handset showed and why."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from devices.appium import AppiumHandset
from devices.sim.farm import SimFarm
from robot.domain.model import Attestation, DisplayState
from robot.ports import EndHow
from robot.sip.headers import inline_jcard, parse_call_info, parse_reason, redress_from_jcard
from robot.sip.passport import Signer
from tests.sim.support import (
    CALLER,
    DNO_CALLER,
    FLAGGED_CALLER,
    SILENT_CALLER,
    SIPP,
    X5U,
    SippResult,
    run_sipp,
)
from tests.support.peers import need, wait_until

pytestmark = pytest.mark.sipp
PIXEL, GALAXY, IPHONE, MOTO = "+12025550181", "+12025550182", "+12025550185", "+12025550187"


@pytest.fixture(autouse=True)
def _sipp() -> None:
    need("sipp", SIPP is not None and shutil.which("sipp") is not None,
         "install the Debian package sip-tester")


def _call_id(result: SippResult) -> str:
    for message in result.messages:
        for line in message.splitlines():
            if line.lower().startswith("call-id:"):
                return line.split(":", 1)[1].strip()
    raise AssertionError(f"no Call-ID in SIPp's messages:\n{result.log}")


def _truth(farm: SimFarm, call_id: str) -> dict[str, Any]:
    wait_until(lambda: any(c["call_id"] == call_id and c["ended"] for c in farm.truth.calls()),
               10, f"the farm to record the end of {call_id}")
    return next(c for c in farm.truth.calls() if c["call_id"] == call_id)


def _identity(key: ec.EllipticCurvePrivateKey, attest: Attestation, dest: str,
              orig: str = CALLER) -> str:
    return Signer(key=key, x5u=X5U, attestation=attest).identity(orig, dest)


def test_unknown_number_gets_404(farm: SimFarm, tmp_path: Path) -> None:
    port = farm.ready().sip["sim-tmobile"]
    result = run_sipp("uac_until_final.xml", port, "+12025550999", tmp_path)
    assert result.final() == "SIP/2.0 404 Not Found", result.log
    truth = _truth(farm, _call_id(result))
    assert truth["action"] == "reject" and truth["final_code"] == 404
    assert "not a subscriber" in str(truth["why"])


def test_dno_number_gets_603_network_blocked_with_reason(farm: SimFarm, tmp_path: Path) -> None:
    port = farm.ready().sip["sim-tmobile"]
    result = run_sipp("uac_until_final.xml", port, PIXEL, tmp_path, caller=DNO_CALLER)
    assert result.final() == "SIP/2.0 603 Network Blocked", result.log
    reason = parse_reason(result.header("SIP/2.0 603", "Reason"))
    assert reason is not None and reason.cause == 603 and reason.text == "Network Blocked"
    truth = _truth(farm, _call_id(result))
    assert "Do-Not-Originate" in str(truth["why"])
    assert farm.handsets["pixel"].ringing is None


def test_dno_number_gets_608_with_a_jcard_for_redress(farm: SimFarm, tmp_path: Path) -> None:
    port = farm.ready().sip["sim-att"]
    result = run_sipp("uac_until_final.xml", port, GALAXY, tmp_path, caller=DNO_CALLER)
    assert result.final().startswith("SIP/2.0 608"), result.log
    infos = parse_call_info(result.header("SIP/2.0 608", "Call-Info"))
    assert [i.purpose for i in infos] == ["jwscard"]
    contact = redress_from_jcard(inline_jcard(infos))
    assert contact is not None and contact.org == "sim-att" and contact.tel


def test_a_attested_call_rings_with_the_badge_and_cancel_gets_487(
    farm: SimFarm, sim_project: tuple[Path, ec.EllipticCurvePrivateKey], tmp_path: Path
) -> None:
    identity = _identity(sim_project[1], Attestation.A, PIXEL)
    port = farm.ready().sip["sim-tmobile"]
    result = run_sipp("uac_ring_cancel.xml", port, PIXEL, tmp_path, identity=identity)
    assert result.returncode == 0, result.log
    assert result.responses()[-2:] == ["SIP/2.0 200 OK", "SIP/2.0 487 Request Terminated"]
    truth = _truth(farm, _call_id(result))
    assert truth["verification"]["status"] == "valid"
    shown = truth["shown"]
    assert isinstance(shown, dict)
    assert shown["verified"] is True
    assert shown["name"] == "NORTHWIND BANK"  # CNAM is cut to 15 characters
    assert [e["event"] for e in truth["events"]][:2] == ["decided", "ringing"]
    assert truth["final_code"] == 487


@pytest.mark.parametrize("attest,transport", [(Attestation.B, "u1"), (Attestation.A, "t1")])
def test_b_attestation_shows_no_badge_and_tcp_works(
    farm: SimFarm, sim_project: tuple[Path, ec.EllipticCurvePrivateKey], tmp_path: Path,
    attest: Attestation, transport: str,
) -> None:
    identity = _identity(sim_project[1], attest, PIXEL)
    port = farm.ready().sip["sim-tmobile"]
    result = run_sipp("uac_ring_cancel.xml", port, PIXEL, tmp_path, identity=identity,
                      transport=transport)
    assert result.returncode == 0, result.log
    shown = _truth(farm, _call_id(result))["shown"]
    assert isinstance(shown, dict) and shown["verified"] is (attest is Attestation.A)


def test_untrusted_signature_is_invalid_and_shows_no_badge(farm: SimFarm,
                                                           tmp_path: Path) -> None:
    stranger = ec.generate_private_key(ec.SECP256R1())
    port = farm.ready().sip["sim-tmobile"]
    result = run_sipp("uac_ring_cancel.xml", port, PIXEL, tmp_path,
                      identity=_identity(stranger, Attestation.A, PIXEL))
    truth = _truth(farm, _call_id(result))
    assert truth["verification"]["status"] == "invalid"
    assert truth["shown"]["verified"] is False


def test_label_in_the_carriers_words_and_ring_out_after_no_answer(farm: SimFarm,
                                                                  tmp_path: Path) -> None:
    port = farm.ready().sip["sim-att"]
    result = run_sipp("uac_until_final.xml", port, GALAXY, tmp_path, caller=FLAGGED_CALLER)
    assert result.responses()[-2:] == ["SIP/2.0 180 Ringing",
                                       "SIP/2.0 480 Temporarily Unavailable"], result.log
    truth = _truth(farm, _call_id(result))
    assert truth["shown"]["label"] == "Spam Risk"
    assert "nobody answered" in str(truth.get("notes"))


def test_decline_on_the_handset_reaches_the_caller(farm: SimFarm, tmp_path: Path) -> None:
    ready = farm.ready()
    spec = dataclasses.replace(farm.handsets["iphone"].spec, appium_url=ready.appium_url)
    handset = AppiumHandset(spec, poll_interval_s=0.05, end_timeout_s=4.0)
    handset.prepare(DisplayState.IN_USE)  # a locked iPhone has no Decline button
    results: list[SippResult] = []
    caller = threading.Thread(target=lambda: results.append(run_sipp(
        "uac_until_final.xml", ready.sip["sim-verizon"], IPHONE, tmp_path)))
    caller.start()
    try:
        seen = handset.wait_for_incoming(time.monotonic() + 30)
        if seen is None:
            caller.join(40)
            raise AssertionError(f"never rang; truth {farm.truth.calls()[-1:]}; SIPp "
                                 f"{results[0].log if results else 'still running'}")
        assert seen.heads_up and seen.foreground == "com.apple.mobileslideshow"  # a banner
        frame = handset.capture()[0]
        assert frame.png == farm.handsets["iphone"].screen().png
        assert handset.end_call(EndHow.DECLINE) is True
    finally:
        caller.join(30)
        handset.close()
    assert results and results[0].final() == "SIP/2.0 603 Decline", results[0].log
    truth = _truth(farm, _call_id(results[0]))
    assert "declined_on_handset" in [e["event"] for e in truth["events"]]


@pytest.mark.parametrize("caller,rings", [(CALLER, True), (SILENT_CALLER, False)])
def test_unanswered_call_goes_to_voicemail_and_silent_drop_never_rings(
    farm: SimFarm, tmp_path: Path, caller: str, rings: bool
) -> None:
    port = farm.ready().sip["sim-uscellular"]
    result = run_sipp("uac_answered.xml", port, MOTO, tmp_path, caller=caller)
    assert result.returncode == 0, result.log
    assert "SIP/2.0 180 Ringing" in result.responses()
    truth = _truth(farm, _call_id(result))
    events = [e["event"] for e in truth["events"]]
    assert "voicemail" in events and truth["answered"] is True
    assert ("ringing" in events) is rings
    assert truth["action"] == ("ring" if rings else "silent_drop")


def _threads(pid: int) -> set[str]:
    names: set[str] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):  # a thread that ended while we looked
            names.add((task / "comm").read_text().strip())
    return names


def test_an_answered_call_opens_no_sound_device_clock(farm: SimFarm, tmp_path: Path) -> None:
    """A carrier answering (voicemail) opened pjsua's null sound device, whose "clock" thread
    ticks every 20 ms and is joined on the carrier's only loop thread a second after the
    call: a call arriving then waited up to a tick. A carrier has no sound device at all."""
    pid = farm.workers[farm.owner["moto"]].process.pid
    assert pid is not None
    results: list[SippResult] = []
    caller = threading.Thread(
        target=lambda: results.append(
            run_sipp("uac_answered.xml", farm.ready().sip["sim-uscellular"], MOTO, tmp_path)
        )
    )
    caller.start()
    seen: set[str] = set()
    while caller.is_alive():
        seen |= _threads(pid)
        caller.join(0.005)
    assert results and results[0].returncode == 0, results[0].log if results else "no SIPp"
    assert _truth(farm, _call_id(results[0]))["answered"] is True
    seen |= _threads(pid)  # the null device stayed open a second after the call
    assert "clock" not in seen, sorted(seen)
