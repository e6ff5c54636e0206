"""PASSporT signing and verification, cross-checked both ways with joserfc."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from joserfc import jws
from joserfc.jwk import ECKey
from joserfc.jws import JWSRegistry

from robot.domain.model import Attestation, Signing
from robot.errors import ConfigError
from robot.sip.passport import (
    PassportError,
    RichCallData,
    Signer,
    b64url_decode,
    canonical_json,
    parse_identity,
    passport_claims,
    passport_header,
    sign_passport,
    verify_identity,
    verify_passport,
)

X5U = "https://cert.example.org/shaken.pem"
# PASSporT adds the `ppt` header parameter, which joserfc does not know by name.
REGISTRY = JWSRegistry(strict_check_header=False)


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _cert(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SHAKEN test")])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )


def test_passport_shape_is_canonical(key: ec.EllipticCurvePrivateKey) -> None:
    claims = passport_claims(orig="+1 555-0100", dest=["+15550199"], attest=Attestation.A,
                             iat=1_700_000_000, rcd=RichCallData("Acme", "https://i/l.png", "Bill"))
    token = sign_passport(key, passport_header(X5U), claims)
    head, payload, _ = token.split(".")
    assert b64url_decode(head) == b'{"alg":"ES256","ppt":"shaken","typ":"passport","x5u":"' + \
        X5U.encode() + b'"}'
    assert b64url_decode(payload) == canonical_json(claims)
    decoded = json.loads(b64url_decode(payload))
    assert decoded["orig"] == {"tn": "15550100"} and decoded["dest"] == {"tn": ["15550199"]}
    assert decoded["rcd"] == {"nam": "Acme", "icn": "https://i/l.png"} and decoded["crn"] == "Bill"
    assert len(decoded["origid"]) == 36 and decoded["attest"] == "A"


def test_our_token_verifies_with_joserfc(key: ec.EllipticCurvePrivateKey) -> None:
    claims = passport_claims(orig="+15550100", dest=["+15550199"], attest=Attestation.B)
    token = sign_passport(key, passport_header(X5U), claims)
    public = ECKey.import_key(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    result = jws.deserialize_compact(token, public, algorithms=["ES256"], registry=REGISTRY)
    assert json.loads(result.payload) == claims
    assert result.protected["ppt"] == "shaken"


def test_joserfc_token_verifies_with_ours(key: ec.EllipticCurvePrivateKey) -> None:
    claims = passport_claims(orig="+15550100", dest=["+15550199"], attest=Attestation.C)
    private = ECKey.import_key(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    token = jws.serialize_compact(passport_header(X5U), canonical_json(claims), private,
                                  algorithms=["ES256"], registry=REGISTRY)
    verified = verify_passport(token, _cert(key))
    assert verified.claims == claims and verified.attest == "C"


def test_identity_header_roundtrip_and_rejections(key: ec.EllipticCurvePrivateKey) -> None:
    signer = Signer(key=key, x5u=X5U, attestation=Attestation.A)
    value = signer.identity("+15550100", "+15550199")
    assert value.endswith(f";info=<{X5U}>;alg=ES256;ppt=shaken")
    assert parse_identity(value).info == X5U
    assert verify_identity(value, key.public_key()).claims["orig"] == {"tn": "15550100"}

    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(PassportError, match="signature"):
        verify_identity(value, other.public_key())
    with pytest.raises(PassportError, match="iat"):
        verify_identity(value, key.public_key(), now=time.time() + 3600)
    stale = signer.identity("+15550100", "+15550199", iat=int(time.time()) - 120)
    with pytest.raises(PassportError, match="iat"):
        verify_identity(stale, key.public_key(), freshness_s=60)
    with pytest.raises(PassportError, match="ppt"):
        verify_identity(value.replace("ppt=shaken", "ppt=div"), key.public_key())
    head, payload, sig = parse_identity(value).jws.split(".")
    with pytest.raises(PassportError, match="signature"):
        verify_passport(f"{head}.{payload}.{sig[::-1]}", key.public_key())
    with pytest.raises(PassportError):
        verify_passport("not-a-jws", key.public_key())


def test_key_from_encrypted_pem_with_password_from_env(
    key: ec.EllipticCurvePrivateKey, tmp_path: Path
) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(b"s3cret"))
    path = tmp_path / "key.pem"
    path.write_bytes(pem)
    signing = Signing(key_file=str(path), x5u=X5U, key_password_env="SHAKEN_PW")
    signer = Signer.from_signing(signing, {"SHAKEN_PW": "s3cret"})
    verify_identity(signer.identity("+15550100", "+15550199"), key.public_key())
    with pytest.raises(ConfigError, match="SHAKEN_PW"):
        Signer.from_signing(signing, {})
    with pytest.raises(ConfigError, match="wrong password"):
        Signer.from_signing(signing, {"SHAKEN_PW": "nope"})
    with pytest.raises(ConfigError, match="cannot read"):
        Signer.from_signing(Signing(key_file=str(tmp_path / "none.pem"), x5u=X5U), {})
