"""STIR/SHAKEN PASSporTs: build, sign (ES256) and verify, and the SIP `Identity` header.

RFC 8225 (PASSporT), RFC 8588 (`ppt=shaken`: `attest`, `origid`), RFC 8224 (`Identity`),
RFC 9795 (Rich Call Data: `rcd.nam`, `rcd.icn`, `crn`). The robot signs its test calls with
it; the virtual farm's carriers verify with it. Verification failures are `PassportError`
with a reason a person can read: for a carrier they are a result, not a crash.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from robot.domain.model import Attestation, Signing
from robot.errors import ConfigError


class PassportError(Exception):
    """A PASSporT or Identity header that does not verify; the message says why."""


def canonical_json(value: object) -> bytes:
    """RFC 8225 §9: keys sorted, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise PassportError(f"not base64url: {text[:40]!r}") from exc


def canonical_tn(number: str) -> str:
    """RFC 8224 §8.3: a telephone number without '+' and visual separators."""
    return re.sub(r"[^0-9*#]", "", number)


@dataclass(frozen=True, slots=True)
class RichCallData:
    """RFC 9795 claims: display name, icon URL and call reason."""

    name: str | None = None
    icon: str | None = None
    reason: str | None = None


def passport_claims(
    *,
    orig: str,
    dest: Sequence[str],
    attest: Attestation,
    iat: int | None = None,
    origid: str | None = None,
    rcd: RichCallData | None = None,
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "attest": attest.value,
        "dest": {"tn": [canonical_tn(d) for d in dest]},
        "iat": int(time.time()) if iat is None else int(iat),
        "orig": {"tn": canonical_tn(orig)},
        "origid": origid or str(uuid.uuid4()),
    }
    if rcd is not None:
        rcd_claim = {k: v for k, v in (("nam", rcd.name), ("icn", rcd.icon)) if v}
        if rcd_claim:
            claims["rcd"] = rcd_claim
        if rcd.reason:
            claims["crn"] = rcd.reason
    return claims


def passport_header(x5u: str) -> dict[str, str]:
    return {"alg": "ES256", "ppt": "shaken", "typ": "passport", "x5u": x5u}


def sign_passport(
    key: ec.EllipticCurvePrivateKey, header: Mapping[str, Any], claims: Mapping[str, Any]
) -> str:
    """Compact JWS (header.payload.signature) with the raw r||s ES256 signature."""
    if not isinstance(key.curve, ec.SECP256R1):
        raise ConfigError("the STIR/SHAKEN key is not an EC P-256 key (ES256 needs one)")
    signing_input = f"{b64url(canonical_json(header))}.{b64url(canonical_json(claims))}"
    der = key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def identity_header(jws: str, x5u: str) -> str:
    """RFC 8224 `Identity` header value for a SHAKEN PASSporT."""
    return f"{jws};info=<{x5u}>;alg=ES256;ppt=shaken"


def load_private_key(path: str | Path, password_env: str | None = None,
                     environ: Mapping[str, str] | None = None) -> ec.EllipticCurvePrivateKey:
    """An EC private key from PEM; its password (if any) from the named environment variable."""
    env = os.environ if environ is None else environ
    password: bytes | None = None
    if password_env:
        if password_env not in env:
            raise ConfigError(
                f"environment variable {password_env} (signing key password) is not set")
        password = env[password_env].encode()
    try:
        data = Path(path).read_bytes()
        key = serialization.load_pem_private_key(data, password=password)
    except OSError as exc:
        raise ConfigError(f"cannot read signing key {path}: {exc.strerror}") from exc
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            f"signing key {path} is not a usable PEM key (or wrong password)") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ConfigError(f"signing key {path} is not an EC key (ES256 needs P-256)")
    return key


