"""Matching OCR'd lines against the label vocabulary, tolerating OCR slips and clipping.

The edit budget scales with the label's length (one slip in "Telemarketer" is still the label,
one slip in "Survey" may be another word), clipped text ("Suspected spam ca…") matches by
prefix, CJK labels match inside a longer warning line, and "Maybe:" (iOS contact suggestion,
with its colon) is never a label.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from robot.domain.model import LabelClass
from robot.domain.names import fold, split_bracket_prefix
from robot.screen.vocab import Vocabulary, has_cjk, vocabulary

_ELLIPSIS = re.compile(r"(\.{2,}|…)$")


@dataclass(frozen=True, slots=True)
class LabelHit:
    text: str
    label_class: LabelClass
    score: float
    rest: str = ""  # what is left of the line (a name after a "[SPAM?]" prefix)


def _budget(length: int) -> int:
    return 0 if length <= 4 else 1 + length // 7


@functools.lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum() or ch in " []?")


def is_not_label(text: str, vocab: Vocabulary | None = None) -> bool:
    vocab = vocab or vocabulary()
    folded = fold(text)
    return any(folded.startswith(fold(word)) for word in vocab.not_labels)


def match_label(text: str, vocab: Vocabulary | None = None) -> LabelHit | None:
    """The label a line shows, if any."""
    vocab = vocab or vocabulary()
    if not text.strip() or is_not_label(text, vocab):
        return None
    prefix, rest = split_bracket_prefix(text)
    if prefix is not None:
        inner = fold(prefix.strip("[]"))
        if "spam" in inner or "scam" in inner or "fraud" in inner:
            cls = LabelClass.SCAM if "scam" in inner else LabelClass.SPAM
            if "fraud" in inner:
                cls = LabelClass.FRAUD
            return LabelHit(text=prefix, label_class=cls, score=1.0, rest=rest)
    clipped = bool(_ELLIPSIS.search(text.strip()))
    line = _key(_ELLIPSIS.sub("", text.strip()))
    if not line:
        return None
    best: LabelHit | None = None
    for word in vocab.labels:
        if has_cjk(word.text):
            if word.text in text.replace(" ", ""):
                hit = LabelHit(text=" ".join(text.split()), label_class=word.label_class, score=0.9)
                best = best if best and best.score >= hit.score else hit
            continue
        target = _key(word.text)
        if target.startswith("[") or not target:
            continue
        dist = Levenshtein.distance(line, target)
        score = 0.0
        if dist <= _budget(len(target)):
            score = 1.0 - dist / max(len(target), 1)
            if clipped:  # the label went on past the ellipsis: a longer one fits better
                score *= 0.9
        if (clipped or len(line) < len(target)) and len(line) >= max(5, len(target) // 2):
            head = target[: len(line)]
            if Levenshtein.distance(line, head) <= _budget(len(head)):
                prefix_score = (0.95 if clipped and len(target) > len(line) + 1 else 0.8) * (
                    1.0 - Levenshtein.distance(line, head) / len(head)
                )
                score = max(
                    score, prefix_score if clipped else prefix_score * len(line) / len(target)
                )
        if score > 0 and (best is None or score > best.score):
            best = LabelHit(text=word.text, label_class=word.label_class, score=score)
    return best


def match_phrase(text: str, phrases: tuple[str, ...]) -> str | None:
    """The phrase (verified text, UI word) a line is, allowing OCR slips and leading glyphs."""
    line = _key(text)
    if not line:
        return None
    for phrase in phrases:
        target = _key(phrase)
        if not target:
            continue
        if Levenshtein.distance(line, target) <= _budget(len(target)):
            return phrase
        # a badge glyph or icon read as one or two junk characters before or after the words
        if len(target) >= 6 and target in line and len(line) - len(target) <= 3:
            return phrase
    return None
