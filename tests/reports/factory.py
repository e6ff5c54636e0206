"""Realistic weeks of test calls for report tests, written through the store's own API.

Ten ISO weeks (2026-W39 … W48) of six numbers and one Do-Not-Originate number on three
carriers, three calls per cell a week. Week 48 holds the changes the report must find,
including hostile screen text (a CNAM `<script>` and a label that tries to open an `<img>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from reports.build import Inventory
from reports.period import Period
from robot.domain.model import (
    Artifacts,
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Attestation,
    Check,
    CheckState,
    DialerKind,
    Direction,
    Handset,
    LabelClass,
    Number,
    Platform,
    Reading,
    Reason,
    RedressContact,
    Run,
    RunStatus,
    SipEvent,
    SipOutcome,
    Tristate,
    Verdict,
)
from robot.domain.model import Delivery as D
from robot.store.results import SqlResultStore

WEEK = Period.iso_week("2026-W48")
WEEKS = WEEK.trailing(10)
CARRIERS = ("T-Mobile", "AT&T", "Verizon")
XSS_NAME = "<script>alert(1)</script>"
XSS_LABEL = '"><img src=x onerror=alert(1)>'
DNO = "+12025550199"

NUMBERS = (
    Number("+12025550101", "ACME Bank"),
    Number("+12025550102", "ACME Cards"),
    Number("+12025550103", "ACME Loans"),
    Number("+12025550104", "ACME Fraud Dept"),
    Number("+12025550105", "ACME Insurance"),
    Number("+12025550106", "ACME Support"),
    Number(DNO, "ACME Inbound", Direction.INBOUND_ONLY),
)
HANDSETS = tuple(
    Handset(
        id=f"h-{i}",
        platform=Platform.ANDROID if i != 2 else Platform.IOS,
        dialer=(DialerKind.GOOGLE, DialerKind.SAMSUNG, DialerKind.IOS)[i],
        carrier=carrier,
        msisdn=f"+1303555000{i}",
        appium_url=f"http://127.0.0.1:4723/h-{i}",
        model=("Pixel 8", "Galaxy S23", "iPhone 15")[i],
        os_version=("15", "14", "18.1")[i],
    )
    for i, carrier in enumerate(CARRIERS)
)
INVENTORY = Inventory(numbers=NUMBERS, handsets=HANDSETS, timezone="America/New_York")


@dataclass(frozen=True)
class Screen:
    """What one call showed (or how it ended) — the knobs the scenarios below turn."""

    delivery: D = D.DELIVERED
    name: str | None = None
    label: str | None = None
    label_class: LabelClass | None = None
    verified: Tristate = Tristate.YES
    code: int | None = None


def screen_for(number: Number, carrier: str, week: int, call: int) -> Screen:
    """The designed history: steady until week index 8 (W47), changes in W48 (index 9)."""
    last = week == len(WEEKS) - 1
    name = number.expected_name
    if number.e164 == DNO:
        leaking = carrier == "AT&T"
        return Screen(delivery=D.DELIVERED if leaking else D.BLOCKED, name=name, code=None)
    if number.e164 == "+12025550102" and carrier == "T-Mobile" and last:
        return Screen(
            name=name, label="Scam Likely", label_class=LabelClass.SCAM, verified=Tristate.NO
        )
    if number.e164 == "+12025550103" and carrier == "Verizon" and last:
        return Screen(delivery=D.BLOCKED, code=608)
    if number.e164 == "+12025550104" and carrier == "AT&T" and last:
        return Screen(name=name, verified=Tristate.NO)
    if number.e164 == "+12025550105" and carrier == "T-Mobile" and last:
        return Screen(name="ACME INS SVC", verified=Tristate.NO)
    if number.e164 == "+12025550106" and carrier == "AT&T" and last:
        return Screen(name=XSS_NAME, label=XSS_LABEL, label_class=LabelClass.SPAM)
    if number.e164 == "+12025550101" and carrier == "Verizon" and not last:
        return Screen(name=name, label="Potential Spam", label_class=LabelClass.SPAM)
    if carrier == "Verizon" and week in (2, 5) and call == 0:
        return Screen(name=name, label="Robocaller", label_class=LabelClass.SPAM)
    # Verizon shows no badge for B attestation (every third call is signed B).
    verified = Tristate.NO if carrier == "Verizon" and call == 2 else Tristate.YES
    return Screen(name=name, verified=verified)


def draw_screen(path: Path, caller: str, label: str | None, colour: str) -> None:
    """A small incoming-call screen, enough for a thumbnail to show something real."""
    image = Image.new("RGB", (270, 585), colour)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 120, 270, 230), fill="#202124")
    pen.text((20, 140), caller[:30], fill="white")
    if label:
        pen.text((20, 180), label[:30], fill="#ff8a65")
    pen.ellipse((40, 470, 100, 530), fill="#d93025")
    pen.ellipse((170, 470, 230, 530), fill="#188038")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)


def make_attempt(
    run_id: int, number: Number, carrier: str, week: int, call: int, artifacts: Path | None
) -> Attempt:
    screen = screen_for(number, carrier, week, call)
    handset = HANDSETS[CARRIERS.index(carrier)]
    dialed = WEEKS[week].start + timedelta(days=call * 2, hours=14, minutes=NUMBERS.index(number))
    attestation = Attestation.B if call == 2 else Attestation.A
    delivered = screen.delivery is D.DELIVERED
    sip = _sip(number, carrier, week, call, screen)
    reading = (
        Reading(
            name=screen.name,
            number=number.e164,
            spam_label=screen.label,
            spam_class=screen.label_class,
            verified=screen.verified,
            raw_text=f"{screen.name or ''}\n{screen.label or ''}",
            engine="tesseract",
        )
        if delivered
        else None
    )
    checks = [Check("delivered" if number.e164 != DNO else "blocked", CheckState.PASS, "ok")]
    if delivered and number.expected_name and screen.name != number.expected_name:
        checks.append(Check("name", CheckState.FAIL, f"expected {number.expected_name!r}"))
    stem = f"w{week:02d}/{number.e164[1:]}-{CARRIERS.index(carrier)}-{call}"
    evidence = Artifacts()
    if delivered and artifacts is not None and week >= len(WEEKS) - 2:
        colour = "#e8f0fe" if screen.label is None else "#fce8e6"
        draw_screen(artifacts / f"{stem}.png", screen.name or number.e164, screen.label, colour)
        (artifacts / f"{stem}.xml").write_text(
            f"<hierarchy><node text={screen.name!r} /></hierarchy>", encoding="utf-8"
        )
        (artifacts / f"{stem}.sip.txt").write_text("INVITE sip:...\nSIP/2.0 180 Ringing\n")
        evidence = Artifacts(f"{stem}.png", f"{stem}.xml", f"{stem}.sip.txt")
    return Attempt(
        run_id=run_id,
        number=number.e164,
        carrier=carrier,
        times=_times(dialed, delivered),
        handset_id=handset.id,
        status=AttemptStatus.COMPLETED,
        delivery=screen.delivery,
        attestation=attestation,
        sip=sip,
        reading=reading,
        verdict=Verdict(tuple(checks)),
        artifacts=evidence,
    )


def _times(dialed: datetime, delivered: bool) -> AttemptTimes:
    ring = dialed + timedelta(seconds=2)
    return AttemptTimes(
        dialed_at=dialed,
        first_provisional_at=dialed + timedelta(milliseconds=80),
        sip_ringing_at=ring if delivered else None,
        handset_ringing_at=ring + timedelta(milliseconds=600) if delivered else None,
        captured_at=ring + timedelta(seconds=1) if delivered else None,
        ended_at=dialed + timedelta(seconds=8),
    )


def _sip(number: Number, carrier: str, week: int, call: int, screen: Screen) -> SipOutcome:
    call_id = f"{number.e164[1:]}-{carrier}-{week}-{call}@ringcheck"
    if screen.delivery is D.DELIVERED:
        return SipOutcome(call_id, (SipEvent(180, "Ringing", 2000.0),), 487, "Request Terminated")
    if screen.code == 608:
        return SipOutcome(
            call_id,
            (),
            608,
            "Rejected",
            call_info=(),
            redress=RedressContact(
                name="Analytics Redress",
                org="TNS Call Guardian",
                tel="+18005550123",
                url="https://redress.example/<b>dispute</b>",
            ),
        )
    return SipOutcome(
        call_id,
        (),
        603,
        "Network Blocked",
        reason=Reason("SIP", 603, "Do-Not-Originate", "LN"),
    )


def fill(store: SqlResultStore, artifacts: Path | None) -> int:
    """Write every attempt through the store API; returns how many were written."""
    count = 0
    for week, span in enumerate(WEEKS):
        run = store.start_run(
            Run("weekly-check", "scheduled", span.start + timedelta(hours=13), RunStatus.RUNNING)
        )
        for number in NUMBERS:
            for carrier in CARRIERS:
                for call in range(3):
                    store.record_attempt(
                        make_attempt(run.id or 0, number, carrier, week, call, artifacts)
                    )
                    count += 1
    return count


NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
