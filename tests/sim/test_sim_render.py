"""Simulated screens: real resolutions, deterministic pixels, page sources that match them."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from devices.profiles import profile_for
from devices.sim.pagesource import android_source, ios_source
from devices.sim.render import render_call, render_idle
from devices.sim.screen import CallScreen, Look, Style, display_number
from robot.domain.model import DialerKind

CALL = CallScreen("+12025550100", "NORTHWIND BANK", "Scam Likely", verified=True,
                  call_reason="Card fraud alert")


@pytest.mark.parametrize("style", list(Style))
def test_every_style_renders_a_png_at_the_phone_resolution(style: Style) -> None:
    size = (1170, 2532) if style.value.startswith("ios") else (1080, 2400)
    drawn = render_call(CALL, Look(style, *size))
    image = Image.open(io.BytesIO(drawn.png))
    assert image.format == "PNG" and image.size == size
    texts = {node.key: node.text for node in drawn.nodes}
    assert texts["name"] == "NORTHWIND BANK"
    assert texts["label"] == "Scam Likely"
    assert {"decline", "answer"} <= {n.key for n in drawn.nodes if n.kind == "button"}
    for node in drawn.nodes:  # every node lies on the screen
        left, top, right, bottom = node.box
        assert 0 <= left < right <= size[0] and 0 <= top < bottom <= size[1]


def test_same_inputs_give_the_same_pixels_and_different_calls_do_not() -> None:
    look = Look(Style.GOOGLE_DARK, 1080, 2400)
    assert render_call(CALL, look).png == render_call(CALL, look).png
    other = CallScreen("+12025550100", "NORTHWIND BANK")
    assert render_call(other, look).png != render_call(CALL, look).png


def test_verified_badge_is_a_green_disc_beside_the_name() -> None:
    plain = render_call(CallScreen("+12025550100", "Northwind"), Look(Style.GOOGLE_DARK, 1080,
                                                                       2400))
    badged = render_call(CallScreen("+12025550100", "Northwind", verified=True),
                         Look(Style.GOOGLE_DARK, 1080, 2400))
    name = next(n for n in badged.nodes if n.key == "name")
    cy = (name.box[1] + name.box[3]) // 2

    def green_pixels(png: bytes) -> int:
        image = Image.open(io.BytesIO(png)).convert("RGB")
        strip = np.asarray(image.crop((name.box[2], cy - 30, min(1080, name.box[2] + 90),
                                       cy + 30))).astype(int)
        r, g, b = strip[..., 0], strip[..., 1], strip[..., 2]
        return int(((g > 120) & (g > r + 50) & (g > b + 50)).sum())

    assert green_pixels(badged.png) > 300
    assert green_pixels(plain.png) == 0


def test_long_names_are_cut_with_an_ellipsis_like_dialers_do() -> None:
    call = CallScreen("+12025550100", "Pacific Gas and Electric Company Customer Care Centre")
    drawn = render_call(call, Look(Style.SAMSUNG, 720, 1280))
    name = next(n for n in drawn.nodes if n.key == "name")
    assert name.text.endswith("…") and name.box[2] <= 720


def test_android_page_source_uses_the_dialers_resource_ids() -> None:
    drawn = render_call(CALL, Look(Style.GOOGLE_DARK, 1080, 2400))
    xml = android_source(drawn.nodes, DialerKind.GOOGLE, "com.google.android.dialer", 1080, 2400)
    root = ET.fromstring(xml)
    by_id = {n.get("resource-id"): n for n in root.iter() if n.get("resource-id")}
    ids = dict(profile_for(DialerKind.GOOGLE).resource_ids)
    assert by_id[ids["name"]].get("text") == "NORTHWIND BANK"
    assert by_id[ids["label"]].get("text") == "Scam Likely"
    assert display_number("+12025550100") in by_id[ids["number"]].get("text", "")
    assert by_id[ids["decline"]].get("clickable") == "true"
    name = next(n for n in drawn.nodes if n.key == "name")
    left, top, right, bottom = name.box
    assert by_id[ids["name"]].get("bounds") == f"[{left},{top}][{right},{bottom}]"


def test_ios_page_source_shows_buttons_but_nothing_of_the_caller() -> None:
    drawn = render_call(CALL, Look(Style.IOS, 1170, 2532, locale="fr-FR"))
    xml = ios_source(drawn.nodes, "com.apple.InCallService", 1170, 2532)
    assert "NORTHWIND" not in xml and "Scam" not in xml and "555" not in xml
    root = ET.fromstring(xml)
    names = {e.get("name") for e in root.iter("XCUIElementTypeButton")}
    assert names == {"Refuser", "Accepter"}


def test_idle_screen_has_no_call_nodes() -> None:
    drawn = render_idle(Look(Style.GOOGLE_LIGHT, 1080, 2400))
    assert drawn.nodes == ()
    assert Image.open(io.BytesIO(drawn.png)).size == (1080, 2400)
