"""STIR/SHAKEN verification as a simulated carrier does it, with the robot's own verifier.

The carrier trusts a list of certificates (or bare public keys) from the sim config. A PASSporT
verifies when its signature checks with a trusted key (the one for its `x5u` when the config
ties keys to URLs), it is fresh, and its `orig`/`dest` numbers are the call's. The outcome is
data (`Verification`), never an exception: a bad signature is something the carrier reports.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from devices.sim.config import TrustedCert
from devices.sim.policy import Invite, Verification
from robot.errors import ConfigError
from robot.sip.passport import (
    PassportError,
    VerifyKey,
    canonical_tn,
    parse_identity,
    verify_identity,
)


@dataclass(frozen=True)
class TrustedKey:
    key: VerifyKey
    x5u: str | None
    source: str


def load_trusted(entries: Sequence[TrustedCert], folder: Path) -> tuple[TrustedKey, ...]:
    """Read every trusted certificate or public key (PEM); a bad file is a config error."""
    keys: list[TrustedKey] = []
    for entry in entries:
        path = Path(entry.file)
        path = path if path.is_absolute() else folder / path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"trusted certificate {path}: {exc.strerror}",
                              key="sim.trusted", hint="check the path") from None
        key: VerifyKey
        try:
            key = x509.load_pem_x509_certificate(data)
        except ValueError:
            try:
                public = serialization.load_pem_public_key(data)
            except ValueError:
                raise ConfigError(f"trusted certificate {path} is not a PEM certificate or "
                                  "public key", key="sim.trusted") from None
            if not isinstance(public, ec.EllipticCurvePublicKey):
                raise ConfigError(f"trusted key {path} is not an EC key (ES256 needs P-256)",
                                  key="sim.trusted") from None
            key = public
        keys.append(TrustedKey(key, entry.x5u, str(path)))
    return tuple(keys)


class StirVerifier:
    """Callable verifier for `policy.decide`."""

    def __init__(self, trusted: Sequence[TrustedKey], freshness_s: float = 60.0) -> None:
        self.trusted = tuple(trusted)
        self.freshness_s = freshness_s

    def __call__(self, invite: Invite) -> Verification:
        if not invite.identity:
            return Verification("absent", reason="no Identity header")
        try:
            info = parse_identity(invite.identity).info
        except PassportError as exc:
            return Verification("invalid", reason=str(exc))
        candidates = [t for t in self.trusted if t.x5u is None or t.x5u == info]
        if not candidates:
            return Verification("invalid", reason=f"certificate {info} is not trusted")
        last = "no trusted key"
        for trusted in candidates:
            try:
                found = verify_identity(invite.identity, trusted.key, now=time.time(),
                                        freshness_s=self.freshness_s)
            except PassportError as exc:
                last = str(exc)
                continue
            return self._check_numbers(invite, found.claims, found.attest)
        return Verification("invalid", reason=last)

    def _check_numbers(self, invite: Invite, claims: dict[str, object],
                       attest: str | None) -> Verification:
        orig = claims.get("orig")
        orig_tn = orig.get("tn") if isinstance(orig, dict) else None
        if orig_tn != canonical_tn(invite.caller):
            return Verification("invalid", reason=f"orig.tn {orig_tn} is not the caller "
                                f"{invite.caller}")
        dest = claims.get("dest")
        tns = dest.get("tn") if isinstance(dest, dict) else None
        if not isinstance(tns, list) or canonical_tn(invite.callee) not in tns:
            return Verification("invalid", reason=f"dest.tn {tns} does not name {invite.callee}")
        rcd = claims.get("rcd")
        rcd_map = rcd if isinstance(rcd, dict) else {}
        crn = claims.get("crn")
        return Verification(
            "valid",
            attest=attest,
            rcd_name=_text(rcd_map.get("nam")),
            rcd_icon=_text(rcd_map.get("icn")),
            call_reason=_text(crn),
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
