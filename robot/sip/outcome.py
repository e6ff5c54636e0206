"""Turning a worker's `CallReport` into the domain's `SipOutcome` (pure, table-testable)."""

from __future__ import annotations

from collections.abc import Sequence

from robot.domain.model import CallInfo, SipEvent, SipOutcome, Transport
from robot.sip.headers import (
    inline_jcard,
    parse_call_info,
    parse_reason,
    redress_from_jcard,
)
from robot.sip.message import parse_message
from robot.sip.wire import CallReport

_EXPLAINED = (
    (
        "alert protocol version",
        "the peer wants a TLS version this SIP stack cannot speak: the pjsua2 wheel's OpenSSL"
        " 1.0.2k stops at TLS 1.2, so a TLS 1.3-only peer needs pjproject built from source"
        " (docs/production-sip.md)",
    ),
    (
        "certificate verify failed",
        "the peer's certificate is not signed by a CA we trust: set the trunk's ca_file to"
        " its CA (or tls_verify: false in a lab)",
    ),
)


def explain(error: str | None) -> str | None:
    """The stack's error with what it means for the trunk's settings, when we know."""
    if error is None:
        return None
    lowered = error.lower()
    for needle, meaning in _EXPLAINED:
        if needle in lowered and meaning not in error:
            return f"{error}; {meaning}"
    return error


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
    error = explain(report.error)
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
