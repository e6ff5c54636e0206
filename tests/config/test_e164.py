"""The fast E.164 check gives phonenumbers' answer for every input (it is only faster)."""

from __future__ import annotations

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneNumberFormat

from robot.config.e164 import e164_of
from robot.config.hints import parse_e164


def _examples() -> list[str]:
    """phonenumbers' own example number of every region and number type."""
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(12):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                found.append(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    for code in COUNTRY_CODE_TO_REGION_CODE:
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            found.append(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    return found


EXAMPLES = _examples()


def test_every_example_number_and_its_neighbours_agree() -> None:
    checked = 0
    for text in EXAMPLES:
        digits = text[1:]
        variants = {text, text[:-1], text + "0", "+" + digits[::-1]}
        variants |= {text[:k] + str((int(text[k]) + 1) % 10) + text[k + 1 :] for k in (2, 4, -1)}
        for variant in variants:
            assert e164_of(variant) == parse_e164(variant), variant
            checked += 1
    assert checked > 5000


codes = st.sampled_from(sorted(COUNTRY_CODE_TO_REGION_CODE))


@settings(max_examples=3000, deadline=None)
@given(code=codes, rest=st.text(alphabet="0123456789", min_size=0, max_size=14))
def test_random_numbers_agree(code: int, rest: str) -> None:
    text = f"+{code}{rest}"
    assert e164_of(text) == parse_e164(text)


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="+0123456789 ()-.x", max_size=20))
def test_any_text_agrees(text: str) -> None:
    assert e164_of(text) == parse_e164(text)
