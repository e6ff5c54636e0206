"""Is a line a spam label? Whole phrases of the vocabulary, never a name that starts like one.

A line is a label when a vocabulary phrase makes it up word for word (each word within an OCR
edit budget scaled to its length), at its start, followed by nothing, by extra words after a
separator ("Spam Risk - 120 reports", "Scam Likely (reported)", "Potential Spam · Verizon"),
or by a count ("Spam Likely 45 reports"), or cut with "…". A line drawn as a warning (red or
orange text, or a red band: `warning=True`) may carry a warning sign before the phrase and
gets one more slip in its longer words; a line in red letters (`red_text=True`, which dialers
use for labels and never for names) may carry any extra words, and is a label when it holds
a warning keyword ("spam", "诈骗") even if its phrase is not listed. So "Robin Caller",
"Scamp Pet Supplies", "Risk Advisory Group" and "Fraud Prevention Unit" stay names, and
"Maybe:" (an iOS contact suggestion) is never a label.
Chinese and Japanese phrases match inside the line, which is then the label as shown.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from robot.domain.model import LabelClass
from robot.domain.names import fold, split_bracket_prefix
from robot.screen.vocab import Vocabulary, has_cjk, vocabulary

_ELLIPSIS = re.compile(r"(\.{2,}|…)\s*$")
_SEPARATORS = "-–—·•●▪|(:/,[*«»‹›~"  # what OCR makes of a "·" too
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# letters OCR confuses, mapped to one form on both sides before comparing
_CONFUSIONS = (("rn", "m"), ("cl", "d"), ("vv", "w"), ("0", "o"), ("1", "l"), ("5", "s"))


@dataclass(frozen=True, slots=True)
class LabelHit:
    text: str  # the label as the vocabulary spells it (CJK: the line as shown)
    label_class: LabelClass
    score: float
    rest: str = ""  # what is left of the line besides the label (a name after "[SPAM?]")


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    label_class: LabelClass
    words: tuple[str, ...]


def _budget(word: str, warning: bool, red_text: bool = False) -> int:
    base = 0 if len(word) <= 4 else 1 if len(word) <= 8 else 2
    return base + (1 if (warning and len(word) >= 5) or (red_text and len(word) >= 4) else 0)


@functools.lru_cache(maxsize=8192)
def _canon(word: str) -> str:
    word = fold(word)
    for wrong, right in _CONFUSIONS:
        word = word.replace(wrong, right)
    return word


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(_canon(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(text)]


@functools.cache
def _phrases(vocab: Vocabulary) -> tuple[tuple[_Phrase, ...], tuple[_Phrase, ...]]:
    """(Latin-script phrases, longest first; CJK phrases, longest first)."""
    latin, cjk = [], []
    for word in vocab.labels:
        if word.text.startswith("["):
            continue  # "[SPAM?]" is a prefix, matched apart
        if has_cjk(word.text):
            cjk.append(_Phrase(word.text, word.label_class, ()))
        else:
            latin.append(
                _Phrase(word.text, word.label_class, tuple(w for w, _, _ in _words(word.text)))
            )
    latin.sort(key=lambda p: -len(p.text))
    cjk.sort(key=lambda p: -len(p.text))
    return tuple(latin), tuple(cjk)


def is_not_label(text: str, vocab: Vocabulary | None = None) -> bool:
    vocab = vocab or vocabulary()
    folded = fold(text)
    return any(folded.startswith(word) for word in vocab.folded_not_labels)


def match_label(
    text: str,
    vocab: Vocabulary | None = None,
    *,
    warning: bool = False,
    red_text: bool = False,
    slack: int = 0,
) -> LabelHit | None:
    """The label a line shows, if any. `warning`: the line is drawn as a warning (red text or
    a red band); `red_text`: its letters themselves are red, which a dialer does for labels
    and never for names, so a warning keyword alone makes it a label. `slack` allows that
    many more slips per Latin-script word: not to decide, only to find a line worth reading
    again ("Potential Soam")."""
    vocab = vocab or vocabulary()
    if not text.strip() or is_not_label(text, vocab):
        return None
    prefix, rest = split_bracket_prefix(text)
    if prefix is not None:
        hit = _bracket(prefix, rest)
        if hit is not None:
            return hit
    latin, cjk = _phrases(vocab)
    if has_cjk(text):
        return _cjk(text, cjk, vocab, red_text)
    return _latin(text, latin, (warning, red_text), slack) or (
        _keyword(text, vocab) if red_text else None
    )


def _bracket(prefix: str, rest: str) -> LabelHit | None:
    inner = fold(prefix.strip("[]"))
    for word, cls in (
        ("fraud", LabelClass.FRAUD),
        ("scam", LabelClass.SCAM),
        ("spam", LabelClass.SPAM),
    ):
        if word in inner:
            return LabelHit(text=prefix, label_class=cls, score=1.0, rest=rest)
    return None


def _latin(
    text: str, phrases: tuple[_Phrase, ...], style: tuple[bool, bool], slack: int
) -> LabelHit | None:
    warning = style[0]
    clipped = bool(_ELLIPSIS.search(text))
    body = _ELLIPSIS.sub("", text)
    words = _words(body)
    if warning:  # a warning sign before the label is read as a letter or two ("i Political")
        while len(words) > 1 and len(words[0][0]) <= 2 and not words[0][0].isdigit():
            words = words[1:]
    if not words:
        return None
    best: LabelHit | None = None
    for phrase in phrases:
        score = _at_start(words, body, phrase, style, clipped, slack)
        if score > 0 and (best is None or score > best.score):
            best = LabelHit(phrase.text, phrase.label_class, score)
    return best


def _at_start(
    words: list[tuple[str, int, int]],
    body: str,
    phrase: _Phrase,
    style: tuple[bool, bool],
    clipped: bool,
    slack: int = 0,
) -> float:
    """How well `phrase` makes up the start of the line (0: it does not)."""
    warning, red_text = style
    n = len(phrase.words)
    seen = [w for w, _, _ in words[:n]]
    if len(seen) < n:
        # a cut label ("Suspected spam ca…"): the phrase's start, two words of it or in red
        if not (clipped and seen and (warning or len(seen) >= 2) and len("".join(seen)) >= 5):
            return 0.0
        target = list(phrase.words[: len(seen)])
        target[-1] = target[-1][: len(seen[-1])]
    else:
        target = list(phrase.words)
        if clipped and len(words) == n:  # "Suspected spam ca…": the last word is cut
            target[-1] = target[-1][: max(len(seen[-1]), 1)]
    dist = 0
    for got, want in zip(seen, target, strict=True):
        d = Levenshtein.distance(got, want)
        if d > _budget(want, warning, red_text) + slack:
            return 0.0
        dist += d
    if len(words) > n and not _extras_allowed(body, words[n - 1][2], words[n][0], red_text):
        return 0.0
    size = sum(len(w) for w in target)
    score = 1.0 - dist / max(1, size)
    return score * (0.9 if len(seen) < n else 1.0) + 0.001 * size  # longer phrases first


def _extras_allowed(body: str, end: int, next_word: str, red_text: bool) -> bool:
    """Words after a label: after a separator, a count, or anything in red letters."""
    between = body[end:].lstrip()
    if red_text or (between and between[0] in _SEPARATORS):
        return True
    return next_word[:1].isdigit()


def _cjk(
    text: str, phrases: tuple[_Phrase, ...], vocab: Vocabulary, red_text: bool
) -> LabelHit | None:
    compact = "".join(text.split())
    for phrase in phrases:
        if phrase.text in compact:
            # the line as shown, without a stray mark at its end ("迷惑電話.")
            return LabelHit(" ".join(text.split()).rstrip(" .,:;·・。、"), phrase.label_class, 0.9)
    for phrase in phrases:
        if _one_slip_in(phrase.text, compact):
            # one character misread in a phrase of four or more: the vocabulary's spelling
            return LabelHit(phrase.text, phrase.label_class, 0.8)
    if red_text:
        return _keyword(text, vocab)
    return None


def _one_slip_in(phrase: str, line: str) -> bool:
    """`phrase` (four characters or more) stands in `line` with one character misread."""
    n = len(phrase)
    if n < 4 or len(line) < n:
        return False
    return any(
        sum(a != b for a, b in zip(phrase, line[i : i + n], strict=True)) <= 1
        for i in range(len(line) - n + 1)
    )


def _keyword(text: str, vocab: Vocabulary) -> LabelHit | None:
    """A warning line holding a label keyword: the label as shown, up to a separator."""
    words = {w for w, _, _ in _words(text)}
    compact = "".join(text.split())
    for keyword in vocab.keywords:
        key = _canon(keyword.text)
        if (has_cjk(keyword.text) and keyword.text in compact) or key in words:
            shown = re.split(r"\s[-–—·•|(]\s?", text.strip(), maxsplit=1)[0].strip(" ⚠!")
            return LabelHit(shown or text.strip(), keyword.label_class, 0.7)
    return None


def match_phrase(text: str, phrases: tuple[str, ...]) -> str | None:
    """The phrase (verified text, UI word) a whole line is, allowing OCR slips and a glyph
    or two before or after the words."""
    line = [w for w, _, _ in _words(text)]
    if not line:
        return None
    exact, by_count = _targets(phrases)
    hit = exact.get("".join(line))
    if hit is not None:
        return hit
    first = len(line[0])
    for phrase, target in by_count.get(len(line), ()):
        if abs(first - len(target[0])) > 2:
            continue  # more letters apart than any budget allows
        if all(_within(a, b, _budget(b, False)) for a, b in zip(line, target, strict=True)):
            return phrase
    return None


@functools.lru_cache(maxsize=64)
def _targets(
    phrases: tuple[str, ...],
) -> tuple[dict[str, str], dict[int, tuple[tuple[str, tuple[str, ...]], ...]]]:
    """The phrases by their canonical letters run together (a line that is one of them
    exactly) and by their number of words (the only ones a line of that many words can be
    with slips), worked out once per vocabulary list: every line of every screen is matched
    against the same few lists of hundreds of phrases."""
    exact: dict[str, str] = {}
    by_count: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for phrase in phrases:
        target = tuple(w for w, _, _ in _words(phrase))
        if target:
            exact.setdefault("".join(target), phrase)
            by_count.setdefault(len(target), []).append((phrase, target))
    return exact, {n: tuple(found) for n, found in by_count.items()}


def _within(got: str, want: str, budget: int) -> bool:
    # with a cutoff, the distance stops being counted past the budget
    return Levenshtein.distance(got, want, score_cutoff=budget) <= budget
