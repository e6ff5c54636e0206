"""Classifying what the network answered into a `Delivery`, as the DESIGN.md table says.

Only the SIP-decided rows live here; the engine decides `delivered`, `silent_drop`,
`voicemail` and `device_error` because only it knows whether the handset rang.
"""

from __future__ import annotations

from .model import CallInfo, Delivery, Reason

_REJECTED = frozenset({404, 480, 484, 486, 600, 604})
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
    if final_code in (401, 403, 407) or 500 <= final_code < 600:
        return Delivery.TRUNK_ERROR
    if final_code == 487:
        return Delivery.REJECTED
    if 400 <= final_code < 700:
        return Delivery.REJECTED
    return Delivery.TRUNK_ERROR
