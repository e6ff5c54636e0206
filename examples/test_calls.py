"""Checks a QA team keeps in pytest, run against the example project's virtual farm.

    ringcheck demo --dir demo                     # once: the example project with its own key
    pytest examples/test_calls.py --ringcheck-project demo

Every call lands in the project's store (`ringcheck results list` shows them) and the pytest
report of each test names its screenshots. Against a real farm, pass `--ringcheck-farm` or
point the project at your handsets.
"""

from __future__ import annotations

RETAIL = "+12025550101"  # Northwind Bank, signed with attestation A by its trunk
FRAUD_ALERTS = "+13125550104"  # "Northwind Bank Fraud Alerts": longer than CNAM's 15 characters
IVR = "+14155550105"  # inbound only: registered Do-Not-Originate


def test_retail_line_shows_verified_and_unlabelled_on_tmobile(ringcheck):
    result = ringcheck.call(RETAIL, carrier="tmobile")
    assert result.verified and not result.spam_label
    assert result.passed, result.reasons


def test_an_unsigned_call_loses_the_badge(ringcheck):
    result = ringcheck.call(RETAIL, carrier="T-Mobile", attest="none")
    assert result.delivered and not result.verified


def test_do_not_originate_number_is_blocked_on_att(ringcheck):
    result = ringcheck.call(IVR, carrier="AT&T")
    assert result.blocked


def test_a_long_name_is_cut_and_flagged(ringcheck):
    result = ringcheck.call(FRAUD_ALERTS, carrier="tmobile")
    assert result.name and len(result.name) <= 15
    assert any("truncated name" in w for w in result.warnings)
