"""Comparing a displayed name with the expected one the way a person would.

Carriers deliver CNAM in capitals, cut at 15 characters, sometimes with a trailing "…"; dialers
prefix labels such as "[SPAM?]". A name check must not fail on any of that, and must not pass
a genuinely different name.
"""

from __future__ import annotations

import re
import unicodedata

CNAM_MAX_CHARS = 15
_ELLIPSES = ("…", "...")
_BRACKET_PREFIX = re.compile(r"^\s*(\[[^\]]{1,20}\])\s*")


def fold(text: str, *, strip_accents: bool = True) -> str:
    """NFKC, case and whitespace folding; accents removed unless asked to keep them."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if strip_accents:
        decomposed = unicodedata.normalize("NFD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = unicodedata.normalize("NFC", folded)
    return " ".join(folded.split())


def split_bracket_prefix(text: str) -> tuple[str | None, str]:
    """Split a "[SPAM?] ACME BANK" style prefix off a name: ("[SPAM?]", "ACME BANK")."""
    match = _BRACKET_PREFIX.match(text)
    if not match:
        return None, text.strip()
    return match.group(1), text[match.end() :].strip()


def _drop_ellipsis(text: str) -> tuple[str, bool]:
    for mark in _ELLIPSES:
        if text.endswith(mark):
            return text[: -len(mark)].rstrip(), True
    return text, False


def names_match(shown: str, expected: str, *, strip_accents: bool = True) -> bool:
    """True when `shown` is `expected` as a CNAM-limited, case-folded display would show it."""
    _, shown = split_bracket_prefix(shown)
    shown_folded, ellipsized = _drop_ellipsis(fold(shown, strip_accents=strip_accents))
    expected_folded = fold(expected, strip_accents=strip_accents)
    if not shown_folded:
        return False
    if shown_folded == expected_folded:
        return True
    if ellipsized:
        return expected_folded.startswith(shown_folded)
    truncated = expected_folded[:CNAM_MAX_CHARS].rstrip()
    return len(expected_folded) > CNAM_MAX_CHARS and shown_folded == truncated


def is_truncated(shown: str, expected: str, *, strip_accents: bool = True) -> bool:
    """True when `shown` matches `expected` only as its cut form (CNAM limit or an ellipsis):
    the customer did not see the whole name."""
    if not names_match(shown, expected, strip_accents=strip_accents):
        return False
    _, shown = split_bracket_prefix(shown)
    shown_folded, _ = _drop_ellipsis(fold(shown, strip_accents=strip_accents))
    return shown_folded != fold(expected, strip_accents=strip_accents)


def exceeds_cnam(name: str) -> bool:
    """Whether a display name will be cut by the 15-character CNAM limit."""
    return len(name) > CNAM_MAX_CHARS
