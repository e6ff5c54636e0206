"""Parsing what a carrier answered: SIP message text, `Reason`, `Call-Info` and inline jCards.

Carriers put the evidence of a block in headers (RFC 3326 `Reason` on a 603+, RFC 8688
`Call-Info;purpose=jwscard` on a 608, RFC 9796 `call-reason`/`jcard`/`icon`). The text comes
from the network, so every function here takes hostile input (huge, truncated, bad syntax) and
answers `None`/empty instead of raising: the raw text is kept in the call's trace regardless.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.parse

from robot.domain.model import CallInfo, Reason, RedressContact
from robot.sip.message import TOKEN_RE
from robot.sip.message import parse_message as parse_message  # the virtual farm's carriers

MAX_HEADER_CHARS = 16_384
"""Longer header values are cut before parsing (the trace keeps them whole)."""

MAX_ENTRIES = 32


def split_top_level(value: str, sep: str) -> list[str]:
    """Split on `sep` outside quotes and <...> (data: URIs carry commas and semicolons)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    angle = 0
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char == "<":
            angle += 1
        elif not quoted and char == ">" and angle:
            angle -= 1
        elif not quoted and not angle and char == sep:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _params(parts: list[str]) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    for part in parts:
        name, _, raw = part.partition("=")
        value = raw.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        if name.strip():
            params.append((name.strip().lower(), value))
    return params


def parse_reason(values: list[str] | str | None) -> Reason | None:
    """The most telling RFC 3326 Reason: the SIP one if present, else the first well-formed.

    `Reason: SIP ;cause=603 ;text="Network Blocked";location=TN` (ATIS-1000099 603+).
    """
    if values is None:
        return None
    raw = [values] if isinstance(values, str) else values
    found: list[Reason] = []
    for value in raw:
        for entry in split_top_level(value[:MAX_HEADER_CHARS], ",")[:MAX_ENTRIES]:
            reason = _one_reason(entry)
            if reason is not None:
                found.append(reason)
    for reason in found:
        if reason.protocol.upper() == "SIP":
            return reason
    return found[0] if found else None


def _one_reason(entry: str) -> Reason | None:
    parts = split_top_level(entry, ";")
    if not parts or not TOKEN_RE.match(parts[0]):
        return None
    params = dict(_params(parts[1:]))
    cause_text = params.get("cause")
    cause = int(cause_text) if cause_text and cause_text.isdigit() and len(cause_text) < 6 else None
    return Reason(
        protocol=parts[0],
        cause=cause,
        text=params.get("text") or None,
        location=params.get("location") or None,
    )


def parse_call_info(values: list[str] | str | None) -> tuple[CallInfo, ...]:
    """Every `<uri>;purpose=...;params` entry; entries without a <uri> are skipped."""
    if values is None:
        return ()
    raw = [values] if isinstance(values, str) else values
    entries: list[CallInfo] = []
    for value in raw:
        for entry in split_top_level(value[:MAX_HEADER_CHARS], ","):
            if len(entries) >= MAX_ENTRIES:
                return tuple(entries)
            match = re.match(r"^<([^>]*)>(.*)$", entry, re.DOTALL)
            if match is None:
                continue
            params = _params(split_top_level(match.group(2), ";"))
            purpose = next((v for k, v in params if k == "purpose"), None)
            rest = tuple((k, v) for k, v in params if k != "purpose")
            entries.append(CallInfo(uri=match.group(1).strip(), purpose=purpose, params=rest))
    return tuple(entries)


def decode_data_uri(uri: str) -> str | None:
    """The text inside a `data:` URI (base64 or percent-encoded), None if not one."""
    if not uri.lower().startswith("data:") or "," not in uri:
        return None
    meta, _, data = uri[5:].partition(",")
    try:
        if meta.lower().endswith(";base64"):
            return base64.b64decode(data + "=" * (-len(data) % 4)).decode("utf-8", "replace")
        return urllib.parse.unquote(data)
    except (binascii.Error, ValueError):
        return None


def _b64url_json(segment: str) -> object:
    padded = segment + "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def inline_jcard(call_info: tuple[CallInfo, ...], body: str = "") -> str | None:
    """Raw text of a jCard carried inline, from a `jwscard`/`jcard` data: URI or the body.

    A `jwscard` may be a JWS whose payload holds a `jcard` claim (RFC 8688); that payload is
    unwrapped (not verified: it is evidence for a person, not a trust decision).
    """
    candidates: list[str] = []
    for entry in call_info:
        if (entry.purpose or "").lower() in ("jwscard", "jcard"):
            text = decode_data_uri(entry.uri)
            if text is not None:
                candidates.append(text.strip())
    if body.strip():
        candidates.append(body.strip())
    for text in candidates:
        if text.startswith("[") or text.startswith("{"):
            return text
        segments = text.split(".")
        if len(segments) == 3:
            try:
                payload = _b64url_json(segments[1])
            except (ValueError, UnicodeError, binascii.Error):
                return text
            if isinstance(payload, dict) and "jcard" in payload:
                return json.dumps(payload["jcard"], separators=(",", ":"))
            return text
    return candidates[0] if candidates else None


def redress_from_jcard(text: str | None) -> RedressContact | None:
    """Name, org, tel and url out of an RFC 7095 jCard; None when it is not a jCard."""
    if not text:
        return None
    try:
        card = json.loads(text[: MAX_HEADER_CHARS * 4])
    except (ValueError, RecursionError):
        return None
    if isinstance(card, dict):
        card = card.get("jcard", card)
    if not (isinstance(card, list) and len(card) >= 2 and card[0] == "vcard"):
        return None
    props = card[1] if isinstance(card[1], list) else []
    found: dict[str, str] = {}
    for prop in props[:256]:
        if not (isinstance(prop, list) and len(prop) >= 4 and isinstance(prop[0], str)):
            continue
        key = prop[0].lower()
        if key not in found and key in ("fn", "org", "tel", "url"):
            value = _jcard_value(prop[3:])
            if value:
                found[key] = value
    if not found:
        return None
    return RedressContact(
        name=found.get("fn"), org=found.get("org"), tel=found.get("tel"), url=found.get("url")
    )


def _jcard_value(values: list[object]) -> str | None:
    flat: list[str] = []
    for value in values:
        if isinstance(value, list):
            flat.extend(str(v) for v in value if isinstance(v, str | int) and str(v))
        elif isinstance(value, str | int) and str(value):
            flat.append(str(value))
    return " ".join(flat)[:512] if flat else None
