"""When a call is over, and what its report says, driven by pjsip log text (no SIP stack)."""

from __future__ import annotations

from robot.sip.callstate import CallState
from robot.sip.trace import read_log_entry
from robot.sip.wire import AccountSpec, CallSpec, LocalSide

SPEC = CallSpec(
    uri="sip:b@h",
    local_uri="<sip:+15550100@h>",
    transport="udp",
    account=AccountSpec(key="k", id_uri="sip:r@h"),
    local=LocalSide("127.0.0.1"),
    ring_timeout_s=10,
    max_duration_s=60,
)


def _tx(method: str) -> str:
    return (
        f"TX 500 bytes Request msg {method}/cseq=1 (tdta0x1) to UDP 10.0.0.1:5060:\n"
        f"{method} sip:b@h SIP/2.0\r\nCall-ID: c1\r\nCSeq: 1 {method}\r\n\r\n"
    )


def _rx(code: int, phrase: str, method: str = "INVITE") -> str:
    return (
        f"RX 300 bytes Response msg {code}/{method}/cseq=1 (rdata0x1) from UDP "
        f"10.0.0.1:5060:\nSIP/2.0 {code} {phrase}\r\nCall-ID: c1\r\nCSeq: 1 {method}\r\n\r\n"
    )


def _feed(state: CallState, *texts: str, now: float = 1.0) -> list[int]:
    codes = []
    for text in texts:
        event = state.record(text, read_log_entry(text), now)
        if event is not None:
            codes.append(event[0])
    return codes


def test_cancelled_call_is_over_only_after_the_487() -> None:
    state = CallState(key=1, spec=SPEC, started=0.0, call_id="c1")
    assert _feed(state, _tx("INVITE"), _rx(100, "Trying"), _rx(180, "Ringing")) == [100, 180]
    assert state.due_for_hang_up(11.0) and not state.due_for_hang_up(5.0)
    state.mark_hung_up(11.0)
    state.disconnect(487, "Request Terminated", None)  # pjsua says so before the wire does
    assert not state.is_over(11.1, grace_s=8)
    _feed(state, _tx("CANCEL"), _rx(200, "OK", "CANCEL"), _rx(487, "Request Terminated"))
    assert state.is_over(11.2, grace_s=8)
    report = state.report(11.2)
    assert (report.final_code, report.cancelled_by_us, report.transport) == (487, True, "udp")
    assert report.trace.count("--- ") == 6


def test_auth_retry_starts_a_new_transaction() -> None:
    state = CallState(key=1, spec=SPEC, started=0.0, call_id="c1")
    assert _feed(state, _tx("INVITE"), _rx(407, "Proxy Authentication Required")) == [407]
    assert state.final is not None and state.final.status == 407
    _feed(state, _tx("INVITE"))
    assert state.final is None
    assert _feed(state, _rx(486, "Busy Here")) == [486]
    state.disconnect(486, "Busy Here", "SIP/2.0 486 Busy Here\r\nCSeq: 2 INVITE\r\n\r\n")
    assert state.is_over(2.0, grace_s=8)
    assert state.report(2.0).final_raw is not None and not state.cancelled_by_us


def test_answered_call_waits_for_the_bye_answer_and_grace_caps_it() -> None:
    state = CallState(key=1, spec=SPEC, started=0.0, call_id="c1")
    _feed(state, _tx("INVITE"), _rx(200, "OK"))
    assert state.answered and not state.due_for_hang_up(30.0) and state.due_for_hang_up(61.0)
    state.mark_hung_up(3.0)
    state.disconnect(200, "Normal call clearing", None)
    assert not state.cancelled_by_us and not state.is_over(3.1, grace_s=8)
    assert state.is_over(12.0, grace_s=8)  # BYE never answered: we stop waiting
    assert state.error is not None and "in time" in state.error
    other = CallState(key=2, spec=SPEC, started=0.0, call_id="c1")
    _feed(other, _tx("INVITE"), _rx(200, "OK"))
    _feed(
        other,
        "RX 200 bytes Request msg BYE/cseq=9 (rdata0x1) from UDP 10.0.0.1:5060:\n"
        "BYE sip:r@h SIP/2.0\r\nCall-ID: c1\r\nCSeq: 9 BYE\r\n\r\n",
    )
    other.disconnect(200, "Normal call clearing", None)
    assert other.is_over(4.0, grace_s=8)  # the far end hung up


def test_no_response_at_all() -> None:
    state = CallState(key=1, spec=SPEC, started=0.0, call_id="c1")
    _feed(state, _tx("INVITE"))
    state.mark_hung_up(10.5)
    state.disconnect(487, "Request Terminated", None)
    assert state.is_over(10.5, grace_s=8)
    report = state.report(10.5)
    assert report.final_code is None and report.cancelled_by_us
    assert report.error == "no response from the peer before our time limit"
