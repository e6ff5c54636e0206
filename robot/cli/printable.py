"""Text from data made safe to print on a terminal: the one helper every CLI output goes through.

Names in numbers files, SIP reason phrases from the network and text read off a handset's screen
are untrusted. Printed raw, `ESC ] 0 ; … BEL` retitles the terminal, `ESC [ 2 J` clears it, a
C1 `CSI` byte does the same on some terminals, and U+202E reverses what follows. Rich does not
help by itself: it strips only BEL, BS, VT, FF and CR, and a `[` in a name is read as markup.

So data is printed as `cell()` (a Rich `Text`, never markup), interpolated into markup with
`markup_safe()`, echoed with `printable()`, and dumped as JSON with `safe_json()`. Each of them
shows a control character as a visible escape (`\\x1b`, `\\u202e`) instead of sending it. The
consoles made by `safe_console()` apply the same rule to every segment they write, as a backstop
for a call site that forgot.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.segment import Segment
from rich.text import Text

from robot.controlchars import CONTROL, CONTROL_IN_TEXT, escape_controls

_UNSAFE = CONTROL_IN_TEXT
_UNSAFE_ONE_LINE = CONTROL
# What `json.dumps` leaves raw that a terminal acts on (its own output has no other controls
# than the newlines and spaces of indentation).
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")


def printable(value: object, *, one_line: bool = True) -> str:
    """`str(value)` with every control character shown as an escape; with `one_line=False`
    tabs and newlines are kept (for multi-line text such as a SIP trace)."""
    return escape_controls("" if value is None else str(value), one_line=one_line)


def cell(value: object, default: str = "-") -> Text:
    """A table cell or line part from data: plain text (no markup), controls escaped."""
    if value is None or value == "":
        return Text(default)
    return Text(printable(value))


def markup_safe(value: object) -> str:
    """Data to interpolate into a Rich markup string: controls escaped, `[` not markup."""
    return escape(printable(value))


def safe_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON that is safe on a terminal and still valid JSON: `json` escapes C0 controls
    itself; C1 controls and bidi overrides, which it leaves raw, become `\\uXXXX` here."""
    separators = (",", ":") if indent is None else None  # one compact line without indent
    text = json.dumps(data, indent=indent, separators=separators, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


class SafeConsole(Console):
    """A Rich console that escapes control characters in every text segment it writes.

    Rich's own control segments (cursor moves of a live progress bar) and the escape codes it
    renders for styles are left alone: only the text of segments is rewritten.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(_safe_segments(buffer))


def _safe_segments(buffer: Iterable[Segment]) -> Iterable[Segment]:
    for segment in buffer:
        if segment.control or not _UNSAFE.search(segment.text):
            yield segment
        else:
            yield Segment(printable(segment.text, one_line=False), segment.style)


def safe_console(*, stderr: bool = False, width: int | None = None) -> SafeConsole:
    """The console for CLI output: no auto-highlighting of data, control characters escaped;
    piped output gets `width` columns (when given) so tables are not squeezed to 80."""
    out = SafeConsole(stderr=stderr, highlight=False, soft_wrap=stderr)
    if width is not None and not out.is_terminal:
        out.width = max(out.width, width)
    return out
