"""The Android page source (UiAutomator2 XML) as a second reading of the same screen.

When the dialer exposes its caller fields by resource-id (dialers.yaml `resource_ids`), their
text is exact where OCR may slip; it is merged into the OCR reading field by field and every
field on which the two disagree is recorded in `Reading.disagreements`, never hidden.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from robot.domain.model import DialerKind, Reading
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
        return "".join(c for c in str(a) if c.isdigit()) == "".join(
            c for c in str(b) if c.isdigit()
        )
    return fold(str(a)) == fold(str(b))


def merge_page_source(ocr: Reading, xml: str, dialer: DialerKind | None) -> Reading:
    """OCR reading completed by the page source; disagreements recorded field by field."""
    page = read_page_source(xml, dialer)
    if page is None:
        return ocr
    disagreements: list[tuple[str, str | None, str | None]] = []
    values: dict[str, str | None] = {}
    conf = dict(ocr.confidence)
    for field in ("name", "number", "spam_label"):
        seen, exact = getattr(ocr, field), getattr(page, field)
        if not _same(field, seen, exact):
            disagreements.append((field, seen, exact))
        # the page source is the text the dialer laid out: exact where OCR may slip
        values[field] = exact if exact is not None else seen
        if exact is not None:
            conf[field] = 1.0
    return dataclasses.replace(
        ocr,
        name=values["name"],
        number=values["number"],
        spam_label=values["spam_label"],
        spam_class=page.spam_class if page.spam_label is not None else ocr.spam_class,
        confidence=tuple(conf.items()),
        engine=f"{ocr.engine}+page-source",
        disagreements=tuple(disagreements),
        page_source=page,
    )
