"""The one language rule: which Tesseract packs read a screen, from the handset's locale.

A locale ("fr-CA", "zh-TW") selects a language of languages.yaml by its most specific tag
("zh-TW" before "zh"); `auto` reads Latin script and every installed Chinese and Japanese pack;
pack names ("fra", "chi_sim+eng") are taken as they are. Latin-script lines are read with one
fast pack, the caller's name with the `Latin` script pack (it keeps every accent), and a line
in Chinese or Japanese script with the CJK packs in order, so extra languages cost time only
on the lines that need them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from robot.errors import UsageError
from robot.screen.vocab import Language, vocabulary

_log = logging.getLogger(__name__)
NAME_PACK = "Latin"
_CJK_PACKS = ("chi_sim", "chi_tra", "jpn", "kor")


@dataclass(frozen=True, slots=True)
class Ladder:
    """The packs one screen is read with."""

    latin: str  # every Latin-script line
    name: str | None  # the caller's name line again, for its accents (None: not installed)
    cjk: tuple[str, ...]  # lines in Chinese or Japanese script, tried in this order

    @property
    def packs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([self.latin, *([self.name] if self.name else []), *self.cjk]))


def language_of(locale: str) -> Language | None:
    """The language of languages.yaml a BCP 47 tag selects, most specific tag first."""
    tag = locale.replace("_", "-").casefold()
    parts = tag.split("-")
    best: tuple[int, Language] | None = None
    for lang in vocabulary().languages:
        for candidate in (lang.tag, *lang.locales):
            want = candidate.casefold().split("-")
            if parts[: len(want)] == want and (best is None or len(want) > best[0]):
                best = (len(want), lang)
    return best[1] if best else None


def is_locale(item: str) -> bool:
    return "-" in item or "_" in item or (language_of(item) is not None and len(item) <= 3)


def ladder(languages: Sequence[str], installed: Iterable[str], *, strict: bool = False) -> Ladder:
    """The packs to read with, keeping only installed ones.

    `strict` (the CLI) makes an unknown language an error a person can fix; the engine passes
    a handset's locale and must still read the screen when a pack is missing (logged).
    """
    have = frozenset(installed)
    latin: list[str] = []
    cjk: list[str] = []
    for item in languages:
        for part in str(item).replace(",", "+").split("+"):
            part = part.strip()
            if not part:
                continue
            if part == "auto":
                latin.append("eng")
                cjk.extend(p for p in _CJK_PACKS if p in have)
                continue
            packs = _packs_of(part, have, strict)
            for pack in packs:
                (cjk if pack in _CJK_PACKS else latin).append(pack)
    usable = [p for p in dict.fromkeys(latin) if p in have or not have]
    first = usable[0] if usable else ("eng" if "eng" in have or not have else sorted(have)[0])
    name = NAME_PACK if NAME_PACK in have and first not in _CJK_PACKS else None
    return Ladder(first, name, tuple(p for p in dict.fromkeys(cjk) if p in have or not have))


def _packs_of(part: str, have: frozenset[str], strict: bool) -> tuple[str, ...]:
    if part in have or part in _CJK_PACKS or part == "eng":
        if part in have or not have:
            return (part,)
        return _missing(part, have, strict)
    language = language_of(part) if is_locale(part) else None
    if language is not None:
        own = tuple(p for p in language.tesseract if p in have or not have)
        if not own:
            _log.warning("no Tesseract pack for %s is installed; reading it as English", part)
        if language.script == "Latin":
            return own or ("eng",)
        return (*own, "eng")  # numbers and Latin names on a CJK phone
    return _missing(part, have, strict)


def _missing(part: str, have: frozenset[str], strict: bool) -> tuple[str, ...]:
    if strict:
        raise UsageError(
            f"Tesseract language {part!r} is not installed and is not a known locale "
            f"(installed: {', '.join(sorted(have)) or 'none'}; or pass a locale such as "
            "fr-CA, or auto)"
        )
    _log.warning("Tesseract language %r is not installed; reading without it", part)
    return ()
