"""The words a call screen can show, loaded once from the shared domain data files.

labels.yaml (spam/scam label vocabulary, verified texts, UI words) and dialers.yaml (bands,
badge colours, resource-ids) are data owned by the domain; screen reading only reads them,
through importlib.resources so an installed wheel works the same as a checkout.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from robot.domain.model import DialerKind, LabelClass


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
class Vocabulary:
    labels: tuple[LabelWord, ...]
    verified_texts: tuple[str, ...]
    not_labels: tuple[str, ...]
    ui_words: tuple[str, ...]
    call_reason_prefixes: tuple[str, ...]


def _load_yaml(name: str) -> dict[str, Any]:
    text = resources.files("robot.domain").joinpath("data", name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"robot/domain/data/{name}: expected a mapping at the top")
    return data


@functools.cache
def vocabulary() -> Vocabulary:
    """The label vocabulary of labels.yaml (cached: it is read on every screen)."""
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
    return Vocabulary(
        labels=labels,
        verified_texts=tuple(str(r["text"]) for r in data.get("verified_texts", [])),
        not_labels=tuple(str(t) for t in data.get("not_labels", [])),
        ui_words=tuple(str(t) for t in data.get("ui_words", [])),
        call_reason_prefixes=tuple(str(t) for t in data.get("call_reason_prefixes", [])),
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


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))
