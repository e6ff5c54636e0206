"""Families of generated incoming-call screens, split once into tuned and held-out halves.

Each family varies one thing a real phone varies (fonts, layouts, languages, what is behind
a banner, lock screens, caller-ID capitals, names that look like labels, labels with extra
words) and draws everything else at random from a seed, with the truth known exactly.

The split is fixed here. Tuning code and tuning tests get screens through `for_tuning`,
which refuses a held-out family; only validation (`tests/screen/test_held_out.py` and
`benchmarks/screen_bench.py`) asks for `HELD_OUT` through `for_validation`. A test checks
that no other test module names a held-out family.
"""

from __future__ import annotations

import io
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from robot.domain.model import Reading, Tristate
from tests.screen.families import backdrops, content
from tests.screen.families.calls import (
    BADGE_GREENS,
    Caller,
    Look,
    Shown,
    banner_ios,
    card_android,
    full_android,
    full_ios,
)
from tests.screen.families.paint import CJK_FONT, FONTS, missing_fonts

TUNED = (
    "android_full",
    "ios_full",
    "headsup_chat",
    "banner_keyboard",
    "cnam_capitals",
    "languages_es_fr_de_zh",
    "labels_plain",
)
HELD_OUT = (
    "unseen_fonts",
    "cards_over_busy_apps",
    "lock_screen",
    "name_low",
    "look_alike_names",
    "label_extra_words",
    "languages_pt_it_zht_ja",
)
FIELDS = ("surface", "name", "number", "spam_label", "spam_class", "verified", "logo")


@dataclass(frozen=True)
class Truth:
    """What the screen shows, as a person reads it."""

    family: str
    surface: str
    lang: str
    name: str | None
    number: str | None  # digits only
    spam_label: str | None  # the vocabulary phrase (without extra words)
    spam_class: str | None
    verified: bool
    logo: bool


@dataclass(frozen=True)
class Sample:
    image: bytes
    truth: Truth
    seed: int


@dataclass(frozen=True)
class _Plan:
    """A family's choices for one screen."""

    surface: str  # full_android | full_android_low | full_ios | card | banner | lock
    caller: Caller
    look: Look
    backdrop: str = "home"


_TUNED_FONTS = ("dejavu", "noto", "dejavu-condensed")
_UNSEEN_FONTS = ("roboto", "roboto-light", "roboto-condensed", "liberation", "noto-display")


def _caller(
    rnd: random.Random,
    *,
    lang: str = "en",
    names: tuple[str, ...] | None = None,
    label_p: float = 0.35,
    label_modes: tuple[str, ...] = ("line", "name_slot", "prefix", "pill"),
    extras: bool = False,
    label_langs: tuple[str, ...] | None = None,
) -> Caller:
    pool = names or (
        content.PEOPLE + content.BUSINESSES if lang not in CJK_FONT else content.CJK_NAMES[lang]
    )
    label = None
    label_text = None
    mode = "line"
    if rnd.random() < label_p:
        label = rnd.choice(content.LABELS[rnd.choice(label_langs or (lang,))])
        mode = rnd.choice(label_modes)
        if mode == "prefix":
            label = ("[SPAM?]", "spam")
        label_text = label[0]
        if extras and mode in ("line", "pill"):
            template = rnd.choice(content.LABEL_EXTRAS)
            label_text = template.format(
                label=label[0], n=rnd.randrange(2, 400), reported=rnd.choice(content.REPORTED)
            )
    name: str | None = rnd.choice(pool)
    if rnd.random() < 0.12 and mode != "prefix":
        name = None
    number = rnd.choice(content.NUMBERS) if (rnd.random() < 0.85 or name is None) else None
    verified = None
    if label is None and rnd.random() < 0.3:
        verified = rnd.choice(("disc", "disc", "text"))
    return Caller(
        name=name,
        number=number,
        label=label,
        label_text=label_text,
        label_mode=mode,
        verified=verified,
        avatar=rnd.choice(("photo", "letter", "silhouette", "none")),
        lang=lang,
        type_prefix=rnd.random() < 0.3,
    )


