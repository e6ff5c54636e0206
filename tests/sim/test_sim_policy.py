"""A carrier's decisions as a pure function: blocks, rejects, labels that flap by a seeded
probability, CNAM truncation and the badge only for a valid A attestation."""

from __future__ import annotations

import json
import random
from pathlib import Path

from devices.sim.config import AnalyticsRule, CarrierSim, Faults
from devices.sim.policy import Invite, Verification, decide, number_of
from devices.sim.truth import TruthLog

SUBSCRIBERS = {"+12025550181": "pixel"}


def _invite(caller: str = "+12025550100", callee: str = "+12025550181") -> Invite:
    return Invite("cid", caller, callee, None)


def _valid_a(invite: Invite) -> Verification:
    return Verification("valid", attest="A", rcd_name="Northwind Bank", rcd_icon="https://x/i.png",
                        call_reason="Fraud alert")


def _absent(invite: Invite) -> Verification:
    return Verification("absent", reason="no Identity header")


def test_number_of_reads_sip_and_tel_uris() -> None:
    assert number_of('"Bank" <sip:+12025550100@10.0.0.1;user=phone>;tag=1') == "+12025550100"
    assert number_of("<tel:+1-202-555-0100>") == "+12025550100"
    assert number_of("INVITE sip:12025550181@127.0.0.1:5060 SIP/2.0") == "+12025550181"
    assert number_of("<sip:alice@example.com>") is None


def test_rejects_and_blocks() -> None:
    rng = random.Random(1)
    policy = CarrierSim(dno=["+12025550100"], busy=["+12025550181"])
    blocked = decide("c", policy, _invite(), SUBSCRIBERS, _absent, rng)
    assert (blocked.code, blocked.phrase) == (603, "Network Blocked")
    assert dict(blocked.headers)["Reason"].startswith("SIP;cause=603")
    busy = decide("c", policy, _invite(caller="+12025550111"), SUBSCRIBERS, _absent, rng)
    assert busy.code == 486
    unknown = decide("c", policy, _invite(callee="+12025550999"), SUBSCRIBERS, _absent, rng)
    assert unknown.code == 404
    strict = CarrierSim(unverified="block", dno_response=607)
    assert decide("c", strict, _invite(), SUBSCRIBERS, _absent, rng).code == 607
    unavailable = CarrierSim(unavailable=["+12025550181"])
    assert decide("c", unavailable, _invite(), SUBSCRIBERS, _absent, rng).code == 480
    faulty = CarrierSim(faults=Faults(status_503=1.0))
    assert decide("c", faulty, _invite(), SUBSCRIBERS, _absent, rng).code == 503


def test_silent_drop_rings_the_caller_but_not_the_handset() -> None:
    policy = CarrierSim(silent_drop=["+12025550100"])
    decision = decide("c", policy, _invite(), SUBSCRIBERS, _absent, random.Random(1))
    assert decision.action == "silent_drop" and decision.screen is None


def test_screen_cnam_cut_to_15_and_badge_only_for_valid_a() -> None:
    policy = CarrierSim(cnam={"+12025550100": "Northwestern Mutual Insurance"},
                        rich_call_data=False)
    plain = decide("c", policy, _invite(), SUBSCRIBERS, _absent, random.Random(1))
    assert plain.screen is not None
    assert plain.screen.name == "Northwestern Mu" and plain.screen.verified is False

    def valid_b(invite: Invite) -> Verification:
        return Verification("valid", attest="B")

    b = decide("c", policy, _invite(), SUBSCRIBERS, valid_b, random.Random(1))
    assert b.screen is not None and b.screen.verified is False
    a = decide("c", policy, _invite(), SUBSCRIBERS, _valid_a, random.Random(1))
    assert a.screen is not None and a.screen.verified is True


def test_rich_call_data_from_a_verified_passport_wins_over_cnam() -> None:
    policy = CarrierSim(cnam={"+12025550100": "NORTHWIND"}, badge="text")
    decision = decide("c", policy, _invite(), SUBSCRIBERS, _valid_a, random.Random(1))
    screen = decision.screen
    assert screen is not None
    assert (screen.name, screen.logo_url, screen.call_reason) == (
        "Northwind Bank", "https://x/i.png", "Fraud alert")
    assert screen.verified_text == "Caller Verified"


def test_labels_flap_with_their_probability_and_the_same_seed_repeats() -> None:
    policy = CarrierSim(
        labels={"scam": "Scam Likely"},
        analytics={"+12025550100": AnalyticsRule.model_validate({"class": "scam",
                                                                 "probability": 0.5})},
    )

    def labels(seed: int) -> list[str | None]:
        rng = random.Random(seed)
        out = []
        for _ in range(40):
            screen = decide("c", policy, _invite(), SUBSCRIBERS, _absent, rng).screen
            assert screen is not None
            out.append(screen.label)
        return out

    first = labels(3)
    assert set(first) == {"Scam Likely", None}
    assert labels(3) == first
    assert labels(4) != first


def test_faults_lost_ringing_and_extra_delay() -> None:
    lost = CarrierSim(faults=Faults(no_ringing=1.0))
    decision = decide("c", lost, _invite(), SUBSCRIBERS, _absent, random.Random(1))
    assert decision.action == "no_ringing" and decision.screen is None
    slow = CarrierSim(faults=Faults(extra_delay_ms=2000))
    delayed = decide("c", slow, _invite(), SUBSCRIBERS, _absent, random.Random(1))
    assert delayed.action == "ring" and delayed.ring_delay_s >= 2.0


def test_truth_merges_events_per_call_and_forgets_the_oldest_ended(tmp_path: Path) -> None:
    log = TruthLog(tmp_path / "truth.jsonl", keep=2)
    for n in range(3):
        log.record(f"c{n}", "decided", action="ring")
        log.record(f"c{n}", "note", note="hello")
        assert log.live() == 1
        log.record(f"c{n}", "ended", final_code=487)
    log.close()
    calls = log.calls()
    assert [c["call_id"] for c in calls] == ["c1", "c2"]
    assert calls[0]["notes"] == ["hello"] and calls[0]["final_code"] == 487
    lines = (tmp_path / "truth.jsonl").read_text().splitlines()
    assert len(lines) == 9 and json.loads(lines[0])["event"] == "decided"
