"""A carrier with more handsets than one pjsua2 process has calls (4 with the wheel) runs
several worker processes behind one public SIP port: every call still works through it, over
UDP and TCP, including CANCEL, blocks with headers, voicemail BYE and a decline on the handset."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.sim.build import farm_from_project
from devices.sim.farm import SimFarm
from tests.sim.support import DNO_CALLER, SIPP, SippResult, run_sipp
from tests.support.peers import need, wait_until

pytestmark = pytest.mark.sipp
NUMBERS = [f"+120255503{i:02d}" for i in range(6)]
FARM = "handsets:\n" + "".join(
    f"  - {{id: p{i}, platform: android, dialer: google, carrier: sim-big, "
    f'msisdn: "{n}", appium_url: "http://127.0.0.1:1"}}\n'
    for i, n in enumerate(NUMBERS)
)
PROJECT = f"""\
timezone: UTC
farm: farm.yaml
sim:
  carriers:
    sim-big:
      ring_delay_ms: {{min: 0, max: 20}}
      no_answer_s: 2
      on_no_answer: voicemail
      voicemail_hold_s: 1.5
      dno: ["{DNO_CALLER}"]
      dno_response: 608
  handsets:
    p5: {{decline_after_s: 0.3}}
"""


@pytest.fixture(scope="module")
def big_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimFarm]:
    need("sipp", SIPP is not None and shutil.which("sipp") is not None,
         "install the Debian package sip-tester")
    folder = tmp_path_factory.mktemp("bigcarrier")
    (folder / "farm.yaml").write_text(FARM)
    (folder / "ringcheck.yaml").write_text(PROJECT)
    farm = farm_from_project(folder)
    farm.start()
    yield farm
    farm.stop()


@pytest.fixture
def port(big_farm: SimFarm) -> Iterator[int]:
    yield big_farm.ready().sip["sim-big"]
    wait_until(lambda: big_farm.truth.live() == 0, 10, "zero live calls")


def _ids(result: SippResult) -> set[str]:
    return {line.split(":", 1)[1].strip() for m in result.messages for line in m.splitlines()
            if line.lower().startswith("call-id:")}


def test_two_processes_share_the_carrier(big_farm: SimFarm) -> None:
    workers = sorted(w.name for w in big_farm.workers.values())
    assert workers == ["sim-big#0", "sim-big#1"]
    assert "sim-big" in big_farm.fronts


@pytest.mark.parametrize("transport", ["u1", "t1"])
def test_five_concurrent_calls_ring_five_handsets_and_cancel(big_farm: SimFarm, port: int,
                                                             tmp_path: Path,
                                                             transport: str) -> None:
    # more than one process holds; p5 is left out: its owner declines (see below)
    result = run_sipp("uac_ring_cancel.xml", port, NUMBERS[0], tmp_path, callees=NUMBERS[:5],
                      transport=transport)
    assert result.returncode == 0, result.log
    ids = _ids(result)
    wait_until(lambda: all(c["ended"] for c in big_farm.truth.calls() if c["call_id"] in ids),
               10, "every call to end")
    calls = [c for c in big_farm.truth.calls() if c["call_id"] in ids]
    assert sorted(c["handset"] for c in calls) == [f"p{i}" for i in range(5)]
    assert all(c["final_code"] == 487 for c in calls)


def test_block_with_headers_and_voicemail_bye_through_the_front(port: int,
                                                                tmp_path: Path) -> None:
    blocked = run_sipp("uac_until_final.xml", port, NUMBERS[1], tmp_path, caller=DNO_CALLER)
    assert blocked.final().startswith("SIP/2.0 608"), blocked.log
    assert "purpose=jwscard" in (blocked.header("SIP/2.0 608", "Call-Info") or "")
    answered = run_sipp("uac_answered.xml", port, NUMBERS[2], tmp_path)
    assert answered.returncode == 0, answered.log


def test_owner_declines_a_handset_behind_the_front(big_farm: SimFarm, port: int,
                                                  tmp_path: Path) -> None:
    result = run_sipp("uac_until_final.xml", port, NUMBERS[5], tmp_path)
    assert result.final() == "SIP/2.0 603 Decline", result.log
    (call_id,) = _ids(result)
    wait_until(lambda: any(c["call_id"] == call_id and c["ended"]
                           for c in big_farm.truth.calls()), 10, "the call to end")
    call = next(c for c in big_farm.truth.calls() if c["call_id"] == call_id)
    assert "declined_on_handset" in [e["event"] for e in call["events"]]
    assert "owner declined" in big_farm.handsets["p5"].state.log


def test_a_dead_carrier_process_ends_only_its_own_calls(tmp_path: Path) -> None:
    import os
    import signal
    import threading

    (tmp_path / "farm.yaml").write_text(FARM)
    (tmp_path / "ringcheck.yaml").write_text(PROJECT.replace("no_answer_s: 2", "no_answer_s: 20"))
    farm = farm_from_project(tmp_path)
    ready = farm.start()
    try:
        results: list[SippResult] = []
        caller = threading.Thread(target=lambda: results.append(run_sipp(
            "uac_until_final.xml", ready.sip["sim-big"], NUMBERS[0], tmp_path, timeout_s=4)))
        caller.start()
        wait_until(lambda: farm.handsets["p0"].ringing is not None, 10, "p0 to ring")
        victim = farm.workers[farm.owner["p0"]]
        assert victim.process.pid is not None
        os.kill(victim.process.pid, signal.SIGKILL)
        wait_until(lambda: farm.truth.live() == 0, 10, "the dead process's call to end")
        assert farm.handsets["p0"].ringing is None
        call = farm.truth.calls()[-1]
        assert call["final_phrase"] == "carrier process died"
        others = [w for w in farm.workers.values() if w is not victim]
        assert all(w.process.is_alive() for w in others)
        caller.join(30)
    finally:
        farm.stop()


@pytest.mark.parametrize("transport", ["u1", "t1"])
def test_network_bye_after_voicemail_reaches_the_caller_through_the_front(
    big_farm: SimFarm, port: int, tmp_path: Path, transport: str
) -> None:
    result = run_sipp("uac_answered_network_bye.xml", port, NUMBERS[3], tmp_path,
                      transport=transport)
    assert result.returncode == 0, result.log
    assert any(m.startswith("BYE ") for m in result.messages)