def _look(rnd: random.Random, fonts: tuple[str, ...], scale: float) -> Look:
    return Look(
        family=rnd.choice(fonts),
        dark=rnd.random() < 0.5,
        scale=scale,
        name_size=rnd.randrange(64, 92),
        badge=rnd.choice(BADGE_GREENS),
        square_badge=rnd.random() < 0.2,
    )


def _scale(rnd: random.Random, unusual: bool) -> float:
    widths = (1080, 1080, 1080, 720, 1170, 1440) if unusual else (1080, 1080, 1080, 720)
    return rnd.choice(widths) / 1080


def _plan(family: str, rnd: random.Random) -> _Plan:
    held = family in HELD_OUT
    fonts = _UNSEEN_FONTS if held else _TUNED_FONTS
    look = _look(rnd, fonts, _scale(rnd, held))
    if family == "android_full":
        return _Plan("full_android", _caller(rnd), look)
    if family == "ios_full":
        return _Plan("full_ios", _caller(rnd), look)
    if family == "headsup_chat":
        return _Plan(
            "card", _caller(rnd, label_modes=("line", "name_slot", "prefix")), look, "chat"
        )
    if family == "banner_keyboard":
        return _Plan(
            "banner",
            _caller(rnd, label_modes=("line", "name_slot", "prefix")),
            look,
            rnd.choice(("keyboard", "home")),
        )
    if family == "cnam_capitals":
        names = content.CNAM + tuple(n.upper() for n in content.BUSINESSES)
        return _Plan(
            rnd.choice(("full_android", "full_ios", "card")),
            _caller(rnd, names=names, label_p=0.2),
            look,
            "chat",
        )
    if family == "languages_es_fr_de_zh":
        lang = rnd.choice(("es", "fr", "de", "zh-Hans"))
        return _Plan(
            rnd.choice(("full_android", "full_ios", "card")),
            _caller(rnd, lang=lang, label_p=0.5, label_modes=("line", "name_slot")),
            look,
            "chat",
        )
    if family == "labels_plain":
        return _Plan(
            rnd.choice(("full_android", "full_ios", "card", "banner")),
            _caller(rnd, label_p=1.0),
            look,
            "home",
        )
    if family == "unseen_fonts":
        return _Plan(rnd.choice(("full_android", "full_ios")), _caller(rnd), look)
    if family == "cards_over_busy_apps":
        return _Plan(
            rnd.choice(("card", "banner")),
            _caller(rnd, label_modes=("line", "name_slot", "prefix")),
            look,
            rnd.choice(("chat", "maps", "video", "keyboard")),
        )
    if family == "lock_screen":
        return _Plan("lock", _caller(rnd, label_modes=("line", "name_slot")), look)
    if family == "name_low":
        return _Plan("full_android_low", _caller(rnd), look)
    if family == "look_alike_names":
        return _Plan(
            rnd.choice(("full_android", "full_ios", "card", "banner")),
            _caller(rnd, names=content.LOOK_ALIKES, label_p=0.0),
            look,
            rnd.choice(("chat", "home")),
        )
    if family == "label_extra_words":
        return _Plan(
            rnd.choice(("full_android", "full_ios", "card", "banner")),
            _caller(rnd, label_p=1.0, label_modes=("line", "pill"), extras=True),
            look,
            rnd.choice(("chat", "maps", "home")),
        )
    if family == "languages_pt_it_zht_ja":
        lang = rnd.choice(("pt", "it", "zh-Hant", "ja"))
        return _Plan(
            rnd.choice(("full_android", "full_ios", "card")),
            _caller(
                rnd,
                lang=lang,
                label_p=0.6,
                label_modes=("line", "name_slot"),
                label_langs=(lang, *content.LANGUAGES),
            ),
            look,
            "chat",
        )
    raise KeyError(f"unknown screen family {family!r}")


