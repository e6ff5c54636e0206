"""What a customer saw on one completed attempt, as one word the report can count in SQL.

The state is derived from the delivery, the reading and the verdict when an attempt is recorded,
and stored in `attempts.state`, so "latest state" and "dominant state over a week" are GROUP BYs
rather than Python loops over a million rows.
"""

from __future__ import annotations

import enum

from robot.domain.model import Attempt, AttemptStatus, CheckState, Delivery, Tristate


class ScreenState(enum.StrEnum):
    """Ordered from worst to best by `SEVERITY` (ties in a period go to the worse state)."""

    BLOCKED = "blocked"  # the network stopped the call (607/608/603+)
    LABELLED = "labelled"  # rang with a spam/scam/… label
    NOT_DELIVERED = "not_delivered"  # declined, silent drop, voicemail, rejected
    MISNAMED = "misnamed"  # rang without a label but the name check failed
    CLEAN = "clean"  # rang, no label, name fine (or not checked)
    VERIFIED = "verified"  # clean and with the verified badge
    ERROR = "error"  # our robot or trunk failed: says nothing about the number


SEVERITY: dict[ScreenState, int] = {
    ScreenState.BLOCKED: 6,
    ScreenState.LABELLED: 5,
    ScreenState.NOT_DELIVERED: 4,
    ScreenState.MISNAMED: 3,
    ScreenState.CLEAN: 2,
    ScreenState.VERIFIED: 1,
    ScreenState.ERROR: 0,
}

_ERRORS = {Delivery.TRUNK_ERROR, Delivery.DEVICE_ERROR, Delivery.SIGNING_REJECTED}
# Outcomes of `ringcheck dial`, which has no handset and so no screen to classify, and
# somebody else's call captured while ours was in flight (kept as evidence, never judged).
_UNJUDGED = {Delivery.RINGING, Delivery.ANSWERED, Delivery.FOREIGN_CALL}


def classify(attempt: Attempt) -> str | None:
    """The state of a completed attempt, or None while it is in progress or was interrupted."""
    if attempt.status is not AttemptStatus.COMPLETED or attempt.delivery is None:
        return None
    delivery = attempt.delivery
    if delivery in _UNJUDGED:
        return None
    if delivery is Delivery.BLOCKED:
        return ScreenState.BLOCKED.value
    if delivery in _ERRORS:
        return ScreenState.ERROR.value
    if delivery is not Delivery.DELIVERED:
        return ScreenState.NOT_DELIVERED.value
    reading = attempt.reading
    if reading is not None and (reading.spam_label or reading.spam_class):
        return ScreenState.LABELLED.value
    verdict = attempt.verdict
    # a name the reading could not decide is shown as uncertain, never counted as misnamed
    if verdict is not None and any(
        c.expectation == "name" and c.state is CheckState.FAIL for c in verdict.checks
    ):
        return ScreenState.MISNAMED.value
    if reading is not None and reading.verified is Tristate.YES:
        return ScreenState.VERIFIED.value
    return ScreenState.CLEAN.value
