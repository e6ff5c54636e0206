"""Contract tests of `Pjsua2Dialer` against SIPp on 127.0.0.1: what a carrier can answer."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from robot.domain.delivery import classify_sip
from robot.domain.model import (
    Attestation,
    Delivery,
    Reason,
    RedressContact,
    Signing,
    SipOutcome,
    Transport,
    Trunk,
)
from robot.ports import DialRequest
from robot.sip import Pjsua2Dialer
from robot.sip.passport import verify_identity
from tests.sip.sipp_peer import SippUas
from tests.support.peers import wait_until

pytestmark = pytest.mark.sipp
FROM = "+15550100"
Sipp = Callable[..., SippUas]


def _delivery(outcome: SipOutcome) -> Delivery:
    return classify_sip(outcome.final_code, outcome.final_phrase, outcome.reason,
                        outcome.call_info, rang=outcome.rang, answered=outcome.answered,
                        cancelled_by_us=outcome.cancelled_by_us)


def _ring_then_cancel(dialer: Pjsua2Dialer, uri: str, **request: object) -> SipOutcome:
    call = dialer.place(DialRequest(from_number=FROM, to=uri, **request))  # type: ignore[arg-type]
    wait_until(lambda: any(e.code == 180 for e in call.events()), 30, "180 Ringing")
    outcome = call.hang_up()
    trace = call.trace()
    assert f"Call-ID: {outcome.call_id}" in trace and "TX" in trace and "RX" in trace
    assert "CANCEL sip:" in trace
    return outcome


def test_ring_then_our_cancel(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("ring_cancel.xml")
    outcome = _ring_then_cancel(dialer, uas.uri())
    assert [e.code for e in outcome.events] == [100, 180, 487]
    assert (outcome.final_code, outcome.cancelled_by_us, outcome.answered) == (487, True, False)
    assert outcome.transport is Transport.UDP and outcome.error is None
    assert _delivery(outcome) is Delivery.RINGING
    assert uas.finish() == 0, uas.log()  # SIPp saw CANCEL, sent 200 + 487 and got the ACK


@pytest.mark.parametrize(
    ("scenario", "code", "delivery", "rang"),
    [
        ("final_603plus.xml", 603, Delivery.BLOCKED, True),
        ("final_603.xml", 603, Delivery.DECLINED, True),
        ("final_607.xml", 607, Delivery.BLOCKED, False),
        ("final_486.xml", 486, Delivery.REJECTED, True),
        ("final_480.xml", 480, Delivery.REJECTED, False),
        ("final_503.xml", 503, Delivery.TRUNK_ERROR, False),
    ],
)
def test_final_answers(dialer: Pjsua2Dialer, sipp: Sipp, scenario: str, code: int,
                       delivery: Delivery, rang: bool) -> None:
    uas = sipp(scenario)
    call = dialer.place(DialRequest(from_number=FROM, to=uas.uri(), ring_timeout_s=30))
    outcome = call.wait(30)
    assert outcome is not None
    assert outcome.final_code == code and not outcome.cancelled_by_us
    assert outcome.rang is rang and _delivery(outcome) is delivery
    assert uas.finish() == 0, uas.log()
    if scenario == "final_603plus.xml":
        assert outcome.reason == Reason("SIP", 603, "Network Blocked", "TN")
        assert outcome.final_phrase == "Network Blocked"
    assert f"SIP/2.0 {code}" in call.trace()


def test_608_with_jwscard_jcard(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("final_608.xml")
    outcome = dialer.place(DialRequest(from_number=FROM, to=uas.uri())).wait(30)
    assert outcome is not None and outcome.final_code == 608
    assert _delivery(outcome) is Delivery.BLOCKED
    assert [c.purpose for c in outcome.call_info] == ["jwscard"]
    assert outcome.reason == Reason("SIP", 608, "Rejected by analytics")
    assert outcome.jcard is not None and json.loads(outcome.jcard)[0] == "vcard"
    assert outcome.redress == RedressContact("Acme Carrier Redress", "Acme Networks",
                                             "tel:+18005550100",
                                             "https://redress.example.net/form")
    assert uas.finish() == 0, uas.log()


def test_hostile_608_is_recorded_raw(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("final_608_hostile.xml")
    call = dialer.place(DialRequest(from_number=FROM, to=uas.uri()))
    outcome = call.wait(30)
    assert outcome is not None and outcome.final_code == 608
    assert _delivery(outcome) is Delivery.BLOCKED
    assert outcome.jcard is not None and outcome.jcard.startswith("BEGIN:VCARD")
    assert outcome.redress is None
    assert "X-Padding: AAAA" in call.trace()
    assert uas.finish() == 0, uas.log()


def test_malformed_response_is_kept_in_trace(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("malformed_then_ring.xml")
    call = dialer.place(DialRequest(from_number=FROM, to=uas.uri()))
    wait_until(lambda: any(e.code == 180 for e in call.events()), 30, "180 Ringing")
    outcome = call.hang_up()
    assert outcome.final_code == 487 and _delivery(outcome) is Delivery.RINGING
    assert outcome.error is not None and "could not parse" in outcome.error
    assert "notanumber INVITE" in call.trace()
    assert uas.finish() == 0, uas.log()


def test_no_response_ends_by_our_timeout(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("no_response.xml")
    outcome = dialer.place(DialRequest(from_number=FROM, to=uas.uri(), ring_timeout_s=1.0)).wait(30)
    assert outcome is not None
    assert outcome.final_code is None and outcome.events == ()
    assert outcome.error is not None and "no response" in outcome.error
    assert _delivery(outcome) is Delivery.TRUNK_ERROR
    uas.finish()


def test_answer_then_our_bye(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("answer_bye.xml")
    call = dialer.place(DialRequest(from_number=FROM, to=uas.uri()))
    wait_until(lambda: any(e.code == 200 for e in call.events()), 30, "200 OK")
    outcome = call.hang_up()
    assert outcome.answered and not outcome.cancelled_by_us and outcome.final_code == 200
    assert _delivery(outcome) is Delivery.ANSWERED
    assert "BYE sip:" in call.trace()
    assert uas.finish() == 0, uas.log()  # SIPp got our BYE


def test_183_before_180(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("early_183_cancel.xml")
    outcome = _ring_then_cancel(dialer, uas.uri())
    assert [e.code for e in outcome.events] == [100, 183, 180, 487]
    assert outcome.events[1].at_ms <= outcome.events[2].at_ms
    assert uas.finish() == 0, uas.log()


def test_tcp(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("ring_cancel.xml", tcp=True)
    outcome = _ring_then_cancel(dialer, uas.uri())
    assert outcome.transport is Transport.TCP and outcome.final_code == 487
    assert uas.finish() == 0, uas.log()


def test_401_then_ring_with_auth_user(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("auth401_ring.xml")
    outcome = _ring_then_cancel(dialer, uas.uri(), auth_user="robot")
    assert [e.code for e in outcome.events] == [401, 100, 180, 487]
    assert outcome.final_code == 487 and _delivery(outcome) is Delivery.RINGING
    assert uas.finish() == 0, uas.log()  # SIPp's verifyauth accepted the digest


def _digest_ok(header: str, password: str, method: str = "INVITE") -> bool:
    """RFC 2617 digest with qop=auth, checked here because SIPp's verifyauth cannot."""
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', header.removeprefix("Digest")))
    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()
    ha1 = md5(f"{params['username']}:{params['realm']}:{password}")
    ha2 = md5(f"{method}:{params['uri']}")
    want = md5(f"{ha1}:{params['nonce']}:{params['nc']}:{params['cnonce']}:{params['qop']}:{ha2}")
    return bool(params["qop"] == "auth" and params["response"] == want)


