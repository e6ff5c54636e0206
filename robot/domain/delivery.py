"""The DESIGN.md delivery table as pure functions.

`classify_sip` holds the SIP-decided rows (what the network answered); `delivery_of` adds the
rows only the engine can observe (`delivered`, `silent_drop`, `voicemail`, `foreign_call`,
`device_error`) from what it saw on both sides of a call. The engine observes; these decide.
"""

from __future__ import annotations

from .model import CallInfo, Delivery, Reason, SipOutcome

_REJECTED = frozenset({404, 480, 484, 486, 600, 604})
# RFC 8224: 428 Use Identity Header, 436 Bad Identity Info, 437 Unsupported Credential,
# 438 Invalid Identity Header. The network refused our signing: our setup, not the callee.
SIGNING_REJECTED_CODES = frozenset({428, 436, 437, 438})
# What the network decided on its own, which stays true whatever the handset was doing.
_NETWORK_VERDICTS = frozenset(
    {Delivery.BLOCKED, Delivery.DECLINED, Delivery.SIGNING_REJECTED}
)
_NETWORK_BLOCKED = "network blocked"


def is_network_blocked_603(phrase: str | None, reason: Reason | None) -> bool:
    """603+ (ATIS-1000099): a 603 whose phrase or Reason text says Network Blocked."""
    texts = [phrase or ""]
    if reason is not None:
        texts.append(reason.text or "")
    return any(_NETWORK_BLOCKED in t.casefold() for t in texts)


def classify_sip(
    final_code: int | None,
    phrase: str | None = None,
    reason: Reason | None = None,
    call_info: tuple[CallInfo, ...] = (),
    *,
    rang: bool = False,
    answered: bool = False,
    cancelled_by_us: bool = False,
) -> Delivery:
    """The delivery a call without a handset observation had, from its final response.

    `ringing` is a call that rang and that our CANCEL ended (487); `answered` one that was
    answered (200) and that we ended with BYE.
    """
    del call_info  # 608 is a block with or without its jwscard; kept for symmetry of callers
    if final_code is None:
        return Delivery.TRUNK_ERROR
    if answered or 200 <= final_code < 300:
        return Delivery.ANSWERED
    if final_code == 487 and cancelled_by_us:
        return Delivery.RINGING if rang else Delivery.TRUNK_ERROR
    if final_code in (607, 608):
        return Delivery.BLOCKED
    if final_code == 603:
        return Delivery.BLOCKED if is_network_blocked_603(phrase, reason) else Delivery.DECLINED
    if final_code in _REJECTED:
        return Delivery.REJECTED
    if final_code in SIGNING_REJECTED_CODES:
        return Delivery.SIGNING_REJECTED
    if final_code in (401, 403, 407) or 500 <= final_code < 600:
        return Delivery.TRUNK_ERROR
    if final_code == 487:
        return Delivery.REJECTED
    if 400 <= final_code < 700:
        return Delivery.REJECTED
    return Delivery.TRUNK_ERROR


def delivery_of(
    outcome: SipOutcome | None,
    *,
    handset_rang: bool,
    device_error: bool = False,
    foreign_call: bool = False,
) -> Delivery:
    """The delivery of a test call the engine watched on both sides.

    `outcome` is what the network answered (None: nothing, not even an error); `handset_rang`
    that our call showed on the handset; `device_error` that the robot lost sight of the
    handset; `foreign_call` that somebody else's call rang it while ours was in flight. A
    network verdict (block, decline, refused signing) stands whatever the handset did; what
    the handset did not show is blamed on the robot or on the foreign call before the network.
    """
    if handset_rang and not device_error:
        return Delivery.DELIVERED
    if outcome is not None and _ended_by_network(outcome):
        sip = classify_sip(
            outcome.final_code, outcome.final_phrase, outcome.reason, outcome.call_info
        )
        if sip in _NETWORK_VERDICTS:
            return sip
        if foreign_call and (sip is Delivery.REJECTED or _ring_out(outcome)):
            return Delivery.FOREIGN_CALL  # busy or unanswered because another call rang
        if _ring_out(outcome):  # 480/408 after a 180 the handset never showed
            return Delivery.DEVICE_ERROR if device_error else Delivery.SILENT_DROP
        if not device_error:
            return sip
    if foreign_call:
        return Delivery.FOREIGN_CALL
    if device_error:
        return Delivery.DEVICE_ERROR
    if outcome is None or (outcome.final_code is None and not outcome.cancelled_by_us):
        return Delivery.TRUNK_ERROR
    if outcome.answered or (outcome.final_code is not None and 200 <= outcome.final_code < 300):
        return Delivery.VOICEMAIL
    return Delivery.SILENT_DROP if outcome.rang else Delivery.TRUNK_ERROR


def _ended_by_network(outcome: SipOutcome) -> bool:
    code = outcome.final_code
    return code is not None and code >= 300 and not outcome.cancelled_by_us


def _ring_out(outcome: SipOutcome) -> bool:
    return outcome.rang and outcome.final_code in (408, 480)
