"""Judged attempts and a stepping clock for alert tests (verdicts come from the real `judge`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from robot.domain.alerts import AlertChannel
from robot.domain.judge import judge
from robot.domain.model import (
    Artifacts,
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Attestation,
    Delivery,
    Expectations,
    LabelClass,
    OutcomeExpectation,
    Reading,
    SipOutcome,
    Tristate,
    VerifiedExpectation,
)

NUMBER = "+12025550101"
CARRIER = "sim-tmobile"
EXPECT = Expectations(name="Northwind Bank", no_label=True)
_ids = itertools.count(1)


@dataclass
class StepClock:
    at: datetime = field(default_factory=lambda: datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    mono: float = 1000.0

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)
        self.mono += seconds


def reading(
    label: str | None = None,
    *,
    name: str = "NORTHWIND BANK",
    verified: Tristate = Tristate.YES,
    uncertain: tuple[str, ...] = (),
) -> Reading:
    return Reading(
        name=name,
        spam_label=label,
        spam_class=LabelClass.SCAM if label else None,
        verified=verified,
        uncertain=uncertain,
    )


def attempt(
    shown: Reading | None = None,
    *,
    delivery: Delivery = Delivery.DELIVERED,
    number: str = NUMBER,
    carrier: str = CARRIER,
    expect: Expectations = EXPECT,
    attestation: Attestation | None = Attestation.A,
    status: AttemptStatus = AttemptStatus.COMPLETED,
    run_id: int = 1,
) -> Attempt:
    """A finished attempt judged by the real rules; delivered ones show `shown` (default: a
    clean, verified screen)."""
    if delivery is Delivery.DELIVERED and shown is None:
        shown = reading()
    verdict = judge(delivery, shown if delivery is Delivery.DELIVERED else None, expect)
    attempt_id = next(_ids)
    now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    return Attempt(
        id=attempt_id,
        run_id=run_id,
        number=number,
        carrier=carrier,
        handset_id="pixel8-tmo",
        times=AttemptTimes(dialed_at=now, ended_at=now),
        status=status,
        delivery=delivery,
        attestation=attestation,
        sip=SipOutcome(call_id=f"c{attempt_id}", final_code=487),
        reading=shown if delivery is Delivery.DELIVERED else None,
        verdict=verdict,
        artifacts=Artifacts(screenshot=f"2026/12/01/run{run_id}/attempt{attempt_id}.png"),
    )


def blocked_expectations() -> Expectations:
    return Expectations(outcome=OutcomeExpectation.BLOCKED)


def verified_expectations(wanted: VerifiedExpectation) -> Expectations:
    return Expectations(name="Northwind Bank", verified=wanted, no_label=True)


def channel(name: str = "ops", kind: str = "json", url_env: str = "OPS_WEBHOOK") -> AlertChannel:
    return AlertChannel(name, kind, url_env)
