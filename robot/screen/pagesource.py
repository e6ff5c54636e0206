"""The Android page source (UiAutomator2 XML) as a second reading of the same screen.

When the dialer exposes its caller fields by resource-id (dialers.yaml `resource_ids`), their
text is exact where OCR may slip; it is merged into the OCR reading field by field, every
field on which the two disagree is recorded in `Reading.disagreements`, never hidden, and a
field on which they contradict each other is marked uncertain.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from rapidfuzz.distance import Levenshtein

from robot.domain.model import DialerKind, LabelSource, Reading
from robot.domain.names import fold
from robot.screen.fields import as_number
from robot.screen.labels import match_label
from robot.screen.vocab import dialer_profiles, profile


def _texts_by_id(xml: str) -> dict[str, str]:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return {}
    found: dict[str, str] = {}
    for node in root.iter():
        rid = node.get("resource-id") or node.get("resourceId")
        text = (node.get("text") or node.get("content-desc") or "").strip()
        if rid and text and rid not in found:
            found[rid] = text
    return found


def read_page_source(xml: str, dialer: DialerKind | None) -> Reading | None:
    """The caller fields the page source holds, or None when it holds none of them."""
    texts = _texts_by_id(xml)
    if not texts:
        return None
    profiles = [profile(dialer)] if dialer else list(dialer_profiles().values())
    for prof in profiles:
        if prof is None or not prof.resource_ids:
            continue
        ids = prof.resource_ids
        name = texts.get(ids.get("name", ""))
        number = texts.get(ids.get("number", ""))
        label = texts.get(ids.get("label", ""))
        if not (name or number or label):
            continue
        hit = match_label(label) if label else None
        name_hit = match_label(name) if name else None
        if name_hit is not None:  # a label shown in the name slot, or a "[SPAM?]" prefix
            hit = hit or name_hit
            name = name_hit.rest or None
        if name and as_number(name) is not None and not any(ch.isalpha() for ch in name):
            # no caller name: the dialer puts the number in the name slot
            number, name = number or name, None
        shown_number = as_number(number) if number else None
        return Reading(
            name=name,
            number=shown_number or number,
            spam_label=hit.text if hit else None,
            spam_class=hit.label_class if hit else None,
            engine="page-source",
        )
    return None


def _same(field: str, a: object, b: object) -> bool:
    if a is None or b is None:
        return a is b
    if field == "number":
        return _digits(a) == _digits(b)
    return fold(str(a)) == fold(str(b))


def _digits(value: object) -> str:
    return "".join(c for c in str(value) if c.isdigit())


def _slip(field: str, seen: object, exact: object) -> bool:
    """Whether OCR's value is the page source's with an OCR slip (a letter or digit read
    wrong), rather than another value: only then do the two readings not contradict."""
    if seen is None or exact is None:
        return False
    if field == "number":
        a, b = _digits(seen), _digits(exact)
        return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    if field == "spam_label":
        return True  # both show a label; its class comes from the page source
    a, b = fold(str(seen)), fold(str(exact))
    return Levenshtein.distance(a, b) <= 1 + min(len(a), len(b)) // 8


def _contradicts(field: str, seen: object, exact: object) -> bool:
    """Whether the screen and the page source say different things, rather than one of them
    not exposing a field (the tree has no name node) or OCR misreading a letter of it. A
    label on the screen that the dialer's tree does not hold may be a carrier app's overlay."""
    if exact is None and field != "spam_label":
        return False
    return not _slip(field, seen, exact)


def merge_page_source(ocr: Reading, xml: str, dialer: DialerKind | None) -> Reading:
    """OCR reading completed by the page source.

    The page source holds the text the dialer laid out, exact where OCR may slip, so it wins
    a field it has. Every difference is recorded in `disagreements`; a field on which the two
    contradict each other (not a letter misread, but another value or nothing at all) is
    also marked uncertain: a carrier app may draw over the dialer, or the tree may be stale.
    """
    page = read_page_source(xml, dialer)
    if page is None:
        return ocr
    disagreements: list[tuple[str, str | None, str | None]] = list(ocr.disagreements)
    uncertain: list[str] = list(ocr.uncertain)
    values: dict[str, str | None] = {}
    conf = dict(ocr.confidence)
    for field in ("name", "number", "spam_label"):
        seen, exact = getattr(ocr, field), getattr(page, field)
        if not _same(field, seen, exact):
            disagreements.append((field, seen, exact))
            if _contradicts(field, seen, exact) and field not in uncertain:
                uncertain.append(field)
        values[field] = exact if exact is not None else seen
        if exact is not None:
            conf[field] = 1.0
    return dataclasses.replace(
        ocr,
        name=values["name"],
        number=values["number"],
        spam_label=values["spam_label"],
        spam_class=page.spam_class if page.spam_label is not None else ocr.spam_class,
        label_source=LabelSource.DIALER if page.spam_label is not None else ocr.label_source,
        confidence=tuple(conf.items()),
        engine=f"{ocr.engine}+page-source",
        disagreements=tuple(disagreements),
        uncertain=tuple(uncertain),
        page_source=page,
    )