@dataclass(frozen=True)
class Signer:
    """Signs calls for one trunk: the key is loaded once, a fresh PASSporT per call."""

    key: ec.EllipticCurvePrivateKey
    x5u: str
    attestation: Attestation = Attestation.A
    origid: str | None = None

    @classmethod
    def from_signing(cls, signing: Signing, environ: Mapping[str, str] | None = None) -> Signer:
        key = load_private_key(signing.key_file, signing.key_password_env, environ)
        return cls(key=key, x5u=signing.x5u, attestation=signing.attestation,
                   origid=signing.origid)

    def identity(self, orig: str, dest: str, attest: Attestation | None = None,
                 rcd: RichCallData | None = None, iat: int | None = None) -> str:
        claims = passport_claims(orig=orig, dest=[dest], attest=attest or self.attestation,
                                 iat=iat, origid=self.origid, rcd=rcd)
        return identity_header(sign_passport(self.key, passport_header(self.x5u), claims), self.x5u)


@dataclass(frozen=True, slots=True)
class IdentityHeader:
    jws: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def info(self) -> str | None:
        return self.params.get("info", "").strip("<>") or None


def parse_identity(value: str) -> IdentityHeader:
    jws, *rest = [p.strip() for p in value.strip().split(";")]
    params: dict[str, str] = {}
    for part in rest:
        name, _, val = part.partition("=")
        params[name.strip().lower()] = val.strip().strip('"')
    if jws.count(".") != 2:
        raise PassportError("Identity header does not start with a compact JWS")
    return IdentityHeader(jws=jws, params=params)


@dataclass(frozen=True, slots=True)
class VerifiedPassport:
    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def attest(self) -> str | None:
        value = self.claims.get("attest")
        return value if isinstance(value, str) else None


VerifyKey = ec.EllipticCurvePublicKey | x509.Certificate


def verify_passport(
    jws: str, key: VerifyKey, *, now: float | None = None, freshness_s: float = 60.0
) -> VerifiedPassport:
    """Check signature (with the certificate's or the given public key), alg, ppt and `iat`."""
    public = key.public_key() if isinstance(key, x509.Certificate) else key
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise PassportError("the certificate key is not an EC key")
    parts = jws.split(".")
    if len(parts) != 3:
        raise PassportError("not a compact JWS (need header.payload.signature)")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
    except ValueError as exc:
        raise PassportError("PASSporT header or claims are not JSON") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise PassportError("PASSporT header and claims must be JSON objects")
    if header.get("alg") != "ES256":
        raise PassportError(f"alg is {header.get('alg')!r}, expected ES256")
    if header.get("ppt") != "shaken":
        raise PassportError(f"ppt is {header.get('ppt')!r}, expected shaken")
    signature = b64url_decode(parts[2])
    if len(signature) != 64:
        raise PassportError("ES256 signature must be 64 bytes (r||s)")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                               int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, f"{parts[0]}.{parts[1]}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise PassportError("signature does not verify with the certificate key") from exc
    iat = claims.get("iat")
    if not isinstance(iat, int) or isinstance(iat, bool):
        raise PassportError("iat is missing or not a number")
    current = time.time() if now is None else now
    if abs(current - iat) > freshness_s:
        raise PassportError(
            f"iat is {current - iat:.0f}s away from now (window {freshness_s:.0f}s)")
    if claims.get("attest") not in ("A", "B", "C"):
        raise PassportError(f"attest is {claims.get('attest')!r}, expected A, B or C")
    return VerifiedPassport(header=header, claims=claims)


def verify_identity(value: str, key: VerifyKey, *, now: float | None = None,
                    freshness_s: float = 60.0) -> VerifiedPassport:
    """Verify an `Identity` header value; its `ppt` parameter must agree with the PASSporT."""
    parsed = parse_identity(value)
    ppt = parsed.params.get("ppt")
    if ppt is not None and ppt != "shaken":
        raise PassportError(f"Identity ppt parameter is {ppt!r}, expected shaken")
    return verify_passport(parsed.jws, key, now=now, freshness_s=freshness_s)
