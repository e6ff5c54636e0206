"""The verified badge: a small green disc with a white tick, found beside the caller's name."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from robot.screen.image import load_screen
from robot.screen.lines import Box
from robot.screen.marks import find_badges
from robot.screen.vocab import all_badge_colours


def screen_with_disc(diameter: int, tick: bool) -> bytes:
    image = Image.new("RGB", (1080, 400), (240, 240, 245))
    draw = ImageDraw.Draw(image)
    x, y = 500, 150
    draw.ellipse((x, y, x + diameter, y + diameter), fill=(22, 163, 74))
    if tick:
        d = diameter
        points = [
            (x + 0.28 * d, y + 0.52 * d),
            (x + 0.43 * d, y + 0.68 * d),
            (x + 0.72 * d, y + 0.35 * d),
        ]
        draw.line(points, fill=(255, 255, 255), width=max(2, d // 10))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def badges_on(data: bytes) -> list[Box]:
    screen = load_screen(data)
    zone = Box(0, 0, screen.width, screen.height)
    found = find_badges(screen.small, zone, all_badge_colours(), screen.small_hsv, screen.rgb)
    return [b.box for b in found]


def test_a_badge_the_size_of_small_text_is_found_by_its_tick_at_full_size() -> None:
    # at half resolution the 2-pixel tick of a 24-pixel badge blurs into the green
    assert len(badges_on(screen_with_disc(24, tick=True))) == 1
    assert len(badges_on(screen_with_disc(40, tick=True))) == 1


def test_a_plain_green_dot_is_no_badge() -> None:
    assert badges_on(screen_with_disc(24, tick=False)) == []
    assert badges_on(screen_with_disc(40, tick=False)) == []
