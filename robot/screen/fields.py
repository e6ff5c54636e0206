"""Giving each OCR'd line its role: label, number, verified text, call reason, screen words,
or the caller's name.

The caller's lines form a block: a title (the name, the number when there is no name, or a
label shown in the name's place) with the number, status, label or verified text beside it.
The name is the most prominent plausible line of that block; a number or label drawn as the
title leaves no name, whatever smaller text sits under it (an app name, a subtitle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers

from robot.domain.model import LabelClass
from robot.domain.names import fold
from robot.screen.labels import LabelHit, match_label, match_phrase
from robot.screen.lines import Box
from robot.screen.vocab import Vocabulary, has_cjk, vocabulary

_TIME = re.compile(r"^\d{1,2}[:.]\d{2}([:.]\d{2})?\s*([AaPp]\.?[Mm]\.?)?$")
_TIMER = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_PERCENT = re.compile(r"^\d{1,3}\s*%$")
_DIGITISH = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8", "Z": "2"}
)
_NUMBER_CHARS = set("0123456789+()-. ")
# a word that is a single lowercase "l" (before a cut "…") is a capital I in a sans-serif font
_LONE_L = re.compile(r"(?<=\s)l(?=(\.{2,}|…)?$|\s)")
_TRAILING_JUNK = re.compile(r"(\s+[^\w\s…]{1,3})+$|(\s+[@©®ⓥ✓✔]\S?)+$")
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
_INTERNATIONAL = re.compile(r"\+\s?\d")


@dataclass(slots=True)
class Line:
    """One OCR'd text line and the role it was given (mutable while roles are assigned)."""

    box: Box
    text: str
    confidence: float
    role: str = ""
    read_with: str = ""  # the Tesseract pack that gave `text`
    warning: bool = False  # drawn as a warning: red or orange text, or on a red band
    red_text: bool = False  # the letters themselves in a warning colour
    # what each Chinese or Japanese pack read in the line, when several were tried
    readings: dict[str, tuple[str, float]] = field(default_factory=dict)


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
    in_call: bool = False  # a call timer beside the caller: the call is already up
    extra: list[Line] = field(default_factory=list)


def clean_name(text: str) -> str:
    """A name without badge glyphs, "..." as "…", and a lone "l" read for "I" put right."""
    text = _TRAILING_JUNK.sub("", text.strip())
    text = _LONE_L.sub("I", text)
    if text.endswith("...") or text.endswith(".."):
        text = text.rstrip(".").rstrip() + "…"
    return text.strip(" .,:;|-_'\"") if not text.endswith("…") else text.lstrip(" |-_")


def _strip_type(text: str, vocab: Vocabulary) -> str:
    """ "Mobile 1 844…", "Móvil: +34…", "手机 138…" → the number part."""
    plus = _INTERNATIONAL.search(text)
    if plus and plus.start() > 0 and sum(ch.isdigit() for ch in text[plus.start() :]) >= 5:
        return text[plus.start() :]  # what stands before an international number is its type
    words = text.split()
    types = vocab.folded_number_types
    while words and fold(words[0]).strip(":·•,") in types:
        words = words[1:]
    if len(words) >= 2 and words[0].isalpha() and len(words[0]) <= 6:
        rest = " ".join(words[1:])
        if sum(ch.isdigit() for ch in rest) >= 5:
            words = words[1:]  # a type word read with a slip ("Movil", "FAH" for 手机)
    if words and has_cjk(words[0]):
        # a short Chinese or Japanese word before the digits is the number's type ("手机",
        # "携帯", also when OCR reads it in the other script), sometimes touching them
        head = words[0]
        cut = 0
        while cut < min(len(head), 4) and has_cjk(head[cut]):
            cut += 1
        words[0] = head[cut:].lstrip(":：·")
    return " ".join(w for w in words if w)


def as_number(text: str, vocab: Vocabulary | None = None) -> str | None:
    """The phone number a line shows ("Mobile 1 844-331-6882" → "1 844-331-6882"), if any."""
    candidate = _strip_type(text, vocab or vocabulary()).strip(" ·•'\"`,;:|_~")
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


def is_screen_word(text: str, vocab: Vocabulary) -> bool:
    """A status, button or network word, or a line made only of such words ("Phone • now")."""
    if match_phrase(text, vocab.ui_words) or match_phrase(text, vocab.number_types):
        return True
    words = [w.casefold() for w in _WORDS.findall(text)]
    # an icon beside the words is read as a letter or two ("Ti 中国电信", "@ Phone • now")
    words = [w for w in words if len(w) > 2 or (has_cjk(w) and len(w) > 1)] or words
    known = _screen_word_set(vocab)
    if words and all(w in known for w in words):
        return True
    # a long status phrase leads a line ("Calling via Twilio Voice", "Incoming call from…");
    # a short word ("Mobile", "Home") may start a business name, so it does not count
    return text.casefold().startswith(_leading_phrases(vocab))


