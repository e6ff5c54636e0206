"""A simulated carrier's decision about one incoming INVITE, as a pure function.

Given the INVITE's caller, callee and `Identity`, the carrier's policy and a seeded random
source, it says what the network does (block, reject, drop, ring) and, when the handset rings,
exactly what it shows and why. No SIP and no I/O here, so every rule is tested directly; the
SIP worker only executes the decision and the ground truth records it.
"""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from devices.sim.config import CarrierSim
from devices.sim.screen import CallScreen

CNAM_MAX = 15
_SIP_USER = re.compile(r"<?(?:sips?|tel):\+?([0-9*#+\-.()]+)")


@dataclass(frozen=True, slots=True)
class Invite:
    """The parts of an INVITE a carrier looks at."""

    call_id: str
    caller: str  # E.164 from P-Asserted-Identity, else From
    callee: str  # E.164 from the To header (the request URI user when To has none)
    identity: str | None = None


@dataclass(frozen=True, slots=True)
class Verification:
    """What STIR/SHAKEN verification found: `attest` only when the signature is good."""

    status: str  # "valid", "invalid", "absent"
    attest: str | None = None
    reason: str = ""
    rcd_name: str | None = None
    rcd_icon: str | None = None
    call_reason: str | None = None


Verifier = Callable[[Invite], Verification]


@dataclass(frozen=True, slots=True)
class Decision:
    """What the carrier does: `final` responses end the call at once; `ring` rings a handset."""

    action: str  # ring | silent_drop | reject | no_ringing
    code: int | None = None
    phrase: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    handset: str | None = None
    screen: CallScreen | None = None
    ring_delay_s: float = 0.0
    why: tuple[str, ...] = ()
    verification: Verification | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["headers"] = [list(h) for h in self.headers]
        data["why"] = list(self.why)
        return data


def number_of(header_value: str | None) -> str | None:
    """`"Bank" <sip:+12025550100@host>` -> `+12025550100` (digits kept, a '+' restored)."""
    if not header_value:
        return None
    found = _SIP_USER.search(header_value)
    if not found:
        return None
    digits = re.sub(r"[^0-9]", "", found.group(1))
    return f"+{digits}" if digits else None


def jcard_for(carrier: str, number: str) -> list[Any]:
    """The redress contact a 608 carries (RFC 8688): who to ask to unblock the number."""
    return ["vcard", [
        ["version", {}, "text", "4.0"],
        ["fn", {}, "text", f"{carrier} analytics redress"],
        ["org", {}, "text", carrier],
        ["tel", {"type": "work"}, "uri", "tel:+18005550199"],
        ["url", {}, "uri", f"https://redress.example.com/{carrier}?tn={number.lstrip('+')}"],
    ]]


def _block(carrier: str, policy: CarrierSim, caller: str, why: list[str]) -> Decision:
    if policy.dno_response == 608:
        card = json.dumps({"jcard": jcard_for(carrier, caller)}, separators=(",", ":"))
        uri = "data:application/json;base64," + base64.b64encode(card.encode()).decode()
        headers = (("Call-Info", f"<{uri}>;purpose=jwscard"),)
        return Decision("reject", 608, "Rejected", headers, why=tuple(why))
    if policy.dno_response == 607:
        return Decision("reject", 607, "Unwanted", why=tuple(why))
    reason = 'SIP;cause=603;text="Network Blocked";location=LN'
    return Decision("reject", 603, "Network Blocked", (("Reason", reason),), why=tuple(why))


def decide(
    carrier: str,
    policy: CarrierSim,
    invite: Invite,
    handsets: Mapping[str, str],
    verify: Verifier,
    rng: random.Random,
) -> Decision:
    """The carrier's decision; `handsets` maps this carrier's MSISDNs to handset ids."""
    why: list[str] = []
    handset = handsets.get(invite.callee)
    if handset is None:
        return Decision("reject", 404, "Not Found",
                        why=(f"{invite.callee} is not a subscriber of {carrier}",))
    if invite.caller in policy.dno:
        why.append(f"{invite.caller} is on {carrier}'s Do-Not-Originate list")
        return _with(_block(carrier, policy, invite.caller, why), handset=handset)
    check = verify(invite)
    why.append(f"STIR/SHAKEN {check.status}" + (f" ({check.reason})" if check.reason else "")
               + (f", attest {check.attest}" if check.attest else ""))
    verified = check.status == "valid" and check.attest == "A"
    if not verified and policy.unverified == "block":
        why.append(f"{carrier} blocks calls without A-attestation")
        blocked = _block(carrier, policy, invite.caller, why)
        return _with(blocked, verification=check, handset=handset)
    faults = policy.faults
    if rng.random() < faults.status_503:
        return Decision("reject", 503, "Service Unavailable", why=("fault injected: 503",),
                        verification=check)
    if invite.callee in policy.busy:
        return Decision("reject", 486, "Busy Here", handset=handset,
                        why=(f"{invite.callee} is busy",), verification=check)
    if invite.callee in policy.unavailable:
        return Decision("reject", 480, "Temporarily Unavailable", handset=handset,
                        why=(f"{invite.callee} is unreachable",), verification=check)
    low, high = policy.ring_delay_ms.min, policy.ring_delay_ms.max
    delay_s = (rng.uniform(low, high) + faults.extra_delay_ms) / 1000.0
    if invite.caller in policy.silent_drop or rng.random() < policy.silent_drop_probability:
        why.append("silent drop: ringing to the caller, the handset never rings")
        return Decision("silent_drop", handset=handset, ring_delay_s=delay_s, why=tuple(why),
                        verification=check)
    if rng.random() < faults.no_ringing:
        why.append("fault injected: 180 Ringing lost")
        return Decision("no_ringing", handset=handset, why=tuple(why), verification=check)
    screen = _screen(policy, invite, check, verified, rng, why)
    return Decision("ring", handset=handset, screen=screen, ring_delay_s=delay_s,
                    why=tuple(why), verification=check)


def _screen(policy: CarrierSim, invite: Invite, check: Verification, verified: bool,
            rng: random.Random, why: list[str]) -> CallScreen:
    name = policy.cnam.get(invite.caller)
    logo = reason = None
    if verified and policy.rich_call_data and check.rcd_name:
        name = check.rcd_name
        logo, reason = check.rcd_icon, check.call_reason
        why.append("Rich Call Data from the verified PASSporT")
    elif name:
        name = name[:CNAM_MAX].rstrip()
        why.append(f"CNAM {name!r}")
    else:
        why.append("no CNAM: number only")
    label = None
    rule = policy.analytics.get(invite.caller)
    if rule is not None:
        draw = rng.random()
        if draw < rule.probability:
            label = rule.label or policy.word(rule.label_class or "spam")
            why.append(f"analytics label {label!r} (p={rule.probability})")
        else:
            why.append(f"analytics rule not applied this call (p={rule.probability})")
    if verified:
        why.append("verified badge shown")
    text = "Caller Verified" if verified and policy.badge == "text" else None
    return CallScreen(number=invite.caller, name=name, label=label, verified=verified,
                      verified_text=text, logo_url=logo, call_reason=reason)


def _with(decision: Decision, **changes: Any) -> Decision:
    return replace(decision, **changes)
