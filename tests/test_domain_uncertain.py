"""Uncertain checks: a field the reading could not decide gives neither pass nor fail, unless
every value it may have gives the same answer."""

from __future__ import annotations

from robot.domain.judge import judge
from robot.domain.model import (
    CheckState,
    Delivery,
    Expectations,
    LabelClass,
    Reading,
    Tristate,
    VerifiedExpectation,
)

EXPECT = Expectations(name="Acme Bank", verified=VerifiedExpectation.YES, no_label=True)


def states(reading: Reading, expect: Expectations = EXPECT) -> dict[str, CheckState]:
    verdict = judge(Delivery.DELIVERED, reading, expect)
    return {c.expectation: c.state for c in verdict.checks}


def test_a_name_read_two_ways_one_matching_is_uncertain() -> None:
    reading = Reading(
        name="ACME BANK",
        verified=Tristate.YES,
        disagreements=(("name", "ACME BANK", "ACME BANX CORP"),),
        uncertain=("name",),
    )
    verdict = judge(Delivery.DELIVERED, reading, EXPECT)
    assert states(reading)["name"] is CheckState.UNCERTAIN
    assert verdict.outcome is CheckState.UNCERTAIN and not verdict.passed and not verdict.failed
    [check] = [c for c in verdict.checks if c.expectation == "name"]
    assert "ACME BANX CORP" in check.reason and "ACME BANK" in check.reason


def test_a_name_read_two_ways_that_both_match_or_both_differ_is_decided() -> None:
    both_match = Reading(
        name="ACME BANK",
        verified=Tristate.YES,
        disagreements=(("name", "ACME BANK", "Acme Bank"),),
        uncertain=("name",),
    )
    assert states(both_match)["name"] is CheckState.PASS
    both_differ = Reading(
        name="Globex",
        verified=Tristate.YES,
        disagreements=(("name", "Globex", "Initech"),),
        uncertain=("name",),
    )
    assert states(both_differ)["name"] is CheckState.FAIL


def test_a_label_seen_by_one_reading_only_is_uncertain_never_a_pass() -> None:
    reading = Reading(
        name="ACME BANK",
        verified=Tristate.YES,
        disagreements=(("spam_label", None, "Spam Risk"),),
        uncertain=("spam_label",),
    )
    assert states(reading)["no_label"] is CheckState.UNCERTAIN
    labelled = Reading(
        name="ACME BANK",
        spam_label="Spam Risk",
        spam_class=LabelClass.SPAM,
        verified=Tristate.YES,
        disagreements=(("spam_label", "Spam Risk", "Potential Spam"),),
        uncertain=("spam_label",),
    )
    assert states(labelled)["no_label"] is CheckState.FAIL  # a label either way


def test_a_badge_that_could_not_be_read_is_uncertain() -> None:
    assert states(Reading(name="ACME BANK"))["verified"] is CheckState.UNCERTAIN
    unsure = Reading(name="ACME BANK", verified=Tristate.NO, uncertain=("verified",))
    assert states(unsure)["verified"] is CheckState.UNCERTAIN


def test_an_uncertain_logo_comparison_is_uncertain() -> None:
    reading = Reading(
        name="ACME BANK", verified=Tristate.YES, logo_matches=False, uncertain=("logo_matches",)
    )
    assert states(reading)["logo"] is CheckState.UNCERTAIN


def test_a_failure_beats_an_uncertain_check() -> None:
    reading = Reading(
        name="Globex",
        verified=Tristate.UNKNOWN,
    )
    verdict = judge(Delivery.DELIVERED, reading, EXPECT)
    assert verdict.failed and verdict.outcome is CheckState.FAIL
