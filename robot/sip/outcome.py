"""Turning a worker's `CallReport` into the domain's `SipOutcome` (pure, table-testable)."""

from __future__ import annotations

from collections.abc import Sequence

from robot.domain.model import CallInfo, SipEvent, SipOutcome, Transport
from robot.sip.headers import (
    inline_jcard,
    parse_call_info,
    parse_message,
    parse_reason,
    redress_from_jcard,
)
from robot.sip.protocol import CallReport


def build_outcome(report: CallReport, events: Sequence[SipEvent]) -> SipOutcome:
    """Final answer, its Reason/Call-Info/jCard evidence, and what went wrong if anything."""
    reason = None
    call_info: tuple[CallInfo, ...] = ()
    jcard = None
    if report.final_raw:
        message = parse_message(report.final_raw)
        reason = parse_reason(message.all("reason"))
        call_info = parse_call_info(message.all("call-info"))
        content_type = (message.first("content-type") or "").lower()
        body = message.body if "json" in content_type or "vcard" in content_type else ""
        jcard = inline_jcard(call_info, body)
    error = report.error
    if report.malformed:
        first = report.malformed.split("\n", 1)[0][:200]
        note = f"the SIP stack could not parse a response ({first}); its raw text is in the trace"
        error = f"{error}; {note}" if error else note
    transport = None
    if report.transport in {t.value for t in Transport}:
        transport = Transport(report.transport)
    return SipOutcome(
        call_id=report.call_id,
        events=tuple(events),
        final_code=report.final_code,
        final_phrase=report.final_phrase,
        reason=reason,
        call_info=call_info,
        redress=redress_from_jcard(jcard),
        jcard=jcard,
        answered=report.answered,
        cancelled_by_us=report.cancelled_by_us,
        transport=transport,
        duration_ms=report.duration_ms,
        error=error,
    )
