"""One language rule, from the handset's locale, and nine languages' screen words as data."""

from __future__ import annotations

import pytest

from devices.sim.render import render_call
from devices.sim.screen import RESOLUTIONS, CallScreen, Look, Style
from robot.domain.caller import CallerMatch, match_caller
from robot.domain.model import DialerKind, LabelClass, Surface
from robot.errors import UsageError
from robot.ports import ReadRequest
from robot.screen import TesseractReader
from robot.screen.langs import Ladder, ladder, language_of
from robot.screen.vocab import vocabulary

NINE = ("en", "es", "fr", "de", "pt", "it", "zh-Hans", "zh-Hant", "ja")
INSTALLED = {"eng", "fra", "spa", "deu", "por", "ita", "chi_sim", "chi_tra", "jpn", "Latin"}


@pytest.mark.parametrize(
    ("locale", "tag"),
    [
        ("en-US", "en"),
        ("fr-CA", "fr"),
        ("es_MX", "es"),
        ("de-AT", "de"),
        ("pt-BR", "pt"),
        ("it-IT", "it"),
        ("zh-CN", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-Hant-TW", "zh-Hant"),
        ("ja-JP", "ja"),
    ],
)
def test_a_locale_selects_its_language_most_specific_tag_first(locale: str, tag: str) -> None:
    language = language_of(locale)
    assert language is not None and language.tag == tag


def test_the_ladder_reads_latin_with_one_pack_and_cjk_with_the_locales_own() -> None:
    assert ladder(["en-US"], INSTALLED) == Ladder("eng", "Latin", ())
    assert ladder(["fr-CA"], INSTALLED) == Ladder("fra", "Latin", ())
    assert ladder(["zh-TW"], INSTALLED) == Ladder("eng", "Latin", ("chi_tra",))
    assert ladder(["ja-JP"], INSTALLED) == Ladder("eng", "Latin", ("jpn",))
    auto = ladder(["auto"], INSTALLED)
    assert auto.latin == "eng" and auto.cjk == ("chi_sim", "chi_tra", "jpn")
    assert ladder(["fra+eng"], INSTALLED).latin == "fra"


def test_unknown_languages_are_a_usage_error_for_people_and_skipped_for_handsets() -> None:
    with pytest.raises(UsageError, match="klingon"):
        ladder(["klingon"], INSTALLED, strict=True)
    assert ladder(["eng", "kor"], INSTALLED).cjk == ()  # a handset's missing pack is skipped
    assert ladder(["pt-BR"], {"eng"}).latin == "eng"  # no Portuguese pack: still read


def test_every_language_has_its_words_packs_and_labels_as_data() -> None:
    vocab = vocabulary()
    languages = {lang.tag: lang for lang in vocab.languages}
    assert set(NINE) <= set(languages)
    for tag in NINE:
        lang = languages[tag]
        assert lang.tesseract and lang.number_types and lang.status and lang.buttons, tag
        assert lang.verified and lang.call_reason and lang.withheld, tag
        classes = {w.label_class for w in vocab.labels if w.lang == tag}
        assert classes and classes <= set(LabelClass), tag


@pytest.mark.parametrize(
    ("style", "dialer", "phone", "hint"),
    [
        (Style.IOS, DialerKind.IOS, "iphone", None),
        (Style.IOS_BANNER, DialerKind.IOS, "iphone", Surface.BANNER),
        (Style.GOOGLE_DARK, DialerKind.GOOGLE, "pixel", None),
        (Style.ANDROID_HEADSUP, DialerKind.GOOGLE, "pixel", Surface.HEADS_UP),
    ],
    ids=lambda v: str(v),
)
def test_a_withheld_caller_is_read_as_shown_so_the_call_is_told_foreign(
    reader: TesseractReader, style: Style, dialer: DialerKind, phone: str, hint: Surface | None
) -> None:
    """What stands in the caller's place ("Private number") is the caller field, never a
    screen word to skip: without it a withheld call that is not ours could pass as ours."""
    width, height = RESOLUTIONS[phone]
    png = render_call(CallScreen("", name="Private number"), Look(style, width, height),
                      app="com.android.chrome" if hint else None).png  # fmt: skip
    reading = reader.read(ReadRequest(png, dialer=dialer, surface_hint=hint))
    assert reading.name == "Private number" and reading.number is None
    assert match_caller("+12025550101", reading.name) is CallerMatch.FOREIGN
