"""Property tests: whatever a network sends back (random bytes, mangled headers, jCards that
are not JSON), the SIP side turns it into an outcome and a delivery class, never an
exception (issue 17: "random SIP responses to the parser")."""

from __future__ import annotations

import base64
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from robot.domain.delivery import classify_sip
from robot.domain.model import Delivery, SipEvent
from robot.sip.message import parse_message
from robot.sip.outcome import build_outcome
from robot.sip.trace import read_log_entry
from robot.sip.wire import CallReport

SETTINGS = settings(max_examples=300, deadline=None)

header_names = st.sampled_from(
    ["Reason", "Call-Info", "Content-Type", "Content-Length", "Call-ID", "Via", "To", "From",
     "CSeq", "Contact", "Warning", "X-Junk", "reason", "CALL-INFO", ""]
)  # fmt: skip
texts = st.text(max_size=80)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@st.composite
def call_info_values(draw: st.DrawFn) -> str:
    """Call-Info values: data: URIs with random (maybe valid) jCards, or junk."""
    payload = draw(json_values)
    encoded = base64.b64encode(json.dumps(payload).encode()).decode()
    uri = draw(
        st.sampled_from(
            [f"data:application/json;base64,{encoded}", "data:application/json;base64,%%%",
             "https://example.com/jcard", draw(texts)]
        )
    )  # fmt: skip
    purpose = draw(st.sampled_from([";purpose=jwscard", ";purpose=", "", ";" + draw(texts)]))
    return f"<{uri}>{purpose}"


@st.composite
def responses(draw: st.DrawFn) -> str:
    code = draw(st.integers(min_value=-5, max_value=1000) | st.just(603) | st.just(608))
    lines = [f"SIP/2.0 {code} {draw(texts)}"]
    for _ in range(draw(st.integers(0, 8))):
        name = draw(header_names)
        if name.lower() == "call-info":
            value = draw(call_info_values())
        elif name.lower() == "reason":
            value = draw(
                st.sampled_from(
                    ['SIP;cause=603;text="Network Blocked";location=TN', "Q.850;cause=21"]
                )
                | texts
            )
        else:
            value = draw(texts)
        lines.append(f"{name}: {value}")
    body = draw(st.one_of(st.just(""), texts, json_values.map(json.dumps)))
    return "\r\n".join(lines) + "\r\n\r\n" + body


def _delivery_of(report: CallReport, events: list[SipEvent]) -> Delivery:
    outcome = build_outcome(report, events)
    return classify_sip(
        outcome.final_code, outcome.final_phrase, outcome.reason, outcome.call_info,
        rang=outcome.rang, answered=outcome.answered, cancelled_by_us=outcome.cancelled_by_us,
    )  # fmt: skip


@SETTINGS
@given(raw=st.binary(max_size=600))
def test_random_bytes_as_a_final_response(raw: bytes) -> None:
    text = raw.decode("utf-8", errors="replace")
    parse_message(text)
    read_log_entry(text)
    report = CallReport(call_id="c", final_code=486, final_phrase="x", final_raw=text)
    assert isinstance(_delivery_of(report, []), Delivery)


@SETTINGS
@given(raw=responses(), code=st.integers(min_value=100, max_value=699) | st.none())
def test_mangled_responses_still_classify(raw: str, code: int | None) -> None:
    report = CallReport(
        call_id="c", final_code=code, final_phrase="phrase", final_raw=raw, answered=code == 200
    )
    events = [SipEvent(100, "Trying", 1.0), SipEvent(code or 180, "x", 2.0)]
    assert isinstance(_delivery_of(report, events), Delivery)


@SETTINGS
@given(raw=responses(), prefix=st.sampled_from(["RX", "TX", "junk"]))
def test_log_entries_of_any_message(raw: str, prefix: str) -> None:
    entry = f"{prefix} 512 bytes Response msg 486/INVITE/cseq=1 (rdata0x1) from UDP 1.2.3.4:5:\n"
    read_log_entry(entry + raw)
