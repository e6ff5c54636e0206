"""A SIP message's text split into start line, headers and body.

Apart from `robot.sip.headers` (whose parsers build the domain's `Reason`, `CallInfo`,
`RedressContact`) because a SIP worker needs only this, to tell the final response of a call,
and should not import the domain model for it. The text comes from the network: broken lines
are skipped, never raised on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMPACT = {
    "i": "call-id",
    "f": "from",
    "t": "to",
    "v": "via",
    "m": "contact",
    "l": "content-length",
}
_STATUS_RE = re.compile(r"^SIP/2\.0[ \t]+(\d{3})(?:[ \t]+(.*))?$")
TOKEN_RE = re.compile(r"^[!%'*+\-.0-9A-Z^_`a-z|~]+$")


@dataclass(frozen=True, slots=True)
class SipMessage:
    """A SIP message split into start line, headers (in order, names lower-cased) and body."""

    start_line: str
    headers: tuple[tuple[str, str], ...]
    body: str

    @property
    def status(self) -> tuple[int, str] | None:
        """(code, phrase) of a response, None for a request or a broken status line."""
        match = _STATUS_RE.match(self.start_line.strip())
        if match is None:
            return None
        return int(match.group(1)), (match.group(2) or "").strip()

    def all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key == wanted]

    def first(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    @property
    def cseq_method(self) -> str | None:
        cseq = self.first("cseq")
        parts = cseq.split() if cseq else []
        return parts[1].upper() if len(parts) == 2 else None


def parse_message(text: str) -> SipMessage:
    """Split SIP text into its parts; folded header lines are joined, broken lines skipped."""
    head, sep, body = text.partition("\r\n\r\n")
    if not sep:
        head, _, body = text.partition("\n\n")
    lines = head.replace("\r\n", "\n").split("\n")
    start = lines[0] if lines else ""
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        if not colon or not name or not TOKEN_RE.match(name):
            continue
        headers.append((_COMPACT.get(name, name), value.strip()))
    return SipMessage(start_line=start.strip(), headers=tuple(headers), body=body)
