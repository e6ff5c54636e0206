"""Validation on the held-out families: screens the reader was never tuned on.

Cold reads as `read-screen` does them by default (no dialer hint, languages auto). The hard
rules hold on every screen: no look-alike name becomes a spam label, no label with extra words
is missed, the labels of all nine languages are classed; the field accuracy is checked here
at a floor, and measured on more screens by `benchmarks/screen_bench.py`.
"""

from __future__ import annotations

import pytest

from robot.domain.model import Reading
from robot.ports import ReadRequest
from robot.screen import TesseractReader
from tests.screen.families import (
    FIELDS,
    HELD_OUT,
    Sample,
    expected,
    fonts_missing,
    for_validation,
    observed,
)
from tests.support.peers import need

PER_FAMILY = 8


@pytest.fixture(scope="module")
def results(reader: TesseractReader) -> list[tuple[Sample, Reading]]:
    need("fonts of the validation families", not fonts_missing(), ", ".join(fonts_missing()))
    samples = for_validation(HELD_OUT, PER_FAMILY, seed=3)
    return [(s, reader.read(ReadRequest(s.image))) for s in samples]


def test_fields_right_on_families_never_tuned_on(
    results: list[tuple[Sample, Reading]],
) -> None:
    misses = [
        (s.truth.family, f, observed(r)[f], expected(s.truth)[f])
        for s, r in results
        for f in FIELDS
        if observed(r)[f] != expected(s.truth)[f]
    ]
    right = 1 - len(misses) / (len(results) * len(FIELDS))
    assert right >= 0.97, f"{right:.1%} of fields right; misses: {misses}"


def test_no_name_that_looks_like_a_label_becomes_one(
    results: list[tuple[Sample, Reading]],
) -> None:
    false = [
        (s.truth.name, r.spam_label) for s, r in results if not s.truth.spam_label and r.spam_label
    ]
    assert not false, false


def test_no_label_with_extra_words_is_missed(results: list[tuple[Sample, Reading]]) -> None:
    labelled = [(s, r) for s, r in results if s.truth.spam_label]
    assert any(s.truth.family == "label_extra_words" for s, _ in labelled)
    missed = [(s.truth.family, s.truth.spam_label) for s, r in labelled if r.spam_label is None]
    assert not missed, missed


def test_labels_of_every_language_are_classed(results: list[tuple[Sample, Reading]]) -> None:
    labelled = [(s, r) for s, r in results if s.truth.spam_class]
    wrong = [
        (s.truth.lang, s.truth.spam_label, r.spam_class)
        for s, r in labelled
        if r.spam_class is None or r.spam_class.value != s.truth.spam_class
    ]
    assert not wrong, wrong