def test_407_with_qop_digest(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("auth407_qop_ring.xml")
    trunk = Trunk(name="qop", host="127.0.0.1", port=uas.port, auth_user="robot",
                  password_env="TRUNK_PW", cps=100)
    outcome = _ring_then_cancel(dialer, "+15550199", trunk=trunk)
    assert [e.code for e in outcome.events] == [407, 100, 180, 487]
    assert uas.finish() == 0, uas.log()
    (auth,) = uas.received_header("INVITE", "Proxy-Authorization")
    assert 'username="robot"' in auth and _digest_ok(auth, "s3cret")
    assert not _digest_ok(auth, "wrong")


def test_signed_caller_id_over_udp(dialer: Pjsua2Dialer, sipp: Sipp, tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    key_file = tmp_path / "shaken.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    uas = sipp("caller_id_cancel.xml")
    trunk = Trunk(name="signed", host="127.0.0.1", port=uas.port, caller_id_in_pai=True,
                  from_display_name="Acme Bank", cps=100,
                  signing=Signing(key_file=str(key_file), x5u="https://cert.example/s.pem"))
    outcome = _ring_then_cancel(dialer, "+15550199", trunk=trunk,
                                attestation=Attestation.B, headers=(("X-Test", "yes"),))
    assert outcome.transport is Transport.UDP and outcome.final_code == 487
    assert uas.finish() == 0, uas.log()  # From user, PAI and Identity present (SIPp checks)
    (identity,) = uas.received_header("INVITE", "Identity")
    passport = verify_identity(identity, key.public_key())
    assert passport.claims["orig"] == {"tn": "15550100"}
    assert passport.claims["dest"] == {"tn": ["15550199"]} and passport.attest == "B"
    (from_header,) = uas.received_header("INVITE", "From")
    assert from_header.startswith('"Acme Bank" <sip:+15550100@')
    assert uas.received_header("INVITE", "X-Test") == ["yes"]
    invite = next(m for m in uas.received() if m.startswith("INVITE "))
    assert len(invite.encode()) > 1300  # over the RFC 3261 18.1.1 size, still on UDP


def test_peer_checks_fail_without_caller_id(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("caller_id_cancel.xml")
    call = dialer.place(DialRequest(from_number="+15550111", to=uas.uri(), ring_timeout_s=2))
    assert call.wait(30) is not None  # whatever SIPp did, our ring timeout ends the call
    assert uas.finish() != 0  # the SIPp side really checks what it received


def test_max_duration_ends_an_answered_call(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("answer_bye.xml")
    call = dialer.place(DialRequest(from_number=FROM, to=uas.uri(), max_duration_s=1.0))
    outcome = call.wait(30)  # nobody hangs up: our maximum duration does
    assert outcome is not None and outcome.answered and outcome.final_code == 200
    assert not outcome.cancelled_by_us and _delivery(outcome) is Delivery.ANSWERED
    assert uas.finish() == 0, uas.log()  # SIPp received the BYE


def test_trunk_with_registration(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("register_then_486.xml", calls=2)
    trunk = Trunk(name="registering", host="127.0.0.1", port=uas.port, register=True, cps=100)
    outcome = dialer.place(DialRequest(from_number=FROM, to="+15550199", trunk=trunk)).wait(30)
    assert outcome is not None and outcome.final_code == 486
    assert uas.finish() == 0, uas.log()
    assert any(m.startswith("REGISTER sip:127.0.0.1") for m in uas.received())


@pytest.mark.parametrize("tcp", [False, True])
def test_huge_response_is_recorded_not_a_crash(dialer: Pjsua2Dialer, sipp: Sipp,
                                               tcp: bool) -> None:
    uas = sipp("final_608_huge.xml", tcp=tcp)
    call = dialer.place(DialRequest(from_number=FROM, to=uas.uri(), ring_timeout_s=1.0))
    outcome = call.wait(60)
    assert outcome is not None
    if tcp:  # over pjsip's receive buffer: the stream is dropped, our timeout ends the call
        assert outcome.final_code is None and outcome.error is not None
        assert "could not parse a response" in outcome.error
        assert "PJSIP_ERXOVERFLOW" in call.trace()
    else:  # a datagram is cut at pjsip's 4000-byte buffer and still read
        assert outcome.final_code == 608 and _delivery(outcome) is Delivery.BLOCKED
        assert "X-Huge: BBBB" in call.trace()
    uas.finish()


def test_wrong_credentials_are_a_trunk_error(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("auth401_ring.xml")
    trunk = Trunk(name="badpw", host="127.0.0.1", port=uas.port, auth_user="robot",
                  password_env="WRONG_PW", cps=100)
    outcome = dialer.place(DialRequest(from_number=FROM, to="+15550199", trunk=trunk)).wait(30)
    assert outcome is not None and outcome.final_code == 403  # SIPp's verifyauth said no
    assert _delivery(outcome) is Delivery.TRUNK_ERROR
    assert uas.finish() == 0, uas.log()
