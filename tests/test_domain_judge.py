"""The verdict and name comparison, as a QA engineer relies on them."""

from __future__ import annotations

from robot.domain.judge import judge
from robot.domain.model import (
    Check,
    CheckState,
    Delivery,
    Expectations,
    LabelClass,
    OutcomeExpectation,
    Reading,
    Tristate,
    Verdict,
    VerifiedExpectation,
)
from robot.domain.names import names_match, split_bracket_prefix


def test_cnam_truncation_and_capitals_match() -> None:
    assert names_match("ACME NATIONAL B", "Acme National Bank")
    assert names_match("Acme Nat…", "Acme National Bank")
    assert names_match("  acme   national bank ", "Acme National Bank")
    assert names_match("Societe Generale", "Société Générale")


def test_a_different_name_does_not_match() -> None:
    assert not names_match("ACME NATIONAL X", "Acme National Bank")
    assert not names_match("Acme", "Acme National Bank")
    assert not names_match("", "Acme")


def test_spam_prefix_is_split_off() -> None:
    assert split_bracket_prefix("[SPAM?] ACME BANK") == ("[SPAM?]", "ACME BANK")
    assert names_match("[SPAM?] ACME BANK", "Acme Bank")


def test_clean_verified_call_passes() -> None:
    reading = Reading(name="ACME BANK", verified=Tristate.YES)
    verdict = judge(
        Delivery.DELIVERED,
        reading,
        Expectations(name="Acme Bank", verified=VerifiedExpectation.YES, no_label=True),
    )
    assert verdict.passed, verdict.reasons


def test_label_and_missing_badge_fail_with_reasons() -> None:
    reading = Reading(
        name="ACME BANK", spam_label="Scam Likely", spam_class=LabelClass.SCAM, verified=Tristate.NO
    )
    verdict = judge(
        Delivery.DELIVERED,
        reading,
        Expectations(name="Acme Bank", verified=VerifiedExpectation.YES, no_label=True),
    )
    assert not verdict.passed
    assert any("Scam Likely" in r for r in verdict.reasons)
    assert any("badge" in r for r in verdict.reasons)


def test_blocked_expectation_rejects_plain_decline() -> None:
    must_block = Expectations(outcome=OutcomeExpectation.BLOCKED)
    assert judge(Delivery.BLOCKED, None, must_block).passed
    verdict = judge(Delivery.DECLINED, None, must_block)
    assert not verdict.passed
    assert "cannot tell" in verdict.reasons[0]
    assert not judge(Delivery.DELIVERED, Reading(name="X"), must_block).passed


def test_a_configured_brand_logo_is_checked_only_when_compared() -> None:
    expect = Expectations(name="Acme Bank")
    assert judge(Delivery.DELIVERED, Reading(name="ACME BANK"), expect).passed
    assert judge(Delivery.DELIVERED, Reading(name="ACME BANK", logo_matches=True), expect).passed
    missing = judge(Delivery.DELIVERED, Reading(name="ACME BANK", logo_matches=False), expect)
    assert not missing.passed and "logo" in missing.reasons[0]


def test_a_verdict_is_one_word_fail_before_uncertain_before_warn() -> None:
    ok = Check("delivered", CheckState.PASS, "the handset rang")
    warn = Check("name", CheckState.WARN, "CNAM cut the name")
    unsure = Check("verified", CheckState.UNCERTAIN, "engines disagree")
    bad = Check("no_label", CheckState.FAIL, "labelled")
    assert Verdict((ok, warn)).outcome is CheckState.WARN and Verdict((ok, warn)).passed
    mixed = Verdict((ok, warn, unsure))
    assert mixed.outcome is CheckState.UNCERTAIN
    assert mixed.uncertain and not mixed.passed and not mixed.failed
    worst = Verdict((ok, unsure, bad))
    assert worst.outcome is CheckState.FAIL and worst.failed and not worst.uncertain
    assert worst.reasons == ("engines disagree", "labelled")


def test_a_cnam_truncated_name_warns_and_can_be_made_to_fail() -> None:
    expected = "Northwind Bank Fraud Alerts"
    reading = Reading(name="NORTHWIND BANK")
    warned = judge(Delivery.DELIVERED, reading, Expectations(name=expected))
    name = next(c for c in warned.checks if c.expectation == "name")
    assert name.state is CheckState.WARN and "truncated name" in name.reason
    assert warned.passed and warned.outcome is CheckState.WARN  # shown, not a silent pass
    strict = Expectations(name=expected, truncated_name=CheckState.FAIL)
    failed = judge(Delivery.DELIVERED, reading, strict)
    assert failed.failed and "Fraud Alerts" in " ".join(failed.reasons)
    whole = judge(
        Delivery.DELIVERED, Reading(name="NORTHWIND BANK"), Expectations(name="Northwind Bank")
    )
    assert whole.outcome is CheckState.PASS  # a name that fits is not "truncated"
    cut = judge(Delivery.DELIVERED, Reading(name="Northwind Bank F…"), Expectations(name=expected))
    assert cut.outcome is CheckState.WARN
