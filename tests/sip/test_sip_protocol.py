"""Turning a request into an INVITE spec, reading pjsip's message log, building outcomes."""

from __future__ import annotations

import pytest

from robot.domain.model import Reason, SipEvent, Transport, Trunk
from robot.errors import ConfigError, UsageError
from robot.ports import DialRequest
from robot.sip.outcome import build_outcome
from robot.sip.protocol import build_spec, uri_transport, uri_user
from robot.sip.trace import is_drop_notice, read_log_entry
from robot.sip.wire import CallReport

TRUNK = Trunk(
    name="carrier",
    host="sbc.example.net",
    port=5070,
    transport=Transport.TCP,
    auth_user="acct7",
    password_env="SBC_PW",
    from_display_name='Acme "Bank"',
    caller_id_in_pai=True,
    extra_headers=(("X-Campaign", "q3"),),
)


def test_trunk_spec_from_pai_headers_and_auth() -> None:
    request = DialRequest(
        from_number="+15550100", to="+15550199", trunk=TRUNK, headers=(("X-Run", "7"),)
    )
    spec = build_spec(request, identity="a.b.c;info=<https://x>", environ={"SBC_PW": "pw"})
    assert spec.uri == "sip:+15550199@sbc.example.net:5070;transport=tcp"
    assert spec.transport == Transport.TCP.value
    assert spec.local_uri == '"Acme \\"Bank\\"" <sip:+15550100@sbc.example.net>'
    assert spec.headers == (
        ("P-Asserted-Identity", "<sip:+15550100@sbc.example.net>"),
        ("X-Campaign", "q3"),
        ("X-Run", "7"),
        ("Identity", "a.b.c;info=<https://x>"),
    )
    assert (spec.account.auth_user, spec.account.password) == ("acct7", "pw")
    assert "pw" not in repr(spec)  # secrets never in logs or reprs


def test_hidden_caller_id_and_missing_password() -> None:
    hidden = Trunk(name="t", host="h", caller_id_in_from=False, caller_id_in_pai=True)
    spec = build_spec(
        DialRequest(from_number="+15550100", to="+15550199", trunk=hidden),
        identity=None,
        environ={},
    )
    assert "anonymous" in spec.local_uri and ("Privacy", "id") in spec.headers
    with pytest.raises(ConfigError, match="SBC_PW"):
        build_spec(
            DialRequest(from_number="+15550100", to="+15550199", trunk=TRUNK),
            identity=None,
            environ={},
        )


def test_direct_uri_needs_no_trunk_but_numbers_do() -> None:
    spec = build_spec(
        DialRequest(from_number="+15550100", to="sip:bob@10.0.0.9:5080", auth_user="robot"),
        identity=None,
        environ={"RINGCHECK_SIP_PASSWORD": "pw"},
    )
    assert spec.uri == "sip:bob@10.0.0.9:5080" and spec.transport == Transport.UDP.value
    assert spec.local_uri == "<sip:+15550100@10.0.0.9>"
    with pytest.raises(UsageError, match="needs a trunk"):
        build_spec(DialRequest(from_number="+1", to="+15550199"), identity=None, environ={})
    with pytest.raises(UsageError, match=r"E\.164"):
        build_spec(
            DialRequest(from_number="+1", to="5550199", trunk=TRUNK),
            identity=None,
            environ={"SBC_PW": "x"},
        )
    with pytest.raises(UsageError, match="cannot be added"):
        build_spec(
            DialRequest(from_number="+1", to="sip:a@b", headers=(("Call-ID", "x"),)),
            identity=None,
            environ={},
        )
    with pytest.raises(UsageError, match="line break"):
        build_spec(
            DialRequest(from_number="+1", to="sip:a@b", headers=(("X-A", "1\r\nB: 2"),)),
            identity=None,
            environ={},
        )


def test_uri_helpers() -> None:
    assert uri_transport("sip:a@b;transport=TCP") is Transport.TCP
    assert uri_transport("sips:a@b") is Transport.TLS
    assert uri_user("sip:+15550199@h:5060;transport=udp") == "+15550199"
    assert uri_user("sip:h") is None


RX_180 = (
    "RX 359 bytes Response msg 180/INVITE/cseq=15116 (rdata0x1) from UDP 127.0.0.1:25060:\n"
    "SIP/2.0 180 Ringing\r\nCall-ID: abc123\r\nCSeq: 15116 INVITE\r\n\r\n--end msg--"
)


def test_log_entries() -> None:
    logged = read_log_entry(RX_180)
    assert logged is not None and logged.invite_response
    assert (logged.call_id, logged.status, logged.phrase, logged.transport) == (
        "abc123",
        180,
        "Ringing",
        "udp",
    )
    tx = read_log_entry(
        "TX 900 bytes Request msg INVITE/cseq=1 (tdta0x2) to TCP 1.2.3.4:5060:\n"
        "INVITE sip:x@y SIP/2.0\r\ni: compact-id\r\n\r\n"
    )
    assert tx is not None and (tx.method, tx.transport, tx.call_id) == (
        "INVITE",
        "tcp",
        "compact-id",
    )
    assert read_log_entry("Call 0 state changed to EARLY") is None
    assert is_drop_notice("Dropping 343 bytes packet from UDP 127.0.0.1:1 : syntax error\n")
    dropped = read_log_entry("Dropped packet:SIP/2.0 183 X\r\nCall-ID: abc123\r\n\r\n")
    assert dropped is not None and dropped.malformed and dropped.call_id == "abc123"


def test_outcome_from_report() -> None:
    raw = (
        "SIP/2.0 603 Network Blocked\r\nCSeq: 1 INVITE\r\n"
        'Reason: SIP;cause=603;text="Network Blocked"\r\n'
        'Content-Type: application/json\r\n\r\n["vcard",[["fn",{},"text","Desk"]]]'
    )
    report = CallReport(
        call_id="c1",
        final_code=603,
        final_phrase="Network Blocked",
        final_raw=raw,
        transport="udp",
        malformed="Dropping 1 bytes packet",
    )
    outcome = build_outcome(report, [SipEvent(603, "Network Blocked", 3.0)])
    assert outcome.reason == Reason("SIP", 603, "Network Blocked")
    assert outcome.redress is not None and outcome.redress.name == "Desk"
    assert outcome.transport is Transport.UDP
    assert outcome.error is not None and "raw text is in the trace" in outcome.error
