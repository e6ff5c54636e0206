"""Giving each OCR'd line its role: label, number, verified text, call reason, UI, or name.

The order matters: a label in the name slot ("Spam Risk") must not become the name, a number
shown as the title (iOS "+1 415…") must not either, and status or button words never are.
The name is the tallest line left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers

from robot.domain.model import LabelClass
from robot.screen.labels import match_label, match_phrase
from robot.screen.lines import Box
from robot.screen.vocab import Vocabulary, has_cjk, vocabulary

_TIME = re.compile(r"^\d{1,2}[:.]\d{2}([:.]\d{2})?\s*([AaPp][Mm])?$")
_PERCENT = re.compile(r"^\d{1,3}\s*%$")
# CallKit's second line: "<app> Audio…" / "Video…" (the app, not the caller)
_SUBTITLE = re.compile(r"\b(audio|video)\s*(\.{2,}|…)$", re.IGNORECASE)
_DIGITISH = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8", "Z": "2"}
)
_NUMBER_CHARS = set("0123456789+()-. ")
_TYPE_WORDS = ("mobile", "home", "work", "landline", "main", "other", "phone", "cell", "tel")
# a word that is a single lowercase "l" (before a cut "…") is a capital I in a sans-serif font
_LONE_L = re.compile(r"(?<=\s)l(?=(\.{2,}|…)?$|\s)")
_TRAILING_JUNK = re.compile(r"(\s+[^\w\s…]{1,3})+$|(\s+[@©®ⓥ✓✔]\S?)+$")


@dataclass(slots=True)
class Line:
    """One OCR'd text line and the role it was given (mutable while roles are assigned)."""

    box: Box
    text: str
    confidence: float
    role: str = ""
    read_with: str = ""  # the Tesseract model that gave `text`


@dataclass(slots=True)
class Fields:
    """The caller's fields picked out of a screen's lines, with the lines they came from."""

    name: Line | None = None
    number: Line | None = None
    number_text: str | None = None
    label: str | None = None
    label_class: LabelClass | None = None
    label_confidence: float = 0.0
    label_line: Line | None = None
    verified_text: Line | None = None
    call_reason: str | None = None
    reason_confidence: float = 0.0
    name_text: str | None = None
    extra: list[Line] = field(default_factory=list)


def clean_name(text: str) -> str:
    """A name without badge glyphs, "..." as "…", and a lone "l" read for "I" put right."""
    text = _TRAILING_JUNK.sub("", text.strip())
    text = _LONE_L.sub("I", text)
    if text.endswith("...") or text.endswith(".."):
        text = text.rstrip(".").rstrip() + "…"
    return text.strip(" .,:;|-_'\"") if not text.endswith("…") else text.lstrip(" |-_")


def as_number(text: str) -> str | None:
    """The phone number a line shows ("Mobile 1 844-331-6882" → "1 844-331-6882"), if any."""
    words = text.split()
    while words and words[0].casefold().strip(":·•") in _TYPE_WORDS:
        words = words[1:]
    candidate = " ".join(words).strip(" ·•'\"`,;:|_~")
    if not candidate or _TIME.match(candidate) or _PERCENT.match(candidate):
        return None
    fixed = candidate.translate(_DIGITISH)
    digits = sum(ch.isdigit() for ch in fixed)
    allowed = sum(ch in _NUMBER_CHARS for ch in fixed)
    if (
        not 3 <= digits <= 15
        or allowed < 0.9 * len(fixed)
        or digits < 0.6 * len(fixed.replace(" ", ""))
    ):
        return None
    if sum(ch.isdigit() for ch in candidate) < 0.6 * digits:
        return None  # mostly letters read as digits: a word, not a number
    return format_number(fixed)


def format_number(text: str) -> str:
    """International format for "+…" numbers; anything else as shown (short codes are real)."""
    text = " ".join(text.split())
    if text.startswith("+"):
        try:
            parsed = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            return text
        if phonenumbers.is_possible_number(parsed):
            return str(
                phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            )
    return text