_WORD_SETS: dict[int, frozenset[str]] = {}
_LEADING: dict[int, tuple[str, ...]] = {}


def _leading_phrases(vocab: Vocabulary) -> tuple[str, ...]:
    """The long UI phrases, folded once (str.startswith tries them all in one call)."""
    found = _LEADING.get(id(vocab))
    if found is None:
        found = tuple(w.casefold().rstrip(".…") for w in vocab.ui_words if len(w) >= 9 or " " in w)
        _LEADING[id(vocab)] = found
    return found


def _screen_word_set(vocab: Vocabulary) -> frozenset[str]:
    known = _WORD_SETS.get(id(vocab))
    if known is None:
        known = frozenset(
            w.casefold()
            for phrase in (*vocab.ui_words, *vocab.number_types)
            for w in _WORDS.findall(phrase)
            if " " not in phrase
        )
        _WORD_SETS[id(vocab)] = known
    return known


def _reason(text: str, vocab: Vocabulary) -> str | None:
    folded = text.casefold()
    for prefix in vocab.call_reason_prefixes:
        p = prefix.casefold()
        if folded.startswith(p) or folded.replace(" ", "").startswith(p.replace(" ", "")):
            head = len(p) if folded.startswith(p) else max(text.find(":"), text.find("："), 0) + 1
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
    tallest = max((ln.box.h for ln in lines), default=0)
    for line in lines:
        text = line.text.strip()
        if not any(ch.isalnum() for ch in text) or line.role:
            continue
        reason = _reason(text, vocab)
        if reason is not None:
            line.role = "reason"
            out.call_reason, out.reason_confidence = reason, line.confidence
            continue
        hit = match_label(text, vocab, warning=line.warning, red_text=line.red_text)
        if hit is not None:
            line.role = "label"
            _take_label(out, line, hit)
            if hit.rest:
                # the name after "[SPAM?]", read with the same pack as the label before it
                rest.append(Line(line.box, hit.rest, line.confidence, read_with=line.read_with))
            continue
        number = as_number(text, vocab)
        if number is not None:
            line.role = "number"
            numbers.append((line, number))
            continue
        if match_phrase(text, vocab.verified_texts):
            line.role = "verified"
            out.verified_text = line
            continue
        if _TIME.match(text) or _PERCENT.match(text):
            line.role = "time"
            continue
        if is_screen_word(text, vocab) and not _network_as_title(line, tallest, vocab):
            line.role = "ui"
            continue
        rest.append(line)
    _buttons_in_a_stack(rest, [ln for ln in lines if ln.role == "ui"])
    rest = [ln for ln in rest if not ln.role]
    known = [ln for ln in lines if ln.role in ("number", "ui", "verified", "reason", "time")]
    name = _pick_name(rest, numbers, known, out.label_line)
    if name is not None:
        name.role = "name"
        out.name, out.name_text = name, clean_name(name.text)
    _pick_number(out, numbers)
    title = out.name or out.number or out.label_line
    out.in_call = title is not None and any(
        ln.role == "time" and _TIMER.match(ln.text.strip()) and _beside(title.box, ln.box)
        for ln in lines
    )
    if bare_reason and out.call_reason is None:
        _bare_reason(out, rest)
    out.extra = [ln for ln in lines if not ln.role]
    return out


def _network_as_title(line: Line, tallest: int, vocab: Vocabulary) -> bool:
    """A mobile network's name drawn as the screen's title is the caller (the carrier's own
    service line calls its customers); beside the call, as a dual-SIM phone shows it, it is
    small text."""
    return line.box.h >= 0.9 * tallest and match_phrase(line.text, vocab.networks) is not None


def _buttons_in_a_stack(rest: list[Line], ui: list[Line]) -> None:
    """A line in a column of buttons ("Mute", "Hold", "…", "Hang up": same size, one under
    the other, evenly spaced) is a button too, whatever it says."""
    for line in rest:
        box = line.box
        mates = [
            u
            for u in ui
            if abs(u.box.cx - box.cx) <= 0.5 * box.h
            and 0.65 <= u.box.h / max(1, box.h) <= 1.5
            and abs(u.box.cy - box.cy) <= 6 * box.h
        ]
        if len(mates) >= 2:
            line.role = "ui"


def _take_label(out: Fields, line: Line, hit: LabelHit) -> None:
    """Keep the surest label; a line drawn as a warning beats a plain one."""
    score = hit.score * line.confidence + (0.5 if line.warning else 0.0)
    best = out.label_confidence + (0.5 if out.label_line and out.label_line.warning else 0.0)
    if out.label is None or score > best:
        out.label, out.label_class = hit.text, hit.label_class
        out.label_confidence, out.label_line = hit.score * line.confidence, line


