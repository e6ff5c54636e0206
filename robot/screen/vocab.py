"""The words a call screen can show, loaded once from the shared domain data files.

labels.yaml (spam/scam labels and warning keywords), languages.yaml (per language: locales,
Tesseract packs, number types, status and button words, verified texts, call-reason prefixes)
and dialers.yaml (badge colours, resource-ids) are data owned by the domain; screen reading
only reads them, through importlib.resources so an installed wheel works the same as a
checkout.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from robot.domain.model import DialerKind, LabelClass
from robot.domain.names import fold


@dataclass(frozen=True, slots=True)
class LabelWord:
    """One label as displayed, with its class and where it is seen."""

    text: str
    lang: str
    label_class: LabelClass
    carrier: str | None = None
    dialer: str | None = None


@dataclass(frozen=True, slots=True)
class Band:
    """The caller-info band as fractions of the screen height."""

    top: float
    bottom: float


@dataclass(frozen=True, slots=True)
class DialerProfile:
    kind: str
    band: Band
    badge_colours: tuple[tuple[int, int, int], ...]
    resource_ids: dict[str, str] = field(default_factory=dict)
    packages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Keyword:
    """A word that makes a line drawn as a warning a label of its class."""

    text: str
    label_class: LabelClass


@dataclass(frozen=True, slots=True)
class Language:
    """One language of languages.yaml: its locales, packs and screen words."""

    tag: str
    locales: tuple[str, ...]
    script: str
    tesseract: tuple[str, ...]
    number_types: tuple[str, ...]
    status: tuple[str, ...]
    withheld: tuple[str, ...]  # stands in the caller's place: read as the name
    buttons: tuple[str, ...]
    verified: tuple[str, ...]
    call_reason: tuple[str, ...]
    lock: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """Every language's words at once: a phone in one language shows carrier labels and
    app names in others, so lines are matched against all of them."""

    labels: tuple[LabelWord, ...]
    keywords: tuple[Keyword, ...]
    not_labels: tuple[str, ...]
    languages: tuple[Language, ...]
    networks: tuple[str, ...]

    @functools.cached_property
    def ui_words(self) -> tuple[str, ...]:
        words = [w for lang in self.languages for w in (*lang.status, *lang.buttons, *lang.lock)]
        return tuple(dict.fromkeys([*words, *self.networks]))

    @functools.cached_property
    def number_types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for lang in self.languages for w in lang.number_types))

    @functools.cached_property
    def folded_number_types(self) -> frozenset[str]:
        """`number_types` folded once (every line of every screen is checked against them)."""
        return frozenset(fold(t) for t in self.number_types)

    @functools.cached_property
    def folded_not_labels(self) -> tuple[str, ...]:
        return tuple(fold(w) for w in self.not_labels)

    @functools.cached_property
    def verified_texts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for lang in self.languages for w in lang.verified))

    @functools.cached_property
    def lock_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for lang in self.languages for w in lang.lock))

    @functools.cached_property
    def call_reason_prefixes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for lang in self.languages for w in lang.call_reason))


def _load_yaml(name: str) -> dict[str, Any]:
    text = resources.files("robot.domain").joinpath("data", name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"robot/domain/data/{name}: expected a mapping at the top")
    return data


def _words(row: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(w) for w in row.get(key) or ())


@functools.cache
def vocabulary() -> Vocabulary:
    """labels.yaml and languages.yaml, read once (they are consulted on every screen)."""
    data = _load_yaml("labels.yaml")
    labels = tuple(
        LabelWord(
            text=str(row["text"]),
            lang=str(row.get("lang") or "en"),
            label_class=LabelClass(row["class"]),
            carrier=row.get("carrier"),
            dialer=row.get("dialer"),
        )
        for row in data.get("labels", [])
    )
    keywords = tuple(
        Keyword(str(row["text"]), LabelClass(row["class"])) for row in data.get("keywords", [])
    )
    langs = _load_yaml("languages.yaml")
    languages = tuple(
        Language(
            tag=str(tag),
            locales=_words(row, "locales"),
            script=str(row.get("script") or "Latin"),
            tesseract=_words(row, "tesseract"),
            number_types=_words(row, "number_types"),
            status=_words(row, "status"),
            withheld=_words(row, "withheld"),
            buttons=_words(row, "buttons"),
            verified=_words(row, "verified"),
            call_reason=_words(row, "call_reason"),
            lock=_words(row, "lock"),
        )
        for tag, row in (langs.get("languages") or {}).items()
    )
    return Vocabulary(
        labels=labels,
        keywords=keywords,
        not_labels=tuple(str(t) for t in data.get("not_labels", [])),
        languages=languages,
        networks=_words(langs, "networks"),
    )


@functools.cache
def dialer_profiles() -> dict[str, DialerProfile]:
    data = _load_yaml("dialers.yaml")
    profiles: dict[str, DialerProfile] = {}
    for kind, row in (data.get("dialers") or {}).items():
        band = row.get("band") or {}
        profiles[str(kind)] = DialerProfile(
            kind=str(kind),
            band=Band(float(band.get("top", 0.0)), float(band.get("bottom", 1.0))),
            badge_colours=tuple(
                (int(c[0]), int(c[1]), int(c[2])) for c in row.get("badge_colours") or []
            ),
            resource_ids={str(k): str(v) for k, v in (row.get("resource_ids") or {}).items()},
            packages=tuple(str(p) for p in row.get("packages") or []),
        )
    return profiles


def profile(dialer: DialerKind | str | None) -> DialerProfile | None:
    if dialer is None:
        return None
    return dialer_profiles().get(str(dialer))


def all_badge_colours() -> tuple[tuple[int, int, int], ...]:
    """Every dialer's badge colours: used when the dialer is not known."""
    seen: dict[tuple[int, int, int], None] = {}
    for prof in dialer_profiles().values():
        for colour in prof.badge_colours:
            seen[colour] = None
    return tuple(seen)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")  # kana and Han


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))
