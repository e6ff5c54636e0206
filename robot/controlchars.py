"""Which characters are controls: a terminal acts on them, and no name or host contains one.

Shared by the loaders, which refuse them in the files people write (a caller name, a trunk
host), and by the CLI's printing (`robot.cli.printable`), which shows them as escapes when they
come from elsewhere (the network, a handset's screen, an old store).
"""

from __future__ import annotations

import re

CONTROL = re.compile(
    "[\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2028\\u2029\\u2066-\\u2069]"
)
"""C0 and C1 controls, DEL, line/paragraph separators, and the bidirectional marks, overrides
and isolates that reorder what a reader sees (CVE-2021-42574)."""

CONTROL_IN_TEXT = re.compile(
    "[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]"
)
"""The same, with tab and newline allowed (multi-line text such as a description)."""


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, *, one_line: bool = True) -> str:
    """`text` with each control character shown as an escape (`\\x1b`, `\\n`, `\\u202e`);
    with `one_line=False` tabs and newlines are kept."""
    return (CONTROL if one_line else CONTROL_IN_TEXT).sub(_escaped, text)


def first_control_char(text: str, *, allow_line_breaks: bool = False) -> str | None:
    """The first control character of `text` as `U+001B` (for messages that must not echo
    it), or None when there is none."""
    pattern = CONTROL_IN_TEXT if allow_line_breaks else CONTROL
    match = pattern.search(text)
    return None if match is None else f"U+{ord(match.group(0)):04X}"
