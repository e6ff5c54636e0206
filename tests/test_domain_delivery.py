"""Every row of the DESIGN.md delivery table, decided by `robot.domain.delivery`.

The SIP-only rows (`classify_sip`, incl. `ringing`/`answered` of `ringcheck dial`) have their
own table in tests/sip/test_sip_delivery.py; this one is the engine's view: a call watched on
the network and on the handset at once.
"""

from __future__ import annotations

import pytest

from robot.domain.delivery import SIGNING_REJECTED_CODES, classify_sip, delivery_of
from robot.domain.model import CallInfo, Delivery, Reason, SipEvent, SipOutcome

TRYING = SipEvent(100, "Trying", 5.0)
RINGING = SipEvent(180, "Ringing", 40.0)


def ended(
    code: int | None,
    phrase: str | None = None,
    *,
    rang: bool = False,
    reason: Reason | None = None,
    call_info: tuple[CallInfo, ...] = (),
    answered: bool = False,
    cancelled_by_us: bool = False,
) -> SipOutcome:
    events = (TRYING, RINGING) if rang else (TRYING,)
    if code is not None:
        events += (SipEvent(code, phrase or "", 900.0),)
    return SipOutcome(
        call_id="c1",
        events=events,
        final_code=code,
        final_phrase=phrase,
        reason=reason,
        call_info=call_info,
        answered=answered,
        cancelled_by_us=cancelled_by_us,
    )


CANCELLED_RINGING = ended(487, "Request Terminated", rang=True, cancelled_by_us=True)
NETWORK_BLOCKED = Reason("SIP", 603, "Network Blocked", "TN")
JWSCARD = (CallInfo("https://jc.example.net/c", "jwscard"),)

# (what the network answered, handset rang, device error, foreign call) -> delivery
ROWS: list[tuple[str, SipOutcome | None, bool, bool, bool, Delivery]] = [
    # delivered: the handset rang (we cancelled once the screen was captured)
    ("delivered", CANCELLED_RINGING, True, False, False, Delivery.DELIVERED),
    ("delivered, network ended it later", ended(486, "Busy Here"), True, False, False,
     Delivery.DELIVERED),
    # blocked: 607, 608 (with or without its jwscard), 603+ by phrase or by Reason
    ("607", ended(607, "Unwanted"), False, False, False, Delivery.BLOCKED),
    ("608 jwscard", ended(608, "Rejected", call_info=JWSCARD), False, False, False,
     Delivery.BLOCKED),
    ("608 bare", ended(608, "Rejected"), False, False, False, Delivery.BLOCKED),
    ("603+ phrase", ended(603, "Network Blocked"), False, False, False, Delivery.BLOCKED),
    ("603+ reason", ended(603, "Decline", reason=NETWORK_BLOCKED), False, False, False,
     Delivery.BLOCKED),
    ("block stands over a device error", ended(607, "Unwanted"), False, True, False,
     Delivery.BLOCKED),
    ("block stands over a foreign call", ended(608, "Rejected"), False, False, True,
     Delivery.BLOCKED),
    # declined: any other 603
    ("603 plain", ended(603, "Decline"), False, False, False, Delivery.DECLINED),
    ("603 after ringing", ended(603, "Decline", rang=True), False, False, False,
     Delivery.DECLINED),
    # silent_drop: SIP rang or answered... the handset never did
    ("cancelled after 180", CANCELLED_RINGING, False, False, False, Delivery.SILENT_DROP),
    ("480 after 180", ended(480, "Temporarily Unavailable", rang=True), False, False, False,
     Delivery.SILENT_DROP),
    ("408 after 180", ended(408, "Request Timeout", rang=True), False, False, False,
     Delivery.SILENT_DROP),
    # voicemail: answered without the handset ringing
    ("answered", ended(200, "OK", answered=True), False, False, False, Delivery.VOICEMAIL),
    # rejected: 404, 480, 484, 486, 600, 604 (and other 4xx-6xx)
    *[
        (f"{code}", ended(code, "x"), False, False, False, Delivery.REJECTED)
        for code in (404, 480, 484, 486, 600, 604, 408)
    ],
    # trunk_error: 401/407 after our credentials, 403, any 5xx, no response at all
    *[
        (f"{code}", ended(code, "x"), False, False, False, Delivery.TRUNK_ERROR)
        for code in (401, 403, 407, 500, 502, 503)
    ],
    ("no final response", ended(None), False, False, False, Delivery.TRUNK_ERROR),
    ("nothing at all", None, False, False, False, Delivery.TRUNK_ERROR),
    ("we cancelled before any ringing", ended(487, "Request Terminated", cancelled_by_us=True),
     False, False, False, Delivery.TRUNK_ERROR),
    # signing_rejected: 428, 436, 437, 438 (RFC 8224)
    *[
        (f"{code}", ended(code, "x"), False, False, False, Delivery.SIGNING_REJECTED)
        for code in (428, 436, 437, 438)
    ],
    ("438 over a device error", ended(438, "Invalid Identity Header"), False, True, False,
     Delivery.SIGNING_REJECTED),
    # foreign_call: somebody else's call rang the handset while ours was in flight
    ("foreign, ours cancelled", CANCELLED_RINGING, False, False, True, Delivery.FOREIGN_CALL),
    ("foreign, ours busy", ended(486, "Busy Here"), False, False, True, Delivery.FOREIGN_CALL),
    ("foreign, ours rang out", ended(480, "x", rang=True), False, False, True,
     Delivery.FOREIGN_CALL),
    ("foreign, ours to voicemail", ended(200, "OK", answered=True), False, False, True,
     Delivery.FOREIGN_CALL),
    ("our call showed despite another", CANCELLED_RINGING, True, False, True,
     Delivery.DELIVERED),
    # device_error: the robot could not observe the handset
    ("lost the handset", CANCELLED_RINGING, False, True, False, Delivery.DEVICE_ERROR),
    ("lost it, then 480 after 180", ended(480, "x", rang=True), False, True, False,
     Delivery.DEVICE_ERROR),
    ("lost it, network rejected", ended(486, "Busy Here"), False, True, False,
     Delivery.DEVICE_ERROR),
    ("rang but capture failed", CANCELLED_RINGING, True, True, False, Delivery.DEVICE_ERROR),
    ("prepare failed, nothing dialled", None, False, True, False, Delivery.DEVICE_ERROR),
]


@pytest.mark.parametrize(
    ("outcome", "rang", "device_error", "foreign", "want"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_delivery_table(
    outcome: SipOutcome | None, rang: bool, device_error: bool, foreign: bool, want: Delivery
) -> None:
    got = delivery_of(outcome, handset_rang=rang, device_error=device_error, foreign_call=foreign)
    assert got is want


def test_every_delivery_of_the_table_is_reachable() -> None:
    """`ringing`/`answered` are `ringcheck dial`'s (no handset); the rest come from here."""
    seen = {row[-1] for row in ROWS}
    seen |= {
        classify_sip(487, "Request Terminated", rang=True, cancelled_by_us=True),
        classify_sip(200, "OK", answered=True),
    }
    assert seen == set(Delivery)


@pytest.mark.parametrize("code", sorted(SIGNING_REJECTED_CODES))
def test_refused_identity_is_not_a_callee_rejection(code: int) -> None:
    assert classify_sip(code, "Invalid Identity Header") is Delivery.SIGNING_REJECTED