def _pick_number(out: Fields, numbers: list[tuple[Line, str]]) -> None:
    sure = [n for n in numbers if n[0].confidence >= 0.5]
    numbers = sure or numbers
    if not numbers:
        return
    anchor = out.name or out.label_line
    tallest = max(n[0].box.h for n in numbers)
    best = min(
        numbers,
        key=lambda n: (
            abs(n[0].box.cy - anchor.box.cy) if anchor else -n[0].box.h,
            n[0].box.h < 0.6 * tallest,
        ),
    )
    out.number, out.number_text = best


def _beside(title: Box, other: Box) -> bool:
    """Within a few line heights above or below the title, overlapping it across."""
    overlap = min(title.right, other.right) - max(title.x, other.x)
    return overlap > -title.h and abs(other.cy - title.cy) <= 3.5 * title.h


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
    """A warning wrapped over two lines ("…标记为诈" / "骗", "Suspected spam" / "caller") is
    one label line: same size, the second right under the first and no wider."""
    ordered = sorted(lines, key=lambda ln: ln.box.y)
    for first in ordered:
        if first.role or match_label(first.text, vocab, warning=first.warning):
            continue
        for second in ordered:
            gap = second.box.y - first.box.bottom
            if second is first or second.role or not -2 <= gap <= 0.6 * first.box.h:
                continue
            if second.warning != first.warning:
                continue  # a name over a red label is two things, not one wrapped line
            if not 0.6 <= second.box.h / max(1, first.box.h) <= 1.5 or second.box.w > first.box.w:
                continue
            glue = "" if has_cjk(first.text) else " "
            joined = first.text.rstrip() + glue + second.text.strip()
            if match_label(joined, vocab, warning=first.warning, red_text=first.red_text):
                first.text = joined
                first.box = Box(
                    min(first.box.x, second.box.x),
                    first.box.y,
                    max(first.box.right, second.box.right) - min(first.box.x, second.box.x),
                    second.box.bottom - first.box.y,
                )
                second.role = "label"
                break


def plausible_name(line: Line) -> bool:
    """Text a person could be called, not OCR noise from a photo, an icon or a button."""
    text = clean_name(line.text)
    if has_cjk(text):
        cjk = sum(bool(has_cjk(ch)) for ch in text)
        return line.confidence >= 0.6 and cjk >= 2 and cjk >= 0.6 * len(text.replace(" ", ""))
    if line.confidence < 0.6:
        return False
    letters = sum(ch.isalpha() for ch in text)
    fair = sum(ch.isalnum() or ch in " .,'’-&…" for ch in text)
    words = [w for w in text.split() if sum(ch.isalpha() for ch in w) >= 2]
    enough = letters >= 3 or (letters >= 2 and line.confidence >= 0.9)
    return enough and fair >= 0.9 * len(text) and bool(words)


def _has_context(line: Line, known: list[Line]) -> bool:
    """A caller's name sits right above or below its number, status, timer or verified line."""
    box = line.box
    for other in known:
        gap = max(other.box.y - box.bottom, box.y - other.box.bottom)
        centre = (other.box.x + other.box.right) / 2
        under = box.x - box.h <= centre <= box.right + box.h or abs(other.box.x - box.x) < box.h
        if -2 <= gap <= 1.5 * box.h and under:
            return True
    return False


def _pick_name(
    rest: list[Line],
    numbers: list[tuple[Line, str]],
    known: list[Line],
    label: Line | None,
) -> Line | None:
    """The most prominent plausible line of the caller's block, unless a number or a label
    is the block's title (then the smaller text under it is not a name)."""
    candidates = [ln for ln in rest if plausible_name(ln)]
    if not candidates:
        return None
    best = max(candidates, key=lambda ln: (round(ln.box.h / 6), ln.confidence, -ln.box.y))
    if known and not _has_context(best, known):
        placed = [
            ln for ln in candidates if ln.box.h >= 0.4 * best.box.h and _has_context(ln, known)
        ]
        if placed:
            best = max(placed, key=lambda ln: (round(ln.box.h / 6), ln.confidence))
    for line, _ in numbers:
        if _titles(line, best, sure=line.confidence >= 0.5):
            return None
    if label is not None and label.box != best.box and _titles(label, best, sure=True):
        return None
    return best


def _titles(title: Line, other: Line, *, sure: bool) -> bool:
    """Whether `title` is drawn as the block's title, bigger than `other` right under or
    above it (a subtitle, an app's header)."""
    gap = max(other.box.y - title.box.bottom, title.box.y - other.box.bottom)
    taller = title.box.h > 1.2 * other.box.h
    return sure and taller and -2 <= gap <= 1.5 * title.box.h and not _narrower(title, other)


def _narrower(title: Line, other: Line) -> bool:
    """Whether `title`'s letters are narrower than `other`'s: then it is no bigger text, only
    a taller box (descenders: "Potential Spam" under "Dental Care Clinic", 48 px against
    38 px, at 17 px a letter against 22)."""
    a, b = len(title.text.strip()), len(other.text.strip())
    return a > 0 and b > 0 and title.box.w / a < 0.9 * (other.box.w / b)
