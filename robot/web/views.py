"""The console's data as plain dicts: what the API returns as JSON and what pages render.

One shape per thing (attempt, run, handset), so a page and the API never disagree. Text from
screens and networks is passed through as data; escaping is the job of whoever renders it
(Jinja autoescaping for pages, `textContent` in the page script, JSON for the API).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from robot.domain.model import Attempt, AttemptStatus, Handset, Run, RunStatus
from robot.engine.summary import cause_of, kind_of
from robot.store.artifacts import ArtifactKind
from robot.store.console_queries import Progress, RunRecord
from robot.store.leases import HandsetStatus
from robot.store.states import classify

EVIDENCE_KINDS = tuple(kind.value for kind in ArtifactKind)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def evidence_links(attempt: Attempt) -> dict[str, str]:
    """The evidence the attempt has, as API paths (streamed by attempt id, never by file name)."""
    out = {}
    for kind in EVIDENCE_KINDS:
        if getattr(attempt.artifacts, kind):
            out[kind] = f"/api/attempts/{attempt.id}/evidence/{kind}"
    return out


def attempt_summary(attempt: Attempt) -> dict[str, Any]:
    """An attempt as a row of a list."""
    reading = attempt.reading
    verdict = attempt.verdict
    if attempt.status is AttemptStatus.COMPLETED:
        kind, cause = kind_of(attempt).value, cause_of(attempt)
    elif attempt.status is AttemptStatus.IN_PROGRESS:
        kind, cause = "in_progress", "the call is in progress"
    else:
        kind, cause = "interrupted", attempt.error or "the run stopped during the call"
    return {
        "id": attempt.id,
        "run_id": attempt.run_id,
        "number": attempt.number,
        "carrier": attempt.carrier,
        "handset": attempt.handset_id,
        "status": attempt.status.value,
        "delivery": attempt.delivery.value if attempt.delivery else None,
        "state": classify(attempt),
        "verdict": verdict.outcome.value if verdict else None,
        "kind": kind,
        "cause": cause,
        "attestation": attempt.attestation.value if attempt.attestation else None,
        "dialed_at": iso(attempt.times.dialed_at),
        "name": reading.name if reading else None,
        "spam_label": reading.spam_label if reading else None,
        "verified": reading.verified.value if reading else None,
        "uncertain": list(reading.uncertain) if reading else [],
        "final_code": attempt.sip.final_code if attempt.sip else None,
        "evidence": evidence_links(attempt),
        "page": f"/attempts/{attempt.id}",
    }


def attempt_detail(attempt: Attempt, scenario: str | None) -> dict[str, Any]:
    """Everything about one attempt: timestamps, SIP, reading (uncertain fields and
    disagreements included), verdict with each check, phone state, evidence."""
    out = attempt_summary(attempt)
    times = attempt.times
    out.update(
        scenario=scenario,
        planned_call=attempt.planned_call,
        error=attempt.error,
        display_state=attempt.display_state.value if attempt.display_state else None,
        settings=dict(attempt.settings),
        times={
            "dialed_at": iso(times.dialed_at),
            "first_provisional_at": iso(times.first_provisional_at),
            "sip_ringing_at": iso(times.sip_ringing_at),
            "handset_ringing_at": iso(times.handset_ringing_at),
            "captured_at": iso(times.captured_at),
            "ended_at": iso(times.ended_at),
        },
        sip=_sip(attempt),
        reading=_reading(attempt),
        checks=[
            {"expectation": c.expectation, "state": c.state.value, "reason": c.reason}
            for c in (attempt.verdict.checks if attempt.verdict else ())
        ],
    )
    return out


def _sip(attempt: Attempt) -> dict[str, Any] | None:
    sip = attempt.sip
    if sip is None:
        return None
    reason = sip.reason
    redress = sip.redress
    return {
        "call_id": sip.call_id,
        "events": [{"code": e.code, "phrase": e.phrase, "at_ms": e.at_ms} for e in sip.events],
        "final_code": sip.final_code,
        "final_phrase": sip.final_phrase,
        "reason": None
        if reason is None
        else {
            "protocol": reason.protocol,
            "cause": reason.cause,
            "text": reason.text,
            "location": reason.location,
        },
        "redress": None
        if redress is None
        else {"name": redress.name, "org": redress.org, "tel": redress.tel, "url": redress.url},
        "call_info": [{"uri": c.uri, "purpose": c.purpose} for c in sip.call_info],
        "answered": sip.answered,
        "cancelled_by_us": sip.cancelled_by_us,
        "transport": sip.transport.value if sip.transport else None,
        "duration_ms": sip.duration_ms,
        "error": sip.error,
    }


def _reading(attempt: Attempt) -> dict[str, Any] | None:
    reading = attempt.reading
    if reading is None:
        return None
    return {
        "surface": reading.surface.value if reading.surface else None,
        "name": reading.name,
        "number": reading.number,
        "spam_label": reading.spam_label,
        "spam_class": reading.spam_class.value if reading.spam_class else None,
        "label_source": reading.label_source.value if reading.label_source else None,
        "verified": reading.verified.value,
        "logo": reading.logo,
        "logo_matches": reading.logo_matches,
        "call_reason": reading.call_reason,
        "confidence": dict(reading.confidence),
        "uncertain": list(reading.uncertain),
        "disagreements": [
            {"field": f, "screen": screen, "page_source": source}
            for f, screen, source in reading.disagreements
        ],
        "engine": reading.engine,
        "raw_text": reading.raw_text,
    }


def run_json(
    record: RunRecord, progress: Progress | None, *, live: bool, triggered_by: str | None = None
) -> dict[str, Any]:
    """A run with its progress: attempts done of the calls it planned."""
    run: Run = record.run
    done = progress or Progress()
    finished = done.completed + done.interrupted
    return {
        "id": run.id,
        "scenario": run.scenario,
        "trigger": run.trigger,
        "status": run.status.value,
        "running": run.status is RunStatus.RUNNING,
        "cancellable": run.status is RunStatus.RUNNING and record.cancel_requested_by is None,
        "started_at": iso(run.started_at),
        "ended_at": iso(run.ended_at),
        "note": run.note,
        "planned_calls": run.planned_calls,
        "attempts": done.attempts,
        "finished_attempts": finished,
        "in_progress": done.in_progress,
        "passed": done.passed,
        "failed": done.failed,
        "uncertain": done.uncertain,
        "errors": done.errors,
        "cancel_requested_by": record.cancel_requested_by,
        "in_this_process": live,
        "triggered_by": triggered_by,
        "page": f"/runs/{run.id}",
    }


def handset_json(
    spec: Handset,
    status: HandsetStatus,
    leased_by: str | None,
    latest: Attempt | None,
) -> dict[str, Any]:
    """A handset: the farm file's facts, its state in the store, its lease and last screen."""
    enabled = spec.enabled if status.enabled_override is None else status.enabled_override
    if not enabled:
        state = "disabled"
    elif status.quarantined:
        state = "quarantined"
    elif leased_by is not None:
        state = "busy"
    else:
        state = "ready"
    return {
        "id": spec.id,
        "carrier": spec.carrier,
        "platform": spec.platform.value,
        "model": spec.model,
        "dialer": spec.dialer.value,
        "msisdn": spec.msisdn,
        "state": state,
        "enabled": enabled,
        "enabled_in_farm_file": spec.enabled,
        "quarantined": status.quarantined,
        "consecutive_errors": status.consecutive_errors,
        "last_error": status.last_error,
        "leased_by": leased_by,
        "latest_attempt": attempt_summary(latest) if latest is not None else None,
        "screenshot": evidence_links(latest).get("screenshot") if latest else None,
    }


def page_json(items: Sequence[dict[str, Any]], next_url: str | None) -> dict[str, Any]:
    """A page of a list: its items and the URL of the next (older) page, if any."""
    return {"items": list(items), "count": len(items), "next": next_url}
