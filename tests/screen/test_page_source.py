"""The Android page source as a second reading; disagreements with OCR are kept, not hidden."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from robot.domain.model import DialerKind, LabelClass
from robot.ports import ReadRequest
from robot.screen import TesseractReader
from robot.screen.pagesource import read_page_source
from tests.screen.synth import render

GOOGLE = "com.google.android.dialer:id/"


def page(name: str | None, number: str | None, label: str | None = None) -> str:
    nodes = [
        f'<node index="0" class="android.widget.TextView" resource-id="{GOOGLE}{rid}" '
        f"text={quoteattr(text)} />"
        for rid, text in (
            ("contactgrid_contact_name", name),
            ("contactgrid_bottom_text", number),
            ("contactgrid_top_row", label),
        )
        if text is not None
    ]
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    return f'{head}<hierarchy rotation="0">{"".join(nodes)}</hierarchy>'


def test_page_source_alone_gives_name_number_and_label() -> None:
    reading = read_page_source(page("[SPAM?] ACME BANK", "+1 415-555-0134"), DialerKind.GOOGLE)
    assert reading is not None
    assert reading.name == "ACME BANK" and reading.spam_label == "[SPAM?]"
    assert reading.spam_class is LabelClass.SPAM and reading.number == "+1 415-555-0134"


def test_page_source_without_caller_fields_is_no_reading() -> None:
    assert read_page_source('<hierarchy><node text="hello"/></hierarchy>', None) is None
    assert read_page_source("not xml <", DialerKind.GOOGLE) is None


def test_agreeing_page_source_raises_confidence_and_records_nothing(
    reader: TesseractReader,
) -> None:
    sample = render(11, "google-light")
    truth = sample.truth
    shown_number = "+33 1 42 68 53 00" if truth.number == "33142685300" else truth.number
    xml = page(truth.name, shown_number, truth.spam_label)
    reading = reader.read(ReadRequest(sample.image, dialer=DialerKind.GOOGLE, page_source=xml))
    assert reading.disagreements == ()
    assert reading.page_source is not None and "page-source" in reading.engine
    assert dict(reading.confidence)["name"] == 1.0


def test_disagreement_is_recorded_with_both_values(reader: TesseractReader) -> None:
    sample = render(11, "google-light")
    plain = reader.read(ReadRequest(sample.image, dialer=DialerKind.GOOGLE))
    xml = page("Someone Else", plain.number)
    merged = reader.read(ReadRequest(sample.image, dialer=DialerKind.GOOGLE, page_source=xml))
    assert ("name", plain.name, "Someone Else") in merged.disagreements
    assert merged.name == "Someone Else" and "name" in merged.uncertain
    assert merged.verified == plain.verified and merged.logo == plain.logo


def test_number_in_the_name_slot_is_the_number() -> None:
    reading = read_page_source(page("+1 202-555-0101", None, "Scam Likely"), DialerKind.GOOGLE)
    assert reading is not None
    assert reading.name is None and reading.number == "+1 202-555-0101"
    assert reading.spam_label == "Scam Likely" and reading.spam_class is LabelClass.SCAM
