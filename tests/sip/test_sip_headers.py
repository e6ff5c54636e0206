"""Parsing carrier evidence (Reason, Call-Info, jCard) from hostile network text."""

from __future__ import annotations

import base64
import json
import urllib.parse

from hypothesis import given, settings
from hypothesis import strategies as st

from robot.domain.model import CallInfo, Reason, RedressContact
from robot.sip.headers import (
    inline_jcard,
    parse_call_info,
    parse_reason,
    redress_from_jcard,
)
from robot.sip.message import parse_message

JCARD = [
    "vcard",
    [
        ["version", {}, "text", "4.0"],
        ["fn", {}, "text", "Acme Carrier Redress"],
        ["org", {}, "text", "Acme Networks", "Blocking desk"],
        ["tel", {"type": ["work"]}, "uri", "tel:+18005550100"],
        ["url", {}, "uri", "https://redress.example.net/form"],
    ],
]


def test_reason_603_plus_network_blocked() -> None:
    reason = parse_reason('SIP ;cause=603 ;text="Network Blocked";location=TN')
    assert reason == Reason("SIP", 603, "Network Blocked", "TN")


def test_reason_prefers_sip_over_q850_and_unescapes_quotes() -> None:
    value = 'Q.850;cause=21;text="Call rejected", SIP;cause=603;text="Network \\"Blocked\\""'
    assert parse_reason([value]) == Reason("SIP", 603, 'Network "Blocked"', None)
    assert parse_reason("Q.850;cause=21") == Reason("Q.850", 21, None, None)


def test_reason_bad_syntax_gives_none_or_partial() -> None:
    assert parse_reason(";;;=") is None
    assert parse_reason('SIP;cause=abc;text="unterminated') == Reason("SIP", None, '"unterminated')
    assert parse_reason("") is None
    assert parse_reason(None) is None


def test_call_info_entries_with_purpose_and_params() -> None:
    value = (
        "<https://jc.example.net/card.jws>;purpose=jwscard, "
        '<https://brand.example.com/logo.png>;purpose=icon;type="image/png",'
        "<sip:reason@example.com>;purpose=call-reason;foo"
    )
    assert parse_call_info(value) == (
        CallInfo("https://jc.example.net/card.jws", "jwscard", ()),
        CallInfo("https://brand.example.com/logo.png", "icon", (("type", "image/png"),)),
        CallInfo("sip:reason@example.com", "call-reason", (("foo", ""),)),
    )


def test_inline_jcard_in_percent_encoded_data_uri_with_commas() -> None:
    uri = "data:application/json," + urllib.parse.quote(json.dumps(JCARD), safe=",:[]{}")
    entries = parse_call_info(f"<{uri}>;purpose=jwscard")
    assert len(entries) == 1 and entries[0].purpose == "jwscard"
    text = inline_jcard(entries)
    assert text is not None and json.loads(text) == JCARD
    assert redress_from_jcard(text) == RedressContact(
        name="Acme Carrier Redress",
        org="Acme Networks Blocking desk",
        tel="tel:+18005550100",
        url="https://redress.example.net/form",
    )


def test_inline_jcard_in_base64_jws_payload() -> None:
    def seg(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    jws = f"{seg({'alg': 'ES256'})}.{seg({'jcard': JCARD, 'iat': 1})}.c2ln"
    uri = "data:application/jose;base64," + base64.b64encode(jws.encode()).decode()
    text = inline_jcard(parse_call_info(f"<{uri}>;purpose=jwscard"))
    assert text is not None and json.loads(text) == JCARD


def test_jcard_that_is_not_json_is_kept_raw() -> None:
    entries = parse_call_info("<data:text/plain,BEGIN%3AVCARD%20not%20json>;purpose=jcard")
    text = inline_jcard(entries)
    assert text == "BEGIN:VCARD not json"
    assert redress_from_jcard(text) is None
    assert redress_from_jcard('["vcard", 5]') is None
    assert redress_from_jcard("[[[[") is None


def test_jcard_from_body() -> None:
    assert inline_jcard((), json.dumps(JCARD)) == json.dumps(JCARD)


def test_message_split_status_compact_and_folded_headers() -> None:
    text = (
        "SIP/2.0 608 Rejected\r\ni: abc@host\r\nCSeq: 7 INVITE\r\nReason: SIP;cause=608;\r\n"
        ' text="Rejected"\r\nbroken line\r\n\r\nbody'
    )
    msg = parse_message(text)
    assert msg.status == (608, "Rejected")
    assert msg.first("call-id") == "abc@host"
    assert msg.cseq_method == "INVITE"
    assert parse_reason(msg.all("reason")) == Reason("SIP", 608, "Rejected", None)
    assert msg.body == "body"
    assert parse_message("garbage").status is None


def test_huge_header_does_not_blow_up() -> None:
    huge = "<https://x/" + "a" * 2_000_000 + ">;purpose=icon"
    entries = parse_call_info(huge)
    assert entries == ()  # cut before its closing '>': nothing trustworthy to report
    assert parse_reason("SIP;cause=603;text=" + "x" * 2_000_000) is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_hostile_text_never_raises(text: str) -> None:
    parse_reason(text)
    entries = parse_call_info(text)
    redress_from_jcard(inline_jcard(entries, text))
    parse_message(text)
