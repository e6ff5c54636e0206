"""Simplified or Traditional: the picture's strokes decide between the two packs' readings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from robot.domain.model import LabelClass
from robot.screen.fields import Line, assign
from robot.screen.hanzi import closer_script
from robot.screen.labels import match_label
from robot.screen.lines import Box, line_crop
from robot.screen.reader import (
    _labels_read_by_any_pack,
    _screen_words_read_by_any_pack,
    _script_pack,
)
from tests.support.peers import need

# drawn in the bold cut, while the reader compares with the regular one: the decision must
# not need the screen's own font
_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def crop_of(text: str, index: int) -> np.ndarray:
    need("fonts-noto-cjk", _BOLD.is_file(), f"{_BOLD} missing (apt install fonts-noto-cjk)")
    font = ImageFont.truetype(str(_BOLD), 52, index=index)
    image = Image.new("RGB", (700, 140), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.text((30, 30), text, font=font, fill=(200, 30, 30))
    left, top, right, bottom = draw.textbbox((30, 30), text, font=font)
    return line_crop(np.asarray(image), Box(left - 4, top - 4, right - left + 8, bottom - top + 8))


_SC, _TC = 2, 3  # faces of the collection


@pytest.mark.parametrize(
    ("shown", "face", "simplified", "traditional", "want"),
    [
        ("推銷電話", _TC, "推销电话", "推銷電話", "traditional"),
        ("推销电话", _SC, "推销电话", "推銷電話", "simplified"),
        ("骚扰电话", _SC, "双扰电话", "騷擾電話", "simplified"),  # one misread, same script
        ("黃美玲", _TC, "其美玲", "黃美玲", "traditional"),
        ("王伟", _SC, "王伟", "王偉", "simplified"),
        # glyphs that differ in a few strokes, or with as many crossings in a bold face
        ("黃美玲", _TC, "黄美玲", "黃美玲", "traditional"),
        ("黄美玲", _SC, "黄美玲", "黃美玲", "simplified"),
        ("陳志明", _TC, "陈志明", "陳志明", "traditional"),
        ("陈志明", _SC, "陈志明", "陳志明", "simplified"),
        ("台灣大哥大", _TC, "台湾大哥大", "台灣大哥大", "traditional"),
        ("迷惑電話", _TC, "迷惑电话", "迷惑電話.", "traditional"),  # a stray mark at the end
    ],
)
def test_the_script_the_glyphs_show_wins(
    shown: str, face: int, simplified: str, traditional: str, want: str
) -> None:
    assert closer_script(crop_of(shown, face), simplified, traditional) == want


def test_readings_that_cannot_be_compared_decide_nothing() -> None:
    crop = crop_of("推銷電話", _TC)
    assert closer_script(crop, "推销电话", "推銷電話 45") is None  # not the same characters
    assert closer_script(crop, "推銷電話", "推銷電話") is None  # nothing to decide


def test_a_chinese_label_with_one_character_misread_is_the_vocabulary_phrase() -> None:
    hit = match_label("双扰电话")
    assert hit is not None
    assert (hit.text, hit.label_class) == ("骚扰电话", LabelClass.NUISANCE)
    assert match_label("王扰电家") is None  # two slips: not that phrase
    assert match_label("王伟") is None


def test_a_line_one_pack_reads_as_a_screen_word_is_that_word() -> None:
    # the Traditional pack reads Japanese 着信 ("incoming call") as 著信, a name to the eye
    status = Line(
        Box(100, 300, 200, 60),
        "著信",
        0.75,
        read_with="chi_tra",
        readings={"chi_sim": ("着信", 0.92), "chi_tra": ("著信", 0.75), "jpn": ("着信", 0.88)},
    )
    name = Line(
        Box(100, 400, 300, 80),
        "黃美玲",
        0.92,
        read_with="chi_tra",
        readings={"chi_sim": ("其美玲", 0.89), "chi_tra": ("黃美玲", 0.92)},
    )
    _screen_words_read_by_any_pack([status, name])
    assert status.text == "着信"
    assert name.text == "黃美玲"
    fields = assign([status, name])
    assert fields.name_text == "黃美玲"


def test_packs_that_tie_on_a_screen_give_the_same_script_on_every_run() -> None:
    # Traditional and Japanese tie to the hundredth over the screen's lines; the pack tried
    # first wins, not whichever a set happens to list first in this process
    status = Line(
        Box(100, 200, 80, 40),
        "着信",
        0.92,
        read_with="chi_sim",
        readings={"chi_sim": ("着信", 0.92), "chi_tra": ("著信", 0.59), "jpn": ("着信", 0.88)},
    )
    label = Line(
        Box(100, 700, 270, 68),
        "騷擾電話",
        0.85,
        read_with="chi_tra",
        readings={
            "chi_sim": ("量摄电话", 0.42),
            "chi_tra": ("騷擾電話", 0.85),
            "jpn": ("騒揚電話", 0.56),
        },
    )
    assert _script_pack([status, label]) == "chi_tra"
    assert _script_pack([label, status]) == "chi_tra"


def test_one_line_no_pack_could_read_does_not_choose_the_script() -> None:
    """A card's header with an icon beside 電話 is read at 0.0 by the Traditional pack; the
    name and the label, read surely by it, make the screen Traditional."""

    def line(y: int, readings: dict[str, tuple[str, float]]) -> Line:
        text, confidence = readings["chi_tra"]
        return Line(Box(80, y, 140, 40), text, confidence, read_with="chi_tra", readings=readings)

    header = line(
        100, {"chi_sim": ("和@惠话", 0.32), "chi_tra": ("拿 電話", 0.0), "jpn": ("人電話", 0.75)}
    )
    name = line(
        170, {"chi_sim": ("林淑芬", 0.74), "chi_tra": ("林淑芬", 0.87), "jpn": ("林激分", 0.86)}
    )
    label = line(
        240,
        {"chi_sim": ("晤摄电话", 0.31), "chi_tra": ("騷擾電話", 0.93), "jpn": ("駐揚電話", 0.26)},
    )
    assert _script_pack([header, name, label]) == "chi_tra"


def test_a_label_in_another_script_than_the_screen_is_read_by_the_pack_that_knows_it() -> None:
    # a Simplified carrier label on a Japanese screen: the screen's pack (jpn) reads no label,
    # the Simplified pack reads the whole phrase surely
    label = Line(
        Box(100, 700, 270, 68),
        "推消申括",
        0.51,
        read_with="jpn",
        warning=True,
        red_text=True,
        readings={
            "chi_sim": ("推销电话", 0.96),
            "chi_tra": ("推銷電話", 0.87),
            "jpn": ("推消申括", 0.51),
        },
    )
    # a label one glyph off in the screen's pack keeps that pack's script (骚扰电话, Simplified)
    slipped = Line(
        Box(100, 800, 270, 68),
        "双扰电话",
        0.56,
        read_with="chi_sim",
        readings={"chi_sim": ("双扰电话", 0.56), "chi_tra": ("騷擾電話", 0.82)},
    )
    _labels_read_by_any_pack([label, slipped])
    assert label.text == "推销电话" and label.read_with == "chi_sim"
    assert slipped.text == "双扰电话"
    assert assign([label]).label == "推销电话"
