"""What the worker knows about one call, fed by pjsip's message log and call-state callbacks.

Kept apart from the pjsua2 code so the rules (which response is final, when a call is really
over, what counts as cancelled by us) are plain Python that tests drive with log text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from robot.sip.message import parse_message
from robot.sip.trace import LoggedMessage
from robot.sip.wire import CallReport, CallSpec


@dataclass
class CallState:
    key: int
    spec: CallSpec
    started: float
    call: Any = None
    slot: int | None = None  # pjsua call id (slot index) the call was placed in
    call_id: str = ""
    account_key: str = ""
    disconnected: bool = False
    answered: bool = False
    hung_up_at: float | None = None
    cancelled_by_us: bool = False
    final: LoggedMessage | None = None
    final_raw: str | None = None
    any_response: bool = False
    bye_done: bool = False
    transport: str | None = None
    malformed: str | None = None
    error: str | None = None
    trace: list[str] = field(default_factory=list)

    def record(
        self, text: str, logged: LoggedMessage | None, now: float
    ) -> tuple[int, str, float] | None:
        """Keep a logged message in the trace; a response to our INVITE becomes an event."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        at_ms = (now - self.started) * 1000.0
        self.trace.append(f"--- {stamp}Z +{at_ms:.1f}ms ---\n{text}")
        if logged is None:
            return None
        if logged.malformed:
            self.malformed = text
            return None
        if logged.direction == "TX" and logged.method == "INVITE":
            self.transport = self.transport or logged.transport
            if self.final is not None and self.final.status in (401, 407):
                self.final = None  # the INVITE again, with credentials: a new transaction
        if logged.direction == "RX" and logged.method == "BYE":
            # the far end hung up (request), or answered our BYE (final response)
            self.bye_done = logged.status is None or logged.status >= 200
        if not (logged.invite_response and logged.status is not None):
            return None
        self.any_response = True
        if logged.status >= 200:
            self.final = logged
            self.answered = self.answered or logged.status < 300
        return logged.status, logged.phrase or "", at_ms

    def due_for_hang_up(self, now: float) -> bool:
        """Ring timeout (until answered) and maximum duration, enforced by us."""
        if self.hung_up_at is not None:
            return False
        elapsed = now - self.started
        ring_over = not self.answered and elapsed > self.spec.ring_timeout_s
        return ring_over or elapsed > self.spec.max_duration_s

    def mark_hung_up(self, now: float) -> None:
        self.hung_up_at = now
        if self.final is None:
            self.cancelled_by_us = True

    def disconnect(self, last_code: int, last_reason: str, whole_msg: str | None) -> None:
        """pjsua says DISCONNECTED (for our CANCEL at once, before the 487 arrives)."""
        self.disconnected = True
        if not self.any_response and self.error is None:
            if self.hung_up_at is not None:
                self.error = "no response from the peer before our time limit"
            else:
                self.error = (
                    f"no response from the peer (the SIP stack ended the call with "
                    f"{last_code} {last_reason})"
                )
        if whole_msg and self.final_raw is None:
            message = parse_message(whole_msg)
            if message.status and message.cseq_method == "INVITE":
                self.final_raw = whole_msg  # whole, even past pjlib's 4000-character log lines

    def is_over(self, now: float, grace_s: float) -> bool:
        """Disconnected and the dialog finished on the wire (487/ACK, BYE answered), or
        the peer never answered, or it did not finish within `grace_s` of our hang-up."""
        if not self.disconnected:
            return False
        if not self.any_response:
            return True
        if self.hung_up_at is not None and now - self.hung_up_at > grace_s:
            self.error = self.error or "no final answer to our CANCEL/BYE in time"
            return True
        if self.final is None or self.final.status is None:
            return False
        return self.final.status >= 300 or self.bye_done

    def report(self, now: float) -> CallReport:
        final = self.final
        return CallReport(
            call_id=self.call_id,
            final_code=final.status if final else None,
            final_phrase=final.phrase if final else None,
            final_raw=self.final_raw or (final.message if final else None),
            answered=self.answered,
            cancelled_by_us=self.cancelled_by_us,
            transport=self.transport,
            duration_ms=(now - self.started) * 1000.0,
            malformed=self.malformed,
            error=self.error,
            trace="\n".join(self.trace),
        )
