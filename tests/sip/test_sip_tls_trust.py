"""TLS trunks behind a private CA, with mutual TLS, over `sips:`, and against a TLS 1.3-only
peer (issue 17, item 9). The peer is the Python TLS responder of `test_sip_tls`, given
certificates from a CA made here."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from robot.domain.model import SipOutcome, Transport, Trunk
from robot.ports import DialRequest
from robot.sip import Pjsua2Dialer
from tests.sip.test_sip_tls import TlsSipPeer

pytestmark = pytest.mark.sipp  # uses the shared dialer fixture of the SIPp contract tests


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _key_pem(key: ec.EllipticCurvePrivateKey, password: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, encryption
    )


def _issue(
    name: str,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool = False,
    key: ec.EllipticCurvePrivateKey | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = key or ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256()), key


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ringcheck test CA")])
    ca_cert, _ = _issue("ringcheck test CA", ca_name, ca_key, ca=True, key=ca_key)
    server, server_key = _issue("127.0.0.1", ca_name, ca_key)
    client, client_key = _issue("ringcheck robot", ca_name, ca_key)
    files = Pki(folder / "ca.pem", folder / "server.pem", folder / "server.key",
                folder / "client.pem", folder / "client.key")  # fmt: skip
    files.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.server_cert.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    files.server_key.write_bytes(_key_pem(server_key))
    files.client_cert.write_bytes(client.public_bytes(serialization.Encoding.PEM))
    files.client_key.write_bytes(_key_pem(client_key, b"client-secret"))
    return files


def _server_context(pki: Pki, *, client_certs: bool = False) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server_cert, pki.server_key)
    if client_certs:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki.ca)
    return context


@pytest.fixture
def peer(tmp_path: Path) -> Iterator[TlsSipPeer]:
    server = TlsSipPeer(tmp_path)
    yield server
    server.close()


def _trunk(port: int, **tls: object) -> Trunk:
    return Trunk(name="tls-sbc", host="127.0.0.1", port=port, transport=Transport.TLS, cps=100,
                 **tls)  # type: ignore[arg-type]  # fmt: skip


def _call(dialer: Pjsua2Dialer, trunk: Trunk | None, to: str = "+15550199") -> SipOutcome | None:
    return dialer.place(
        DialRequest(from_number="+15550100", to=to, trunk=trunk, ring_timeout_s=10)
    ).wait(30)


def test_a_private_ca_is_trusted_through_ca_file(
    dialer: Pjsua2Dialer, peer: TlsSipPeer, pki: Pki
) -> None:
    peer.context = _server_context(pki)
    refused = _call(dialer, _trunk(peer.port))  # the system bundle does not know our CA
    assert refused is not None and refused.final_code is None
    trusted = _call(dialer, _trunk(peer.port, ca_file=str(pki.ca)))
    assert trusted is not None and trusted.final_code == 486, trusted
    assert len(peer.invites) == 1


def test_mutual_tls_presents_the_client_certificate(
    dialer: Pjsua2Dialer, peer: TlsSipPeer, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    peer.context = _server_context(pki, client_certs=True)
    without = _call(dialer, _trunk(peer.port, ca_file=str(pki.ca)))
    assert without is not None and without.final_code is None
    assert peer.invites == []
    monkeypatch.setenv("RC_TEST_CLIENT_KEY_PW", "client-secret")
    with Pjsua2Dialer(concurrency=1, hangup_grace_s=4.0) as own:
        trunk = _trunk(peer.port, ca_file=str(pki.ca), client_cert_file=str(pki.client_cert),
                       client_key_file=str(pki.client_key),
                       client_key_password_env="RC_TEST_CLIENT_KEY_PW")  # fmt: skip
        outcome = _call(own, trunk)
    assert outcome is not None and outcome.final_code == 486, outcome
    assert len(peer.invites) == 1


def test_a_sips_uri_is_dialled_over_tls(dialer: Pjsua2Dialer, peer: TlsSipPeer, pki: Pki) -> None:
    peer.context = _server_context(pki)
    trunk = _trunk(peer.port, ca_file=str(pki.ca))
    outcome = _call(dialer, trunk, to=f"sips:+15550199@127.0.0.1:{peer.port}")
    assert outcome is not None and outcome.final_code == 486, outcome
    (invite,) = peer.invites
    assert invite.startswith(f"INVITE sips:+15550199@127.0.0.1:{peer.port} SIP/2.0")
    headers = {line.split(":", 1)[0].lower(): line for line in invite.split("\r\n")[1:]}
    assert "<sips:+15550100@" in headers["from"], headers["from"]
    assert "sips:" in headers["contact"], headers["contact"]


def test_a_tls13_only_peer_is_explained(dialer: Pjsua2Dialer, peer: TlsSipPeer, pki: Pki) -> None:
    context = _server_context(pki)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    peer.context = context
    outcome = _call(dialer, _trunk(peer.port, ca_file=str(pki.ca)))
    assert outcome is not None and outcome.final_code is None
    error = str(outcome.error)
    if "TLS 1.2" not in error:
        pytest.fail(f"a TLS 1.3-only peer should be explained, got: {error}")
