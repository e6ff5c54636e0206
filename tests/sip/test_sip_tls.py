"""TLS trunks: the server certificate is verified unless the trunk says `tls_verify: false`.

SIPp from Debian has no TLS, so the peer here is a minimal TLS SIP responder in Python.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from robot.domain.model import Transport, Trunk
from robot.ports import DialRequest
from robot.sip import Pjsua2Dialer

pytestmark = pytest.mark.sipp  # uses the shared dialer fixture of the SIPp contract tests

class TlsSipPeer:
    """Accepts TLS connections and answers every INVITE with 486 Busy Here."""

    def __init__(self, tmp_path: Path) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(7)
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256())
        )
        cert_file, key_file = tmp_path / "peer.crt", tmp_path / "peer.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_file, key_file)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.invites: list[str] = []
        self.handshake_errors: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(raw,), daemon=True).start()

    def _handle(self, raw: socket.socket) -> None:
        raw.settimeout(30)
        try:
            conn = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.handshake_errors.append(str(exc))
            raw.close()
            return
        buffer = b""
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except (ssl.SSLError, OSError):
                    return
                if not chunk:
                    return
                buffer += chunk
                while b"\r\n\r\n" in buffer:
                    head, _, rest = buffer.partition(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":", 1)[1])
                    if len(rest) < length:
                        break
                    buffer = rest[length:]
                    self._answer(conn, head.decode())

    def _answer(self, conn: ssl.SSLSocket, head: str) -> None:
        if not head.startswith("INVITE "):
            return
        self.invites.append(head)
        keep = [line for line in head.split("\r\n")[1:]
                if line.split(":")[0].lower() in ("via", "from", "call-id", "cseq")]
        to = next(line for line in head.split("\r\n") if line.lower().startswith("to:"))
        reply = "\r\n".join(["SIP/2.0 486 Busy Here", *keep, f"{to};tag=tlspeer",
                             "Content-Length: 0", "", ""])
        conn.sendall(reply.encode())

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def tls_peer(tmp_path: Path) -> Iterator[TlsSipPeer]:
    peer = TlsSipPeer(tmp_path)
    yield peer
    peer.close()


def test_tls_without_verification_reaches_the_peer(dialer: Pjsua2Dialer,
                                                    tls_peer: TlsSipPeer) -> None:
    trunk = Trunk(name="tls-lab", host="127.0.0.1", port=tls_peer.port,
                  transport=Transport.TLS, tls_verify=False, cps=100)
    outcome = dialer.place(DialRequest(from_number="+15550100", to="+15550199",
                                       trunk=trunk, ring_timeout_s=10)).wait(30)
    assert outcome is not None and outcome.final_code == 486, outcome
    assert outcome.transport is Transport.TLS
    assert len(tls_peer.invites) == 1


def test_tls_verifies_the_server_certificate(dialer: Pjsua2Dialer,
                                             tls_peer: TlsSipPeer) -> None:
    trunk = Trunk(name="tls-strict", host="127.0.0.1", port=tls_peer.port,
                  transport=Transport.TLS, cps=100)
    outcome = dialer.place(DialRequest(from_number="+15550100", to="+15550199",
                                       trunk=trunk, ring_timeout_s=10)).wait(30)
    assert outcome is not None and outcome.final_code is None
    assert outcome.error is not None
    assert "certificate" in outcome.error
    assert tls_peer.invites == []  # a self-signed peer never sees our INVITE
