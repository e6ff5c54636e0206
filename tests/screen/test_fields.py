"""Line roles, label vocabulary, numbers, languages: the rules a person relies on, no OCR."""

from __future__ import annotations

import pytest

from robot.domain.model import LabelClass
from robot.errors import UsageError
from robot.screen.fields import Line, as_number, assign, clean_name
from robot.screen.labels import match_label
from robot.screen.langs import from_locale, ladder
from robot.screen.lines import Box
from robot.screen.vocab import dialer_profiles, vocabulary


def line(text: str, y: int, h: int = 40, conf: float = 0.95) -> Line:
    return Line(Box(100, y, 20 * len(text), h), text, conf)


@pytest.mark.parametrize(
    ("text", "label", "cls"),
    [
        ("Scam Likely", "Scam Likely", LabelClass.SCAM),
        ("Scarn Likely", "Scam Likely", LabelClass.SCAM),
        ("Suspected spam ca…", "Suspected spam caller", LabelClass.SPAM),
        ("Potential Fraud", "Potential Fraud", LabelClass.FRAUD),
        ("Telemarketer", "Telemarketer", LabelClass.TELEMARKETER),
        ("Nuisance Likely", "Nuisance Likely", LabelClass.NUISANCE),
        ("未知 , 已被37908个用户标记为诈骗", "未知 , 已被37908个用户标记为诈骗", LabelClass.FRAUD),
    ],
)
def test_labels_match_with_slips_clipping_and_cjk(text: str, label: str, cls: LabelClass) -> None:
    hit = match_label(text)
    assert hit is not None and hit.text == label and hit.label_class is cls


@pytest.mark.parametrize(
    "text", ["Maybe: John Smith", "Sofia Rossi", "Surgery", "Spa", "Fraud alert on your card"]
)
def test_not_labels(text: str) -> None:
    assert match_label(text) is None


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


def test_ui_words_status_bar_and_callkit_subtitle_are_never_the_name() -> None:
    fields = assign(
        [
            line("12:12", 10, 60),
            line("Incoming call", 50, 90),
            line("Dialing...", 60, 90),
            line("WazoReactNativeDemo audio…", 70, 90),
            line("Decline", 900, 90),
            line("Jean Smith", 120, 70),
        ]
    )
    assert fields.name_text == "Jean Smith"


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


def test_languages_from_locale_and_auto() -> None:
    installed = {"eng", "fra", "chi_sim", "Latin"}
    assert from_locale("fr-CA") == ["fra", "eng"]
    assert from_locale("en-US") == ["eng"]
    assert ladder(["auto"], installed) == ["eng", "chi_sim", "fra"]
    assert ladder(["zh-CN"], installed) == ["chi_sim", "eng"]
    assert ladder(["fra+eng"], installed) == ["fra", "eng"]
    with pytest.raises(UsageError, match="not installed"):
        ladder(["klingon"], installed, strict=True)
    assert ladder(["eng", "deu"], installed) == ["eng"]  # a handset's missing pack is skipped


def test_shared_data_files_carry_what_screen_reading_needs() -> None:
    vocab = vocabulary()
    assert {"Caller Verified", "Verified caller"} <= set(vocab.verified_texts)
    assert "Incoming call" in vocab.ui_words and vocab.call_reason_prefixes
    profiles = dialer_profiles()
    assert {"google", "samsung", "aosp", "ios"} <= set(profiles)
    assert all(0 <= p.band.top < p.band.bottom <= 1 and p.badge_colours for p in profiles.values())


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
