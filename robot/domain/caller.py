"""Is the call ringing on the handset ours? The number the phone saw against the caller ID we
presented, tolerant of the ways phones print numbers.

A test SIM gets real calls too (spam, wrong numbers, carrier messages). A call that rings while
ours is in flight must never be judged as ours. Phones show a number in E.164 (`+12025550181`),
national (`(202) 555-0181`, `2025550181`), with a trunk prefix (`12025550181`, `0…`), or not at
all (withheld: `""`, "Private", "Unknown"); `None` means the phone could not tell us.
"""

from __future__ import annotations

import enum
import functools
import re
from importlib import resources

import yaml

from .model import Check, CheckState

# What phones show instead of a number for a withheld caller ID (in English; other languages'
# words are the `withheld` lists of languages.yaml).
WITHHELD = frozenset(
    {"", "private", "private number", "unknown", "unknown caller", "no caller id",
     "restricted", "anonymous", "blocked", "-1", "-2"}
)  # fmt: skip
MIN_NATIONAL_DIGITS = 8


@functools.cache
def withheld_texts() -> frozenset[str]:
    """Every language's words for a withheld caller, casefolded: a phone in German shows
    "Unbekannt" where one in English shows "Unknown"."""
    text = resources.files("robot.domain").joinpath("data", "languages.yaml").read_text("utf-8")
    languages = (yaml.safe_load(text) or {}).get("languages") or {}
    words = {str(w).casefold() for row in languages.values() for w in row.get("withheld") or ()}
    return WITHHELD | words


class CallerMatch(enum.StrEnum):
    OURS = "ours"
    FOREIGN = "foreign"
    UNKNOWN = "unknown"  # the phone did not say which number is calling


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def match_caller(presented: str, seen: str | None) -> CallerMatch:
    """Whether `seen` (what the phone reports or shows) is the `presented` E.164 number.

    A withheld number is foreign: ringcheck always presents a caller ID. A shorter number
    matches when it is the tail of ours with at least a national number's digits (the phone
    dropped the country code or prints a trunk prefix such as the leading 1 or 0).
    """
    if seen is None:
        return CallerMatch.UNKNOWN
    if seen.strip().casefold() in withheld_texts():
        return CallerMatch.FOREIGN
    ours, theirs = _digits(presented), _digits(seen)
    if not theirs:
        return CallerMatch.UNKNOWN  # letters only: a name, not a number
    if theirs == ours:
        return CallerMatch.OURS
    shorter, longer = sorted((theirs, ours), key=len)
    if len(shorter) >= MIN_NATIONAL_DIGITS and longer.endswith(shorter.lstrip("0")):
        return CallerMatch.OURS
    return CallerMatch.FOREIGN


def caller_check(match: CallerMatch) -> Check | None:
    """The extra check an attempt carries when the ringing call could not be tied to ours."""
    if match is not CallerMatch.UNKNOWN:
        return None
    return Check(
        "caller",
        CheckState.UNCERTAIN,
        "the ringing call's number could not be read, so it may not have been ours",
    )
