"""Attempts with every field filled, for round-trip and query tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

from robot.domain.model import (
    Artifacts,
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Attestation,
    CallInfo,
    Check,
    CheckState,
    Delivery,
    LabelClass,
    Reading,
    Reason,
    RedressContact,
    Run,
    SipEvent,
    SipOutcome,
    Transport,
    Tristate,
    Verdict,
)

T0 = datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC)


def run(scenario: str = "weekly", at: datetime = T0) -> Run:
    return Run(scenario=scenario, trigger="manual", started_at=at)


def full_attempt(run_id: int, *, dialed_at: datetime = T0) -> Attempt:
    """A completed blocked-then-labelled style attempt with every optional part present."""
    # A non-UTC offset on purpose: the store must hand back the same instant in UTC.
    paris = timezone(timedelta(hours=1))
    t = dialed_at
    return Attempt(
        run_id=run_id,
        number="+12025550100",
        carrier="tmobile",
        handset_id="pixel-7-tmo",
        status=AttemptStatus.COMPLETED,
        delivery=Delivery.DELIVERED,
        attestation=Attestation.B,
        times=AttemptTimes(
            dialed_at=t.astimezone(paris),
            first_provisional_at=t + timedelta(milliseconds=31),
            sip_ringing_at=t + timedelta(milliseconds=812),
            handset_ringing_at=t + timedelta(seconds=1, milliseconds=5),
            captured_at=t + timedelta(seconds=1, milliseconds=901),
            ended_at=t + timedelta(seconds=4),
        ),
        sip=SipOutcome(
            call_id="a84b4c76e66710@127.0.0.1",
            events=(SipEvent(100, "Trying", 31.5), SipEvent(180, "Ringing", 812.25)),
            final_code=487,
            final_phrase="Request Terminated",
            reason=Reason("SIP", 603, "Network Blocked", "TN"),
            call_info=(
                CallInfo("https://example.com/jcard.json", "jwscard", (("x", "1"), ("y", "2"))),
                CallInfo("data:text/plain,Your order", "call-reason"),
            ),
            redress=RedressContact("Carrier Desk", "T-Mobile", "tel:+18005550199", "https://x.y"),
            answered=False,
            cancelled_by_us=True,
            transport=Transport.TCP,
            duration_ms=4012.5,
            error=None,
        ),
        reading=Reading(
            name="ACME Pharmacy",
            number="(202) 555-0100",
            spam_label="Scam Likely",
            spam_class=LabelClass.SCAM,
            verified=Tristate.NO,
            logo=False,
            call_reason="Your order",
            confidence=(("name", 0.91), ("label", 0.875)),
            raw_text="Scam Likely\nACME Pharmacy\n(202) 555-0100",
            engine="tesseract-5",
        ),
        verdict=Verdict(
            checks=(
                Check("delivered", CheckState.PASS, "the handset rang"),
                Check("no_label", CheckState.FAIL, "labelled 'Scam Likely' (scam)"),
            )
        ),
        artifacts=Artifacts(
            screenshot="2026/11/23/run1/attempt1-screenshot.png",
            page_source="2026/11/23/run1/attempt1-page_source.xml",
            sip_trace="2026/11/23/run1/attempt1-sip_trace.txt",
        ),
        settings=(("contact_saved", "no"), ("dnd", "off")),
        error="none, just a note",
    )


def simple(
    run_id: int,
    number: str,
    carrier: str,
    dialed_at: datetime,
    *,
    delivery: Delivery = Delivery.DELIVERED,
    label: str | None = None,
    verified: Tristate = Tristate.UNKNOWN,
    name: str | None = "ACME",
    code: int | None = None,
) -> Attempt:
    """A completed attempt with just what state classification looks at."""
    reading = None
    if delivery is Delivery.DELIVERED:
        reading = Reading(
            name=name,
            spam_label=label,
            spam_class=LabelClass.SPAM if label else None,
            verified=verified,
        )
    sip = SipOutcome(call_id=f"{number}-{dialed_at.timestamp()}", final_code=code)
    return Attempt(
        run_id=run_id,
        number=number,
        carrier=carrier,
        times=AttemptTimes(dialed_at=dialed_at),
        status=AttemptStatus.COMPLETED,
        delivery=delivery,
        reading=reading,
        sip=sip,
    )


def normalised(attempt: Attempt) -> Attempt:
    """What the store hands back: timestamps in UTC (same instants)."""
    t = attempt.times

    def utc(moment: datetime | None) -> datetime | None:
        return moment.astimezone(UTC) if moment else None

    return dataclasses.replace(
        attempt,
        times=AttemptTimes(
            dialed_at=t.dialed_at.astimezone(UTC),
            first_provisional_at=utc(t.first_provisional_at),
            sip_ringing_at=utc(t.sip_ringing_at),
            handset_ringing_at=utc(t.handset_ringing_at),
            captured_at=utc(t.captured_at),
            ended_at=utc(t.ended_at),
        ),
    )