def _draw(plan: _Plan, rnd: random.Random) -> tuple[Image.Image, Shown, str]:
    s = plan.look.scale
    img = Image.new("RGB", (round(1080 * s), round(2400 * s)))
    caller, look = plan.caller, plan.look
    if plan.surface in ("full_android", "full_android_low"):
        return (
            img,
            full_android(img, rnd, caller, look, plan.surface.endswith("low")),
            "full_screen",
        )
    if plan.surface == "full_ios":
        return img, full_ios(img, rnd, caller, look), "full_screen"
    if plan.surface in ("card", "banner"):
        backdrops.BACKDROPS[plan.backdrop](img, rnd, look.family, s, rnd.random() < 0.4)
        top = int(img.height * rnd.uniform(0.025, 0.06))
        if plan.surface == "card":
            return img, card_android(img, rnd, caller, look, top), "heads_up"
        return img, banner_ios(img, rnd, caller, look, top), "banner"
    # lock: a card over the lock screen's clock and notifications
    backdrops.lock_screen(img, rnd, look.family, s, rnd.uniform(0.2, 0.26))
    top = int(img.height * rnd.uniform(0.03, 0.05))
    if rnd.random() < 0.5:
        return img, card_android(img, rnd, caller, look, top), "lock_screen"
    return img, banner_ios(img, rnd, caller, look, top), "lock_screen"


def render(family: str, seed: int) -> Sample:
    """One screen of `family`; the same seed always gives the same pixels."""
    rnd = random.Random(f"{family}:{seed}")
    plan = _plan(family, rnd)
    img, shown, surface = _draw(plan, rnd)
    caller = plan.caller
    label = caller.label if shown.label else None
    truth = Truth(
        family=family,
        surface=surface,
        lang=caller.lang,
        name=shown.name,
        number="".join(ch for ch in shown.number if ch.isdigit()) if shown.number else None,
        spam_label=label[0] if label else None,
        spam_class=label[1] if label else None,
        verified=caller.verified is not None,
        logo=shown.logo,
    )
    out = io.BytesIO()
    if rnd.random() < 0.35:
        img.save(out, format="JPEG", quality=rnd.randrange(60, 93))
    else:
        img.save(out, format="PNG", compress_level=1)
    return Sample(out.getvalue(), truth, seed)


def _samples(families: tuple[str, ...], count: int, seed: int) -> list[Sample]:
    return [render(f, seed * 100_000 + i) for f in families for i in range(count)]


def for_tuning(families: tuple[str, ...] = TUNED, count: int = 10, seed: int = 1) -> list[Sample]:
    """Screens to tune the reader on; a held-out family is refused."""
    held = [f for f in families if f in HELD_OUT]
    if held:
        raise ValueError(f"held-out families are for validation only: {', '.join(held)}")
    return _samples(families, count, seed)


def for_validation(
    families: tuple[str, ...] = HELD_OUT, count: int = 10, seed: int = 1
) -> list[Sample]:
    """Screens to measure the reader on (held-out by default)."""
    return _samples(families, count, seed)


def fonts_missing() -> list[str]:
    return missing_fonts(tuple(FONTS))


def _norm(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(unicodedata.normalize("NFC", value).replace("...", "…").casefold().split())


def observed(reading: Reading) -> dict[str, object]:
    """A reading in the terms of `Truth`: names folded, numbers as digits."""
    return {
        "surface": reading.surface.value if reading.surface else None,
        "name": _norm(reading.name),
        "number": "".join(c for c in reading.number if c.isdigit()) if reading.number else None,
        "spam_label": _norm(reading.spam_label),
        "spam_class": reading.spam_class.value if reading.spam_class else None,
        "verified": reading.verified is Tristate.YES,
        "logo": bool(reading.logo),
    }


def expected(truth: Truth) -> dict[str, object]:
    return {
        "surface": truth.surface,
        "name": _norm(truth.name),
        "number": truth.number,
        "spam_label": _norm(truth.spam_label),
        "spam_class": truth.spam_class,
        "verified": truth.verified,
        "logo": truth.logo,
    }


Drawer = Callable[[str, int], Sample]
__all__ = [
    "FIELDS",
    "HELD_OUT",
    "TUNED",
    "Sample",
    "Truth",
    "expected",
    "for_tuning",
    "for_validation",
    "observed",
    "render",
]
