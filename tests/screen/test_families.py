"""The validation families: seeded, every family drawable, and the held-out half kept apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.screen.families import HELD_OUT, TUNED, fonts_missing, for_tuning, render
from tests.support.peers import need

# Modules that may name held-out families: validation only, never tuning
VALIDATION_ONLY = {"test_held_out.py", "test_families.py"}


def test_the_split_is_fixed_and_disjoint() -> None:
    assert set(TUNED).isdisjoint(HELD_OUT)
    assert len(TUNED) >= 5 and len(HELD_OUT) >= 5


def test_tuning_refuses_a_held_out_family() -> None:
    with pytest.raises(ValueError, match="validation only"):
        for_tuning((TUNED[0], HELD_OUT[0]))


def test_no_tuning_test_names_a_held_out_family() -> None:
    here = Path(__file__).parent
    pattern = re.compile("|".join(re.escape(f) for f in HELD_OUT))
    for module in sorted(here.glob("*.py")):
        if module.name in VALIDATION_ONLY:
            continue
        found = pattern.search(module.read_text(encoding="utf-8"))
        assert found is None, f"{module.name} names held-out family {found.group(0)!r}"


@pytest.mark.parametrize("family", TUNED + HELD_OUT)
def test_each_family_draws_the_same_screen_from_the_same_seed(family: str) -> None:
    need("fonts of the validation families", not fonts_missing(), ", ".join(fonts_missing()))
    first, again = render(family, 3), render(family, 3)
    assert first.image == again.image and first.truth == again.truth
    assert first.truth.family == family
