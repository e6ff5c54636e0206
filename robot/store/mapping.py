"""Domain objects ⇄ table rows, both ways, without loss.

Presence of the optional parts of an attempt is carried by one column each: `call_id` NULL means
no SIP outcome, `verified` NULL means no screen reading, `verdict_checks` NULL means no verdict.
Structured values go to JSON: pairs that are naturally maps (phone settings, OCR confidence) as
objects, ordered lists (SIP events, Call-Info and its parameters, verdict checks) as arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    DisplayState,
    LabelClass,
    LabelSource,
    Reading,
    Reason,
    RedressContact,
    Run,
    RunStatus,
    SipEvent,
    SipOutcome,
    Surface,
    Transport,
    Tristate,
    Verdict,
)
from robot.store.states import classify

Row = Mapping[Any, Any]


def run_to_row(run: Run) -> dict[str, Any]:
    return {
        "scenario": run.scenario,
        "trigger": run.trigger,
        "status": run.status.value,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "note": run.note,
        "planned_calls": run.planned_calls,
    }


def row_to_run(row: Row) -> Run:
    return Run(
        id=row["id"],
        scenario=row["scenario"],
        trigger=row["trigger"],
        status=RunStatus(row["status"]),
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        note=row["note"],
        planned_calls=row["planned_calls"],
    )


def attempt_to_row(attempt: Attempt) -> dict[str, Any]:
    """Every column of `attempts` except `id`."""
    times = attempt.times
    row: dict[str, Any] = {
        "run_id": attempt.run_id,
        "number": attempt.number,
        "carrier": attempt.carrier,
        "handset_id": attempt.handset_id,
        "status": attempt.status.value,
        "delivery": attempt.delivery.value if attempt.delivery else None,
        "attestation": attempt.attestation.value if attempt.attestation else None,
        "state": classify(attempt),
        "dialed_at": times.dialed_at,
        "first_provisional_at": times.first_provisional_at,
        "sip_ringing_at": times.sip_ringing_at,
        "handset_ringing_at": times.handset_ringing_at,
        "captured_at": times.captured_at,
        "ended_at": times.ended_at,
        "verdict_passed": attempt.verdict.passed if attempt.verdict else None,
        "verdict": attempt.verdict.outcome.value if attempt.verdict else None,
        "verdict_checks": _checks_json(attempt.verdict),
        "settings": dict(attempt.settings) if attempt.settings else None,
        "display_state": attempt.display_state.value if attempt.display_state else None,
        "planned_call": attempt.planned_call,
        "slot_wait_ms": attempt.slot_wait_ms,
        "worker": attempt.worker,
        "error": attempt.error,
        "screenshot": attempt.artifacts.screenshot,
        "page_source": attempt.artifacts.page_source,
        "sip_trace": attempt.artifacts.sip_trace,
    }
    row.update(_sip_columns(attempt.sip))
    row.update(_reading_columns(attempt.reading))
    return row


def _checks_json(verdict: Verdict | None) -> list[dict[str, Any]] | None:
    if verdict is None:
        return None
    return [
        {
            "expectation": c.expectation,
            "state": c.state.value,
            "passed": c.passed,
            "reason": c.reason,
        }
        for c in verdict.checks
    ]


def _sip_columns(sip: SipOutcome | None) -> dict[str, Any]:
    if sip is None:
        return dict.fromkeys(SIP_COLUMNS)
    reason = sip.reason
    redress = sip.redress
    return {
        "call_id": sip.call_id,
        "sip_events": [{"code": e.code, "phrase": e.phrase, "at_ms": e.at_ms} for e in sip.events],
        "final_code": sip.final_code,
        "final_phrase": sip.final_phrase,
        "reason_protocol": reason.protocol if reason else None,
        "reason_cause": reason.cause if reason else None,
        "reason_text": reason.text if reason else None,
        "reason_location": reason.location if reason else None,
        "call_info": [
            {"uri": c.uri, "purpose": c.purpose, "params": [list(p) for p in c.params]}
            for c in sip.call_info
        ],
        "redress": (
            {"name": redress.name, "org": redress.org, "tel": redress.tel, "url": redress.url}
            if redress
            else None
        ),
        "answered": sip.answered,
        "transport": sip.transport.value if sip.transport else None,
        "cancelled_by_us": sip.cancelled_by_us,
        "duration_ms": sip.duration_ms,
        "sip_error": sip.error,
    }


SIP_COLUMNS = (
    "call_id",
    "sip_events",
    "final_code",
    "final_phrase",
    "reason_protocol",
    "reason_cause",
    "reason_text",
    "reason_location",
    "call_info",
    "redress",
    "answered",
    "transport",
    "cancelled_by_us",
    "duration_ms",
    "sip_error",
)
READING_COLUMNS = (
    "name",
    "number_shown",
    "spam_label",
    "spam_class",
    "verified",
    "logo",
    "call_reason",
    "confidence",
    "raw_text",
    "engine",
    "disagreements",
    "logo_matches",
    "surface",
    "label_source",
    "uncertain",
)


def _reading_columns(reading: Reading | None) -> dict[str, Any]:
    if reading is None:
        return dict.fromkeys(READING_COLUMNS)
    return {
        "name": reading.name,
        "number_shown": reading.number,
        "spam_label": reading.spam_label,
        "spam_class": reading.spam_class.value if reading.spam_class else None,
        "verified": reading.verified.value,
        "logo": reading.logo,
        "call_reason": reading.call_reason,
        "confidence": dict(reading.confidence),
        "raw_text": reading.raw_text,
        "engine": reading.engine,
        "disagreements": [list(d) for d in reading.disagreements],
        "logo_matches": reading.logo_matches,
        "surface": reading.surface.value if reading.surface else None,
        "label_source": reading.label_source.value if reading.label_source else None,
        "uncertain": list(reading.uncertain),
    }


def row_to_attempt(row: Row) -> Attempt:
    return Attempt(
        id=row["id"],
        run_id=row["run_id"],
        number=row["number"],
        carrier=row["carrier"],
        handset_id=row["handset_id"],
        status=AttemptStatus(row["status"]),
        delivery=Delivery(row["delivery"]) if row["delivery"] else None,
        attestation=Attestation(row["attestation"]) if row["attestation"] else None,
        times=AttemptTimes(
            dialed_at=row["dialed_at"],
            first_provisional_at=row["first_provisional_at"],
            sip_ringing_at=row["sip_ringing_at"],
            handset_ringing_at=row["handset_ringing_at"],
            captured_at=row["captured_at"],
            ended_at=row["ended_at"],
        ),
        sip=_row_to_sip(row),
        reading=_row_to_reading(row),
        verdict=_row_to_verdict(row),
        artifacts=Artifacts(
            screenshot=row["screenshot"], page_source=row["page_source"], sip_trace=row["sip_trace"]
        ),
        settings=tuple((str(k), str(v)) for k, v in (row["settings"] or {}).items()),
        display_state=DisplayState(row["display_state"]) if row["display_state"] else None,
        error=row["error"],
        planned_call=row["planned_call"],
        slot_wait_ms=float(row["slot_wait_ms"] or 0.0),
        worker=row["worker"],
    )


def _row_to_sip(row: Row) -> SipOutcome | None:
    if row["call_id"] is None:
        return None
    reason = None
    if row["reason_protocol"] is not None:
        reason = Reason(
            protocol=row["reason_protocol"],
            cause=row["reason_cause"],
            text=row["reason_text"],
            location=row["reason_location"],
        )
    redress = RedressContact(**row["redress"]) if row["redress"] else None
    return SipOutcome(
        call_id=row["call_id"],
        events=tuple(
            SipEvent(code=int(e["code"]), phrase=e["phrase"], at_ms=float(e["at_ms"]))
            for e in row["sip_events"] or ()
        ),
        final_code=row["final_code"],
        final_phrase=row["final_phrase"],
        reason=reason,
        call_info=tuple(
            CallInfo(
                uri=c["uri"],
                purpose=c.get("purpose"),
                params=tuple((str(k), str(v)) for k, v in c.get("params") or ()),
            )
            for c in row["call_info"] or ()
        ),
        redress=redress,
        answered=bool(row["answered"]),
        cancelled_by_us=bool(row["cancelled_by_us"]),
        transport=Transport(row["transport"]) if row["transport"] else None,
        duration_ms=float(row["duration_ms"] or 0.0),
        error=row["sip_error"],
    )


def _row_to_reading(row: Row) -> Reading | None:
    if row["verified"] is None:
        return None
    return Reading(
        name=row["name"],
        number=row["number_shown"],
        spam_label=row["spam_label"],
        spam_class=LabelClass(row["spam_class"]) if row["spam_class"] else None,
        verified=Tristate(row["verified"]),
        logo=row["logo"],
        call_reason=row["call_reason"],
        confidence=tuple((str(k), float(v)) for k, v in (row["confidence"] or {}).items()),
        raw_text=row["raw_text"] or "",
        engine=row["engine"] or "",
        disagreements=tuple(
            (str(field), _text_or_none(screen), _text_or_none(source))
            for field, screen, source in row["disagreements"] or ()
        ),
        logo_matches=row["logo_matches"],
        surface=Surface(row["surface"]) if row["surface"] else None,
        label_source=LabelSource(row["label_source"]) if row["label_source"] else None,
        uncertain=tuple(str(f) for f in row["uncertain"] or ()),
    )


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _row_to_verdict(row: Row) -> Verdict | None:
    if row["verdict_checks"] is None:
        return None
    return Verdict(checks=tuple(_row_to_check(c) for c in row["verdict_checks"]))


def _row_to_check(item: Mapping[str, Any]) -> Check:
    """A stored check; rows written before checks had states carry only `passed`."""
    state = item.get("state")
    if state is None:
        state = CheckState.PASS if item.get("passed") else CheckState.FAIL
    return Check(expectation=item["expectation"], state=CheckState(state), reason=item["reason"])
