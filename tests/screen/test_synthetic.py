"""Accuracy on generated screens whose truth is known exactly (seeded: fails, never flakes)."""

from __future__ import annotations

import pytest

from robot.ports import ReadRequest
from robot.screen import TesseractReader
from tests.screen.synth import FIELDS, STYLES, Sample, expected, generate, observed

COUNT = 42


@pytest.fixture(scope="module")
def results(reader: TesseractReader) -> list[tuple[Sample, dict[str, object]]]:
    samples = generate(COUNT)
    return [
        (s, observed(reader.read(ReadRequest(s.image, dialer=s.truth.dialer, languages=("eng",)))))
        for s in samples
    ]


def test_generator_is_seeded_and_covers_every_style() -> None:
    first, again = generate(6), generate(6)
    assert [s.image for s in first] == [s.image for s in again]
    assert {s.truth.style for s in first} == set(STYLES)


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_is_right_on_at_least_97_percent(
    results: list[tuple[Sample, dict[str, object]]], field: str
) -> None:
    misses = [
        (s.truth.style, got[field], expected(s.truth)[field])
        for s, got in results
        if got[field] != expected(s.truth)[field]
    ]
    right = 1 - len(misses) / len(results)
    assert right >= 0.97, f"{field}: {right:.0%} right; misses (style, got, want): {misses}"


def test_the_set_exercises_labels_badges_logos_and_reasons(
    results: list[tuple[Sample, dict[str, object]]],
) -> None:
    truths = [s.truth for s, _ in results]
    assert any(t.spam_label == "[SPAM?]" for t in truths)
    assert any(t.spam_label and t.name is None for t in truths)
    assert sum(t.verified for t in truths) >= 4
    assert sum(t.logo for t in truths) >= 4
    assert any(t.call_reason for t in truths)
    assert any(t.name and t.name.endswith("…") for t in truths)
