"""Reading pjsip's message log: which call a logged SIP message belongs to and what it says.

pjsua logs every message it sends or receives at level 4 ("TX 1279 bytes Request msg
INVITE/cseq=67 (tdta…) to UDP 127.0.0.1:5060:\\n<message>") and every packet it could not
parse at level 1 ("Error processing … packet …"). Splitting that log by Call-ID gives each
call its SIP trace, including what the stack itself threw away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CALL_ID_RE = re.compile(
    r"^(?:call-id|i)[ \t]*:[ \t]*(\S+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE
)
_FIRST_RE = re.compile(r"^(TX|RX) \d+ bytes (Request|Response) msg ([^ ]+) .*? (?:to|from) (\w+) ")
_STATUS_RE = re.compile(r"^SIP/2\.0[ \t]+(\d{3})[ \t]*([^\r\n]*)", re.MULTILINE)
_CSEQ_RE = re.compile(r"^cseq[ \t]*:[ \t]*\d+[ \t]+(\w+)", re.IGNORECASE | re.MULTILINE)
_REQUEST_RE = re.compile(r"^([A-Z]+) \S+ SIP/2\.0\r?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    """One logged SIP message (or unparsable packet) with what we need to follow a call."""

    text: str
    call_id: str | None
    direction: str | None = None
    transport: str | None = None
    status: int | None = None
    phrase: str | None = None
    method: str | None = None
    malformed: bool = False

    @property
    def message(self) -> str:
        """The SIP text without pjsip's one-line preface."""
        return self.text.split("\n", 1)[1] if "\n" in self.text else self.text

    @property
    def invite_response(self) -> bool:
        return self.direction == "RX" and self.status is not None and self.method == "INVITE"


def is_drop_notice(text: str) -> bool:
    """pjsip's one-line reason logged just before the packet it dropped."""
    return text.startswith("Dropping ") and "packet" in text[:120]


def read_log_entry(text: str) -> LoggedMessage | None:
    """The message in a log line, or None for ordinary log chatter."""
    first = text.split("\n", 1)[0]
    malformed = first.startswith("Dropped packet:") or (
        first.startswith("Error processing") and "packet" in first)
    match = _FIRST_RE.match(first)
    if match is None and not malformed:
        return None
    ids = _CALL_ID_RE.findall(text)
    call_id = ids[0] if ids else None
    if malformed:
        return LoggedMessage(text=text, call_id=call_id, direction="RX", malformed=True)
    assert match is not None
    direction, kind, info, transport = match.groups()
    body = text.split("\n", 1)[1] if "\n" in text else ""
    if kind == "Response":
        status = _STATUS_RE.search(body)
        cseq = _CSEQ_RE.search(body)
        return LoggedMessage(
            text=text, call_id=call_id, direction=direction, transport=transport.lower(),
            status=int(status.group(1)) if status else None,
            phrase=status.group(2).strip() if status else None,
            method=cseq.group(1).upper() if cseq else info.split("/")[1].upper(),
        )
    request = _REQUEST_RE.search(body)
    method = request.group(1) if request else info.split("/")[0]
    return LoggedMessage(text=text, call_id=call_id, direction=direction,
                         transport=transport.lower(), method=method)
