"""The SIP rows of the delivery table in DESIGN.md, as a table."""

from __future__ import annotations

import pytest

from robot.domain.delivery import classify_sip
from robot.domain.model import CallInfo, Delivery, Reason

BLOCK_REASON = Reason("SIP", 603, "Network Blocked", "TN")
JWSCARD = (CallInfo("https://jc.example.net/c", "jwscard"),)


@pytest.mark.parametrize(
    ("code", "phrase", "reason", "call_info", "rang", "answered", "cancelled", "want"),
    [
        (607, "Unwanted", None, (), False, False, False, Delivery.BLOCKED),
        (608, "Rejected", None, JWSCARD, False, False, False, Delivery.BLOCKED),
        (608, "Rejected", None, (), False, False, False, Delivery.BLOCKED),
        (603, "Network Blocked", None, (), False, False, False, Delivery.BLOCKED),
        (603, "Decline", BLOCK_REASON, (), False, False, False, Delivery.BLOCKED),
        (603, "Decline", Reason("Q.850", 21), (), False, False, False, Delivery.DECLINED),
        (603, "Decline", None, (), True, False, False, Delivery.DECLINED),
        (404, "Not Found", None, (), False, False, False, Delivery.REJECTED),
        (480, "Temporarily Unavailable", None, (), True, False, False, Delivery.REJECTED),
        (484, "Address Incomplete", None, (), False, False, False, Delivery.REJECTED),
        (486, "Busy Here", None, (), False, False, False, Delivery.REJECTED),
        (600, "Busy Everywhere", None, (), False, False, False, Delivery.REJECTED),
        (604, "Does Not Exist Anywhere", None, (), False, False, False, Delivery.REJECTED),
        (401, "Unauthorized", None, (), False, False, False, Delivery.TRUNK_ERROR),
        (407, "Proxy Authentication Required", None, (), False, False, False,
         Delivery.TRUNK_ERROR),
        (403, "Forbidden", None, (), False, False, False, Delivery.TRUNK_ERROR),
        (500, "Server Internal Error", None, (), False, False, False, Delivery.TRUNK_ERROR),
        (503, "Service Unavailable", None, (), False, False, False, Delivery.TRUNK_ERROR),
        (None, None, None, (), False, False, False, Delivery.TRUNK_ERROR),
        (487, "Request Terminated", None, (), True, False, True, Delivery.RINGING),
        (487, "Request Terminated", None, (), False, False, True, Delivery.TRUNK_ERROR),
        (200, "OK", None, (), True, True, False, Delivery.ANSWERED),
        (200, "OK", None, (), False, True, False, Delivery.ANSWERED),
    ],
)
def test_classify_sip(
    code: int | None, phrase: str | None, reason: Reason | None,
    call_info: tuple[CallInfo, ...], rang: bool, answered: bool, cancelled: bool,
    want: Delivery,
) -> None:
    got = classify_sip(code, phrase, reason, call_info, rang=rang, answered=answered,
                       cancelled_by_us=cancelled)
    assert got is want