def _is_ui(text: str, vocab: Vocabulary) -> bool:
    if match_phrase(text, vocab.ui_words):
        return True
    folded = text.casefold()
    for word in vocab.ui_words:
        w = word.casefold().rstrip(".…")
        # only long or multi-word UI phrases lead a line ("Calling via …"); "Mobile" may
        # start a business name
        if (len(w) >= 7 or " " in w) and folded.startswith(w):
            return True
    return False


def _reason(text: str, vocab: Vocabulary) -> str | None:
    folded = text.casefold()
    for prefix in vocab.call_reason_prefixes:
        p = prefix.casefold()
        if folded.startswith(p) or folded.replace(" ", "").startswith(p.replace(" ", "")):
            head = len(p) if folded.startswith(p) else text.find(":") + 1
            return text[head:].strip() or None
    return None


def assign(
    lines: list[Line], vocab: Vocabulary | None = None, *, bare_reason: bool = False
) -> Fields:
    """Give every line a role and pick the caller's fields out of them.

    `bare_reason`: the dialer is known, so a sentence just under the caller's lines with no
    "Call reason:" prefix is taken as the Rich Call Data reason (dialers print it bare).
    """
    vocab = vocab or vocabulary()
    out = Fields()
    rest: list[Line] = []
    numbers: list[tuple[Line, str]] = []
    _join_wrapped(lines, vocab)
    for line in lines:
        text = line.text.strip()
        if not any(ch.isalnum() for ch in text) or line.role:
            continue
        reason = _reason(text, vocab)
        if reason is not None:
            line.role = "reason"
            out.call_reason, out.reason_confidence = reason, line.confidence
            continue
        hit = match_label(text, vocab)
        if hit is not None and (out.label is None or hit.score > out.label_confidence):
            line.role = "label"
            out.label, out.label_class = hit.text, hit.label_class
            out.label_confidence, out.label_line = hit.score * line.confidence, line
            if hit.rest:
                rest.append(Line(line.box, hit.rest, line.confidence))
            continue
        number = as_number(text)
        if number is not None:
            line.role = "number"
            numbers.append((line, number))
            continue
        if match_phrase(text, vocab.verified_texts):
            line.role = "verified"
            out.verified_text = line
            continue
        if (
            _is_ui(text, vocab)
            or _TIME.match(text)
            or _PERCENT.match(text)
            or _SUBTITLE.search(text)
        ):
            line.role = "ui"
            continue
        rest.append(line)
    known = [ln for ln in lines if ln.role in ("number", "ui", "verified", "reason")]
    name = _pick_name(rest, numbers, known)
    # a label drawn as the title (in the name slot) leaves no name below it
    if (
        name is not None
        and out.label_line is not None
        and not any(r.box == out.label_line.box for r in rest)
        and out.label_line.box.h > 1.2 * name.box.h
    ):
        name = None
    if name is not None:
        name.role = "name"
        out.name, out.name_text = name, clean_name(name.text)
    sure = [n for n in numbers if n[0].confidence >= 0.5]
    numbers = sure or numbers
    if numbers:
        anchor = out.name.box.cy if out.name else 0.0
        tallest = max(n[0].box.h for n in numbers)
        best = min(
            numbers,
            key=lambda n: (
                abs(n[0].box.cy - anchor) if out.name else -n[0].box.h,
                n[0].box.h < 0.6 * tallest,
            ),
        )
        out.number, out.number_text = best
    if bare_reason and out.call_reason is None:
        _bare_reason(out, rest)
    out.extra = [ln for ln in lines if not ln.role]
    return out


