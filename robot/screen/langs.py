"""Which Tesseract language packs to try, from a locale, `--lang`, or `auto`.

Handsets show their owner's locale (the real screenshots include Chinese and French). Lines are
read with the first pack; only a line read with low confidence is retried with the next one, so
extra languages cost time only where the first one failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from robot.errors import UsageError

_log = logging.getLogger(__name__)
_LOCALE_PACKS = {
    "en": "eng",
    "fr": "fra",
    "zh": "chi_sim",
    "de": "deu",
    "es": "spa",
    "it": "ita",
    "pt": "por",
    "nl": "nld",
    "ja": "jpn",
    "ko": "kor",
}
_AUTO_ORDER = ("eng", "chi_sim", "fra")


def from_locale(locale: str) -> list[str]:
    """ "fr-CA" → ["fra", "eng"]: the owner's language first, English for carrier labels."""
    lang = locale.replace("_", "-").split("-")[0].casefold()
    pack = _LOCALE_PACKS.get(lang, "eng")
    if lang == "zh" and locale.casefold().replace("_", "-") in ("zh-tw", "zh-hk", "zh-hant"):
        pack = "chi_tra"
    return [pack] if pack == "eng" else [pack, "eng"]


def ladder(
    languages: Sequence[str], installed: Iterable[str], *, strict: bool = False
) -> list[str]:
    """The packs to try, in order, keeping only installed ones.

    `strict` (the CLI) makes an unknown pack an error a person can fix; the engine passes a
    handset's languages and must still read the screen when one pack is missing (logged).
    """
    have = set(installed)
    wanted: list[str] = []
    for item in languages:
        for part in str(item).replace(",", "+").split("+"):
            part = part.strip()
            if not part:
                continue
            if part == "auto":
                wanted.extend(p for p in _AUTO_ORDER if p in have)
            elif part in have or not have:
                wanted.append(part)
            elif "-" in part or len(part) == 2:
                wanted.extend(p for p in from_locale(part) if p in have)
            elif strict:
                raise UsageError(
                    f"Tesseract language {part!r} is not installed "
                    f"(installed: {', '.join(sorted(have)) or 'none'})"
                )
            else:
                _log.warning("Tesseract language %r is not installed; reading without it", part)
    unique = list(dict.fromkeys(wanted))
    return unique or (["eng"] if "eng" in have or not have else sorted(have)[:1])
