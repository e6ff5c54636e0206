"""The pure verdict: did the customer see what the scenario expected?"""

from __future__ import annotations

from .candidates import candidates
from .model import (
    Check,
    CheckState,
    Delivery,
    Expectations,
    OutcomeExpectation,
    Reading,
    Tristate,
    Verdict,
    VerifiedExpectation,
)
from .names import is_truncated, names_match

_PASS = CheckState.PASS
_FAIL = CheckState.FAIL
_UNCERTAIN = CheckState.UNCERTAIN
_STOPPED_BY_NETWORK = frozenset({Delivery.BLOCKED, Delivery.DECLINED, Delivery.REJECTED})


def judge(delivery: Delivery, reading: Reading | None, expectations: Expectations) -> Verdict:
    """Check each expectation against what happened; each check carries a readable reason."""
    checks: list[Check] = [_check_outcome(delivery, expectations.outcome)]
    if delivery is not Delivery.DELIVERED:
        return Verdict(tuple(checks))
    if reading is None:
        checks.append(Check("screen", _FAIL, "the handset rang but no screen reading was recorded"))
        return Verdict(tuple(checks))
    if expectations.name is not None:
        checks.append(_check_name(reading, expectations.name, expectations.truncated_name))
    if expectations.verified is not VerifiedExpectation.ANY:
        checks.append(_check_verified(reading, expectations.verified))
    if expectations.no_label:
        checks.append(_check_no_label(reading))
    if reading.logo_matches is not None:  # the number has a brand logo to compare with
        checks.append(_check_logo(reading.logo_matches, "logo_matches" in reading.uncertain))
    return Verdict(tuple(checks))


def _check_outcome(delivery: Delivery, wanted: OutcomeExpectation) -> Check:
    if wanted is OutcomeExpectation.ANY:
        return Check("delivered", _PASS, f"call ended as {delivery.value}")
    if wanted is OutcomeExpectation.BLOCKED:
        if delivery is Delivery.BLOCKED:
            return Check("blocked", _PASS, "the network blocked the call as expected")
        if delivery is Delivery.DECLINED:
            return Check(
                "blocked",
                _FAIL,
                "plain 603 Decline: cannot tell a block from a decline (no Network Blocked)",
            )
        return Check("blocked", _FAIL, f"expected a block, the call ended as {delivery.value}")
    if delivery is Delivery.DELIVERED:
        return Check("delivered", _PASS, "the handset rang")
    if delivery in _STOPPED_BY_NETWORK:
        return Check("delivered", _FAIL, f"the call was {delivery.value} by the network")
    return Check("delivered", _FAIL, f"the handset did not ring: {delivery.value}")


def _check_name(reading: Reading, expected: str, truncated: CheckState) -> Check:
    seen = candidates(reading, "name")
    if len(seen) > 1 and len({n is not None and names_match(n, expected) for n in seen}) > 1:
        shown = " or ".join(repr(n) if n else "no name" for n in seen)
        return Check("name", _UNCERTAIN, f"expected name {expected!r}, the screen read {shown}")
    if reading.name is None:
        shown = f"the number {reading.number}" if reading.number else "no name"
        return Check("name", _FAIL, f"expected name {expected!r}, the screen showed {shown}")
    if is_truncated(reading.name, expected):
        return Check(
            "name",
            truncated,
            f"truncated name: the screen showed {reading.name!r}, customers do not see all of "
            f"{expected!r} (CNAM is at most 15 characters)",
        )
    if names_match(reading.name, expected):
        return Check("name", _PASS, f"name {reading.name!r} matches {expected!r}")
    return Check("name", _FAIL, f"expected name {expected!r}, the screen showed {reading.name!r}")


def _check_verified(reading: Reading, wanted: VerifiedExpectation) -> Check:
    if reading.verified is Tristate.UNKNOWN or "verified" in reading.uncertain:
        return Check("verified", _UNCERTAIN, "the verification badge could not be read")
    shown = reading.verified is Tristate.YES
    if shown == (wanted is VerifiedExpectation.YES):
        return Check("verified", _PASS, "badge shown" if shown else "no badge, as expected")
    if shown:
        return Check("verified", _FAIL, "a verified badge was shown where none was expected")
    return Check("verified", _FAIL, "the verified badge was missing")


def _check_no_label(reading: Reading) -> Check:
    labels = candidates(reading, "spam_label")
    if None in labels and len(labels) > 1:
        shown = " or ".join(repr(label) for label in labels if label is not None)
        return Check("no_label", _UNCERTAIN, f"the label slot read both {shown} and nothing")
    if reading.spam_label is None:
        return Check("no_label", _PASS, "no spam label")
    kind = reading.spam_class.value if reading.spam_class else "unclassified"
    return Check("no_label", _FAIL, f"labelled {reading.spam_label!r} ({kind})")


def _check_logo(matches: bool, uncertain: bool) -> Check:
    if uncertain:
        return Check("logo", _UNCERTAIN, "the avatar slot could not be compared with the logo")
    if matches:
        return Check("logo", _PASS, "the brand logo was shown")
    return Check("logo", _FAIL, "the expected brand logo was not shown")
