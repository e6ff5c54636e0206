"""Spam labels: whole phrases in nine languages, extra words kept, look-alike names left alone.

A false label is the worst error this product can make, a missed one the second worst: the
table below is what a QA engineer relies on, with the OCR slips Tesseract really makes.
"""

from __future__ import annotations

import pytest

from robot.domain.model import LabelClass
from robot.screen.fields import Line, assign
from robot.screen.labels import match_label
from robot.screen.lines import Box


@pytest.mark.parametrize(
    ("text", "label", "cls"),
    [
        ("Scam Likely", "Scam Likely", LabelClass.SCAM),
        ("Scarn Likely", "Scam Likely", LabelClass.SCAM),
        ("Suspected spam ca…", "Suspected spam caller", LabelClass.SPAM),
        ("Potential Fraud", "Potential Fraud", LabelClass.FRAUD),
        ("Telemarketer", "Telemarketer", LabelClass.TELEMARKETER),
        ("Nuisance Likely", "Nuisance Likely", LabelClass.NUISANCE),
        ("Spam Risk - 120 reports", "Spam Risk", LabelClass.SPAM),
        ("Scam Likely (reported)", "Scam Likely", LabelClass.SCAM),
        ("Potential Spam · Verizon", "Potential Spam", LabelClass.SPAM),
        ("Spam Likely | 45 reports", "Spam Likely", LabelClass.SPAM),
        ("Spam Likely 45 reports", "Spam Likely", LabelClass.SPAM),
        ("⚠ Spam Risk", "Spam Risk", LabelClass.SPAM),
        ("Posible spam", "Posible spam", LabelClass.SPAM),
        ("Spam présumé", "Spam présumé", LabelClass.SPAM),
        ("Spam-Verdacht", "Spam-Verdacht", LabelClass.SPAM),
        ("Possível golpe", "Possível golpe", LabelClass.SCAM),
        ("Possibile truffa", "Possibile truffa", LabelClass.SCAM),
        ("未知 , 已被37908个用户标记为诈骗", "未知 , 已被37908个用户标记为诈骗", LabelClass.FRAUD),
        ("骚扰电话", "骚扰电话", LabelClass.NUISANCE),
        ("疑似詐騙", "疑似詐騙", LabelClass.FRAUD),
        ("迷惑電話", "迷惑電話", LabelClass.NUISANCE),
        ("詐欺の疑い", "詐欺の疑い", LabelClass.FRAUD),
    ],
)
def test_labels_match_as_whole_phrases_with_slips_extras_and_clipping(
    text: str, label: str, cls: LabelClass
) -> None:
    hit = match_label(text)
    assert hit is not None and hit.text == label and hit.label_class is cls


@pytest.mark.parametrize(
    "text",
    [
        "Robin Caller",
        "Scamp Pet Supplies",
        "Risk Advisory Group",
        "Fraud Prevention Unit",
        "Spam Museum Gift Shop",
        "Survey Monkey Support",
        "Political Science Dept",
        "Health Partners Clinic",
        "Potential Energy Co",
        "Robocall Defense Team",
        "Suspect Films",
        "Telemark Ski Resort",
        "Maybe: John Smith",
        "Sofia Rossi",
        "Health",
        "Spa",
        "Fraud alert on your card",
    ],
)
def test_names_that_start_like_a_label_are_names(text: str) -> None:
    assert match_label(text) is None
    # drawn as a warning, a name still needs the label's words, not just its first letters
    hit = match_label(text, warning=True)
    assert hit is None, hit


def test_red_letters_with_a_warning_word_are_a_label_even_unlisted() -> None:
    hit = match_label("Reported as spam", red_text=True)
    assert hit is not None and hit.label_class is LabelClass.SPAM
    assert match_label("Reported as spam") is None


def line(text: str, y: int, h: int = 40, *, warning: bool = False) -> Line:
    return Line(Box(100, y, 20 * len(text), h), text, 0.95, warning=warning)


def test_a_wrapped_warning_is_one_label_and_a_name_over_a_red_label_is_a_name() -> None:
    wrapped = [
        Line(Box(0, 600, 1000, 70), "未知 , 已被37908个用户标记为诈", 0.9, warning=True),
        Line(Box(480, 680, 70, 70), "骗", 0.9, warning=True),
    ]
    fields = assign(wrapped)
    assert fields.label_class is LabelClass.FRAUD and fields.label is not None
    assert fields.label.endswith("诈骗")
    banner = [line("Jürgen Weiß", 100, 44), line("Scam Likely", 150, 36, warning=True)]
    fields = assign(banner)
    assert fields.name_text == "Jürgen Weiß" and fields.label == "Scam Likely"
