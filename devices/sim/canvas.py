"""Drawing primitives for simulated phone screens: fonts, fitted text, icons, status bar.

Every size is given for a 1080-pixel-wide screen and scaled, so one layout serves every
resolution. Text that matters is recorded as a `Node` while it is drawn, so the page source
and the WebDriver element rectangles always match the pixels.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from devices.sim.screen import Look, Node

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
GREEN: RGB = (30, 142, 62)  # dialers.yaml google badge colour
RED: RGB = (217, 48, 37)
ANSWER_GREEN: RGB = (52, 168, 83)


@functools.cache
def font(size: int, bold: bool = False, light: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans.ttf"
    if bold or light:
        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans-ExtraLight.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


class Canvas:
    """An RGB image plus the nodes drawn on it; `u(x)` scales 1080-wide units to pixels."""

    def __init__(self, look: Look, background: RGB) -> None:
        self.look = look
        self.image = Image.new("RGB", (look.width, look.height), background)
        self.draw = ImageDraw.Draw(self.image)
        self.scale = look.width / 1080.0
        self.nodes: list[Node] = []
        self.locked = False  # drawn on the lock screen
        self.app: str | None = None  # the app in use under a heads-up card or banner

    @property
    def w(self) -> int:
        return self.look.width

    @property
    def h(self) -> int:
        return self.look.height

    def u(self, value: float) -> int:
        return round(value * self.scale)

    def gradient(self, top: RGB, bottom: RGB, y0: int = 0, y1: int | None = None) -> None:
        """A vertical gradient, drawn as bands (fast and deterministic)."""
        end = self.h if y1 is None else y1
        steps = 48
        for i in range(steps):
            t = i / (steps - 1)
            colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
            ya = y0 + (end - y0) * i // steps
            yb = y0 + (end - y0) * (i + 1) // steps
            self.draw.rectangle((0, ya, self.w, yb), fill=colour)

    def fit(self, text: str, max_w: int, size: int, min_size: int, bold: bool = False,
            light: bool = False) -> tuple[str, ImageFont.FreeTypeFont]:
        """Shrink the font down to `min_size`, then cut the text with "…" like dialers do."""
        px = self.u(size)
        while True:
            f = font(px, bold, light)
            if f.getlength(text) <= max_w or px <= self.u(min_size):
                break
            px -= max(1, px // 12)
        if f.getlength(text) <= max_w:
            return text, f
        cut = text
        while cut and f.getlength(cut + "…") > max_w:
            cut = cut[:-1]
        return cut.rstrip() + "…", f

    def text(self, key: str, text: str, xy: tuple[int, int], size: int, colour: RGB, *,
             anchor: str = "mm", bold: bool = False, light: bool = False, max_w: int | None = None,
             min_size: int | None = None) -> Node:
        """Draw `text` anchored at `xy` and record it; returns its node (with real bounds)."""
        shown, f = self.fit(text, max_w or self.w - self.u(96), size, min_size or size * 2 // 3,
                            bold, light)
        self.draw.text(xy, shown, font=f, fill=colour, anchor=anchor)
        box = self.draw.textbbox(xy, shown, font=f, anchor=anchor)
        node = Node(key, shown, (int(box[0]), int(box[1]), int(box[2]), int(box[3])))
        self.nodes.append(node)
        return node

    def check_disc(self, cx: int, cy: int, radius: int, colour: RGB = GREEN) -> None:
        """The verified badge: a filled green disc with a white check mark."""
        self.draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colour)
        r = radius
        pts = [(cx - r * 0.48, cy + r * 0.02), (cx - r * 0.12, cy + r * 0.38),
               (cx + r * 0.5, cy - r * 0.34)]
        self.draw.line([(int(x), int(y)) for x, y in pts], fill=WHITE, width=max(2, r // 4),
                       joint="curve")

    def round_button(self, key: str, label: str, cx: int, cy: int, radius: int, colour: RGB,
                     glyph: str, caption: RGB | None = None, glyph_colour: RGB = WHITE) -> None:
        """A round answer/decline button with a handset glyph and an optional caption."""
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        self.draw.ellipse(box, fill=colour)
        self.handset_glyph(cx, cy, radius // 2, hang_up=glyph == "decline", colour=glyph_colour)
        self.nodes.append(Node(key, label, box, kind="button"))
        if caption is not None:
            self.draw.text((cx, cy + radius + self.u(40)), label, font=font(self.u(36)),
                           fill=caption, anchor="mm")

    def handset_glyph(self, cx: int, cy: int, size: int, hang_up: bool,
                      colour: RGB = WHITE) -> None:
        """A telephone receiver drawn as a thick arc (no icon font needed)."""
        w = max(3, size // 3)
        if hang_up:
            self.draw.arc((cx - size, cy - size // 2, cx + size, cy + size), 200, 340,
                          fill=colour, width=w)
        else:
            self.draw.arc((cx - size, cy - size, cx + size, cy + size), 100, 250, fill=colour,
                          width=w)

    def blurred_disc(self, cx: int, cy: int, radius: int, colour: RGB) -> None:
        """The soft contact-poster blob behind an iOS call: blurred at 1/8 scale (cheap)."""
        size = max(8, radius * 4 // 8)
        small = Image.new("RGBA", (size, size), (*colour, 0))
        ImageDraw.Draw(small).ellipse((size // 4, size // 4, size * 3 // 4, size * 3 // 4),
                                      fill=(*colour, 255))
        small = small.filter(ImageFilter.GaussianBlur(size / 10))
        big = small.resize((radius * 4, radius * 4), Image.Resampling.BILINEAR)
        self.image.paste(big, (cx - radius * 2, cy - radius * 2), big)

    def avatar(self, key: str, cx: int, cy: int, radius: int, seed: str, letter: str,
               logo: bool) -> None:
        """The contact photo slot: a coloured disc with an initial, or a brand logo (RCD)."""
        digest = hashlib.sha256(seed.encode()).digest()
        colour = (60 + digest[0] % 150, 60 + digest[1] % 150, 60 + digest[2] % 150)
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        if logo:  # a brand mark has several flat colours, unlike a letter placeholder
            r = radius
            self.draw.ellipse(box, fill=WHITE)
            self.draw.rounded_rectangle((cx - r * 0.6, cy - r * 0.6, cx + r * 0.1, cy + r * 0.1),
                                        radius=r // 6, fill=colour)
            self.draw.ellipse((cx - r * 0.1, cy - r * 0.2, cx + r * 0.6, cy + r * 0.5),
                              fill=(240, 150, 20))
            self.draw.polygon([(cx - r * 0.5, cy + r * 0.6), (cx, cy + r * 0.15),
                               (cx + r * 0.4, cy + r * 0.6)], fill=(20, 90, 200))
        else:
            self.draw.ellipse(box, fill=colour)
            if letter:
                self.draw.text((cx, cy), letter, font=font(int(radius * 0.9)), fill=WHITE,
                               anchor="mm")
        self.nodes.append(Node(key, "", box, kind="image"))

    def status_bar(self, colour: RGB, ios: bool = False) -> None:
        """Clock, signal bars, Wi-Fi dot and battery, as on the real phones."""
        top = self.u(24 if not ios else 40)
        size = self.u(38 if not ios else 44)
        x_clock = self.u(60 if not ios else 110)
        self.draw.text((x_clock, top), self.look.clock, font=font(size, bold=ios), fill=colour,
                       anchor="lt")
        if self.look.carrier and not ios:
            self.draw.text((x_clock + self.u(130), top), self.look.carrier,
                           font=font(self.u(30)), fill=colour, anchor="lt")
        right = self.w - self.u(60 if not ios else 80)
        bh = self.u(30)
        bx0 = right - self.u(70)
        self.draw.rounded_rectangle((bx0, top + self.u(4), right, top + self.u(4) + bh),
                                    radius=self.u(7), outline=colour, width=max(1, self.u(3)))
        self.draw.rectangle((bx0 + self.u(6), top + self.u(10), right - self.u(20),
                             top + bh - self.u(2)), fill=colour)
        sx = bx0 - self.u(150)
        for i in range(4):
            bar_h = self.u(10 + 7 * i)
            x = sx + i * self.u(14)
            self.draw.rectangle((x, top + self.u(34) - bar_h, x + self.u(9), top + self.u(34)),
                                fill=colour)
        self.draw.pieslice((bx0 - self.u(85), top, bx0 - self.u(25), top + self.u(60)), 225, 315,
                           fill=colour)

    def nav_bar(self, colour: RGB) -> None:
        """Android gesture pill at the bottom."""
        cx, y = self.w // 2, self.h - self.u(36)
        self.draw.rounded_rectangle((cx - self.u(110), y - self.u(6), cx + self.u(110),
                                     y + self.u(6)), radius=self.u(6), fill=colour)
