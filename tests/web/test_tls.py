"""Over HTTPS (`--web-cert/--web-key`) the session cookie is Secure and `__Host-` prefixed."""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import ssl
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from robot.config.project import load_project
from robot.domain.access import Role
from robot.web.server import parse_address
from robot.web.serving import served_console
from robot.wiring import open_project_store
from tests.web.conftest import EXAMPLES


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_sessions_over_https_get_a_secure_cookie(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES, root)
    cert, key = _self_signed(tmp_path)
    project = load_project(root)
    store = open_project_store(project)
    try:
        with served_console(
            project, store, parse_address("127.0.0.1:0"), certfile=cert, keyfile=key
        ) as served:
            assert served.url.startswith("https://127.0.0.1:")
            _, secret = served.console.tokens.create("tls", Role.VIEWER, created_by="test")
            trust = ssl.create_default_context(cafile=str(cert))
            with httpx.Client(base_url=served.url, verify=trust) as client:
                signed = client.post("/signin", data={"token": secret})
                cookie = signed.headers["set-cookie"]
                assert cookie.startswith("__Host-ringcheck_session=")
                assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
                assert client.get("/api/me").json()["via"] == "session"
    finally:
        store.close()