def _bare_reason(out: Fields, rest: list[Line]) -> None:
    """The first plausible sentence below the caller's lines, close to them and aligned with
    the title line (the name, or a label shown in its place). Under a bare number there is
    no reason to find: iOS puts the calling app's name there."""
    title = out.name or out.label_line
    if title is None:
        return
    caller = [ln for ln in (out.name, out.number, out.verified_text, out.label_line) if ln]
    bottom = max(ln.box.bottom for ln in caller)
    name = title.box
    for line in sorted(rest, key=lambda ln: ln.box.y):
        box = line.box
        if line.role or box.y < bottom - 2 or box.y - bottom > 3 * name.h:
            continue
        centred = abs((box.x + box.right) / 2 - (name.x + name.right) / 2) < name.h
        aligned = centred or abs(box.x - name.x) < 0.5 * name.h
        words = [w for w in line.text.split() if sum(ch.isalpha() for ch in w) >= 2]
        if aligned and len(words) >= 2 and plausible_name(line) and box.h < name.h:
            line.role = "reason"
            out.call_reason, out.reason_confidence = line.text.strip(), line.confidence
            return


def _join_wrapped(lines: list[Line], vocab: Vocabulary) -> None:
    """A CJK warning wrapped over two lines ("…标记为诈" / "骗") is one label line."""
    ordered = sorted((ln for ln in lines if has_cjk(ln.text)), key=lambda ln: ln.box.y)
    for first in ordered:
        if first.role or match_label(first.text, vocab):
            continue
        below = [ln for ln in ordered if 0 <= ln.box.y - first.box.bottom <= 0.6 * first.box.h]
        for second in below:
            joined = first.text + second.text
            if not second.role and match_label(joined, vocab):
                first.text = joined
                first.box = Box(
                    first.box.x, first.box.y, first.box.w, second.box.bottom - first.box.y
                )
                second.role = "label"
                break


def plausible_name(line: Line) -> bool:
    """Text a person could be called, not OCR noise from a photo, an icon or a button."""
    text = clean_name(line.text)
    if has_cjk(text):
        cjk = sum(bool(has_cjk(ch)) for ch in text)
        return line.confidence >= 0.7 and cjk >= 2 and cjk >= 0.6 * len(text.replace(" ", ""))
    if line.confidence < 0.6:
        return False
    letters = sum(ch.isalpha() for ch in text)
    fair = sum(ch.isalnum() or ch in " .,'’-&…" for ch in text)
    words = [w for w in text.split() if sum(ch.isalpha() for ch in w) >= 2]
    enough = letters >= 3 or (letters >= 2 and line.confidence >= 0.9)
    return enough and fair >= 0.9 * len(text) and bool(words)


def _has_context(line: Line, known: list[Line]) -> bool:
    """A caller's name sits right above its number, status, timer or verified line."""
    box = line.box
    for other in known:
        gap = other.box.y - box.bottom
        centre = (other.box.x + other.box.right) / 2
        under = box.x - box.h <= centre <= box.right + box.h or abs(other.box.x - box.x) < box.h
        if 0 <= gap <= 1.5 * box.h and under:
            return True
    return False


def _pick_name(rest: list[Line], numbers: list[tuple[Line, str]], known: list[Line]) -> Line | None:
    """The tallest plausible line; but a big headline with nothing under it (a store
    screenshot's "Clean") yields to a smaller line that has the call's status under it."""
    candidates = [ln for ln in rest if plausible_name(ln)]
    if not candidates:
        return None
    best = max(candidates, key=lambda ln: (round(ln.box.h / 6), ln.confidence, -ln.box.y))
    if not _has_context(best, known):
        placed = [
            ln for ln in candidates if ln.box.h >= 0.4 * best.box.h and _has_context(ln, known)
        ]
        if placed:
            best = max(placed, key=lambda ln: (round(ln.box.h / 6), ln.confidence))
    # iOS shows the number as the title when there is no name: then nothing below is the name
    for line, _ in numbers:
        gap = best.box.y - line.box.bottom
        if (
            line.confidence >= 0.5
            and line.box.h > 1.2 * best.box.h
            and 0 <= gap <= 1.5 * line.box.h
        ):
            return None
    return best
