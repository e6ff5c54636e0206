"""Line roles, label vocabulary, numbers, languages: the rules a person relies on, no OCR."""

from __future__ import annotations

import pytest

from robot.domain.model import LabelClass
from robot.screen.fields import Line, as_number, assign, clean_name
from robot.screen.lines import Box
from robot.screen.vocab import dialer_profiles, vocabulary


def line(text: str, y: int, h: int = 40, conf: float = 0.95) -> Line:
    return Line(Box(100, y, 20 * len(text), h), text, conf)


def test_bracket_prefix_splits_label_from_name() -> None:
    fields = assign([line("[SPAM?] ACME BANK", 100, 80), line("+1 415-555-0134", 200)])
    assert fields.label == "[SPAM?]" and fields.label_class is LabelClass.SPAM
    assert fields.name_text == "ACME BANK"


def test_label_in_the_name_slot_leaves_no_name() -> None:
    fields = assign(
        [line("Incoming call", 50, 30), line("Spam Risk", 100, 80), line("555-0100", 200)]
    )
    assert fields.label == "Spam Risk" and fields.name is None
    assert fields.number_text == "555-0100"


def test_status_and_button_words_in_any_language_are_never_the_name() -> None:
    for status, button in (
        ("Incoming call", "Decline"),
        ("Llamada entrante", "Rechazar"),
        ("Eingehender Anruf", "Ablehnen"),
        ("Appel entrant", "Refuser"),
        ("Chiamata in arrivo", "Rifiuta"),
        ("来电", "拒绝"),
    ):
        fields = assign(
            [
                line("12:12", 10, 60),
                line(status, 50, 90),
                line("Jean Smith", 200, 70),
                line(button, 900, 90),
            ]
        )
        assert fields.name_text == "Jean Smith", status


def test_a_subtitle_under_a_number_shown_as_title_is_no_name() -> None:
    fields = assign([line("800-8", 100, 90), line("WazoReactNativeDemo audio…", 200, 40)])
    assert fields.name is None and fields.number_text == "800-8"


def centred(text: str, y: int, h: int = 40) -> Line:
    width = 20 * len(text)
    return Line(Box(540 - width // 2, y, width, h), text, 0.95)


def test_a_button_in_a_column_of_buttons_is_no_name() -> None:
    fields = assign(
        [
            centred("Outgoing call in progress", 100, 80),
            centred("1111", 200, 50),
            centred("Mute", 400, 40),
            centred("Hold", 480, 40),
            centred("Send DTMF", 560, 40),
            centred("Hang up", 640, 40),
        ]
    )
    assert fields.name is None and fields.number_text == "1111"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Móvil +34 612 34 56 78", "+34 612 34 56 78"),
        ("Mobil +49 30 901820", "+49 30 901820"),
        ("Portable +33 1 42 68 53 00", "+33 1 42 68 53 00"),
        ("Celular +55 11 98765-4321", "+55 11 98765-4321"),
        ("Cellulare +39 06 6982 1234", "+39 06 6982 1234"),
        ("手机 138 0013 8000", "138 0013 8000"),
        ("携帯 +81 3-1234-5678", "+81 3-1234-5678"),
    ],
)
def test_number_type_words_of_every_language_are_not_the_number(text: str, number: str) -> None:
    assert as_number(text) == number


def test_number_shown_as_title_means_no_name_below() -> None:
    fields = assign([line("+14152148695", 100, 70), line("Voice Quickstart", 180, 36)])
    assert fields.name is None and fields.number_text == "+1 415-214-8695"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Mobile 1 844-331-6882", "1 844-331-6882"),
        ("8008", "8008"),
        ("800-8", "800-8"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("72345 '", "72345"),
        ("12:12", None),
        ("00:00:14", None),
        ("94%", None),
        ("Sofia", None),
        ("12", None),
    ],
)
def test_numbers_are_never_rejected_for_being_short_or_local(text: str, number: str | None) -> None:
    assert as_number(text) == number


def test_clean_name_strips_badge_glyphs_and_normalises_ellipsis() -> None:
    assert clean_name("WIRELESS CA...") == "WIRELESS CA…"
    assert clean_name("Zoë Dubois @") == "Zoë Dubois"


def test_call_reason_after_its_prefix() -> None:
    fields = assign([line("ACME BANK", 100, 80), line("Call reason: Your package delivery", 200)])
    assert fields.call_reason == "Your package delivery" and fields.name_text == "ACME BANK"


def test_shared_data_files_carry_what_screen_reading_needs() -> None:
    vocab = vocabulary()
    assert {"Caller Verified", "Verified caller"} <= set(vocab.verified_texts)
    assert "Incoming call" in vocab.ui_words and vocab.call_reason_prefixes
    profiles = dialer_profiles()
    assert {"google", "samsung", "aosp", "ios"} <= set(profiles)
    assert all(p.badge_colours for p in profiles.values())


def test_ios_maybe_suggestion_is_neither_label_nor_name() -> None:
    fields = assign([line("+1 415-555-0134", 100, 70), line("Maybe: John Smith", 180, 36)])
    assert fields.label is None and fields.name is None
    assert fields.number_text == "+1 415-555-0134"


def test_lone_lowercase_l_before_a_cut_is_a_capital_i() -> None:
    assert clean_name("Northwestern Mutual l...") == "Northwestern Mutual I…"
    assert clean_name("Bill") == "Bill"


def test_bare_call_reason_only_when_the_dialer_is_known_and_under_a_title() -> None:
    def screen() -> list[Line]:
        return [
            line("ACME BANK", 100, 80),
            line("555-0100", 190),
            line("Appointment reminder", 250),
        ]

    assert assign(screen()).call_reason is None
    assert assign(screen(), bare_reason=True).call_reason == "Appointment reminder"
    under_number = [line("+14152148695", 100, 70), line("Voice Quickstart", 180, 36)]
    assert assign(under_number, bare_reason=True).call_reason is None
