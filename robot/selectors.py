"""What people type to pick carriers and numbers on the command line, resolved against a project.

A carrier is named by its id (`sim-tmobile`) or by the name people know ("T-Mobile", "tmobile");
a number by E.164 (any usual spelling), by tag (`collections`) or by brand, the display name it
should show ("Northwind Bank"). Every word that matches nothing is refused with the valid values,
so a typo never silently selects nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from robot.config.hints import did_you_mean, parse_e164
from robot.config.project import Project
from robot.errors import UsageError

_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold_word(text: str) -> str:
    """`T-Mobile (simulated)` → `tmobile`: case, punctuation and remarks do not matter."""
    return _NOT_ALNUM.sub("", _PARENTHESES.sub("", text).casefold())


def _labels(project: Project | None) -> dict[str, str]:
    """Carrier id → the name people know, for the project's carriers and `stored` ones."""
    if project is None:
        return {}
    labels = {c.name: c.label for c in project.carriers}
    return {name: labels.get(name, name) for name in project.carrier_names()}


def resolve_carrier(
    word: str,
    project: Project | None,
    option: str = "--carrier",
    stored: Iterable[str] = (),
) -> str:
    """The carrier id for an id or display name of the project's carriers (or of carriers
    `stored` with results); a usage error listing them when nothing matches."""
    labels = _labels(project)
    for carrier in stored:
        labels.setdefault(carrier, carrier)
    spellings: dict[str, str] = {}
    for carrier, label in labels.items():
        for text in (carrier, label):
            spellings.setdefault(text.casefold(), carrier)
            spellings.setdefault(fold_word(text), carrier)
    found = spellings.get(word.casefold()) or spellings.get(fold_word(word))
    if found is not None:
        return found
    raise UsageError(f"{option} {word!r}: no such carrier ({carrier_hint(word, labels)})")


def carrier_hint(word: str, labels: dict[str, str]) -> str:
    """"did you mean" when something is close, and always the carriers there are."""
    known = [name if label == name else f"{name} ({label})" for name, label in labels.items()]
    near = did_you_mean(word, list(labels) + list(labels.values()))
    listing = "carriers: " + (", ".join(known) or "none known yet")
    return f"did you mean `{near}`? {listing}" if near else listing


def project_carriers(project: Project) -> dict[str, str]:
    """Carrier id → the name people know, for the project's carriers."""
    return _labels(project)


def resolve_carriers(words: Iterable[str], project: Project) -> tuple[str, ...]:
    return tuple(dict.fromkeys(resolve_carrier(w, project) for w in words))


def resolve_numbers(
    words: Sequence[str], project: Project, option: str = "--number"
) -> tuple[str, ...]:
    """The E.164 numbers selected by each word (a number, a tag or a brand), in project order."""
    chosen: set[str] = set()
    for word in words:
        matched = _numbers_for(word, project)
        if not matched:
            raise UsageError(f"{option} {word!r}: {_number_hint(word, project)}")
        chosen |= matched
    return tuple(n.e164 for n in project.numbers if n.e164 in chosen)


def _numbers_for(word: str, project: Project) -> set[str]:
    e164 = parse_e164(word)
    if e164 is not None:
        return {n.e164 for n in project.numbers if n.e164 == e164}
    folded = word.strip().casefold()
    by_tag = {n.e164 for n in project.numbers if folded in {t.casefold() for t in n.tags}}
    by_brand = {
        n.e164
        for n in project.numbers
        if n.expected_name is not None and n.expected_name.casefold() == folded
    }
    return by_tag | by_brand


def _number_hint(word: str, project: Project) -> str:
    if parse_e164(word) is not None:
        return "not one of the project's numbers (see `ringcheck numbers list`)"
    tags = sorted({t for n in project.numbers for t in n.tags})
    brands = sorted({n.expected_name for n in project.numbers if n.expected_name})
    near = did_you_mean(word, tags + brands)
    listing = f"tags: {', '.join(tags) or 'none'}; brands: {', '.join(brands) or 'none'}"
    if near is not None:
        return f"no number, tag or brand of that name (did you mean `{near}`? {listing})"
    return f"not an E.164 number, tag or brand of the project ({listing})"
