"""Pillow drawings of incoming-call screens and the idle home screen, per dialer style.

Modelled on real screenshots (../shared/realworld-screens): Google Phone's centred contact grid
with the avatar above the name and "Incoming call" over it, Samsung One UI's bold name with a
red spam banner, AOSP's blue in-call screen, iOS's large left-aligned caller over a blurred
wallpaper with Decline/Accept under it, the iOS compact banner and the Android heads-up card.
The same inputs always give the same pixels (no randomness, no clock reads).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

from devices.sim.canvas import ANSWER_GREEN, GREEN, RED, RGB, WHITE, Canvas, font
from devices.sim.screen import CallScreen, Look, Node, Style, decline_word, display_number


@dataclass(frozen=True, slots=True)
class Rendered:
    """A drawn screen: lossless PNG bytes plus the semantic nodes the page source exposes."""

    png: bytes
    nodes: tuple[Node, ...]
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class _Palette:
    bg_top: RGB
    bg_bottom: RGB
    fg: RGB
    muted: RGB
    label: RGB


_PALETTES = {
    Style.GOOGLE_DARK: _Palette((32, 33, 36), (24, 25, 28), (232, 234, 237), (154, 160, 166),
                                (242, 139, 130)),
    Style.GOOGLE_LIGHT: _Palette((255, 255, 255), (241, 243, 244), (32, 33, 36), (95, 99, 104),
                                 (197, 34, 31)),
    Style.AOSP: _Palette((25, 118, 210), (13, 71, 161), (255, 255, 255), (200, 220, 255),
                         (255, 205, 210)),
    Style.SAMSUNG: _Palette((92, 120, 120), (52, 70, 72), (255, 255, 255), (225, 232, 232),
                            (255, 255, 255)),
    Style.IOS: _Palette((70, 62, 80), (40, 36, 48), (255, 255, 255), (210, 210, 215),
                        (255, 159, 10)),
}


def _png(canvas: Canvas) -> Rendered:
    out = io.BytesIO()
    canvas.image.save(out, format="PNG", compress_level=1)
    return Rendered(out.getvalue(), tuple(canvas.nodes), canvas.w, canvas.h)


def _name_and_number(call: CallScreen) -> tuple[str, str | None]:
    """What the big line shows (CNAM name, else the number) and the small line under it."""
    number = display_number(call.number)
    if call.name:
        return call.name, number
    return number, None


def _verified_line(canvas: Canvas, call: CallScreen, x: int, y: int, colour: RGB,
                   anchor: str) -> None:
    """iOS and some Android builds spell the badge out: "✓ Caller Verified"."""
    if not call.verified_text:
        return
    size = canvas.u(40)
    f = font(size)
    width = int(f.getlength(call.verified_text)) + size + canvas.u(14)
    left = x if anchor.startswith("l") else x - width // 2
    canvas.check_disc(left + size // 2, y, size // 2)
    canvas.text("verified", call.verified_text, (left + size + canvas.u(14), y), 40, colour,
                anchor="lm")


def _android_full(canvas: Canvas, call: CallScreen, pal: _Palette) -> None:
    c = canvas
    c.gradient(pal.bg_top, pal.bg_bottom)
    c.status_bar(pal.fg)
    cx = c.w // 2
    if call.label:  # the top row turns into the spam warning
        c.text("label", call.label, (cx, int(c.h * 0.105)), 44, pal.label, bold=True)
    else:
        c.text("status", "Incoming call", (cx, int(c.h * 0.105)), 40, pal.muted)
    big, small = _name_and_number(call)
    c.avatar("photo", cx, int(c.h * 0.19), c.u(110), call.logo_url or big, big[:1].upper()
             if call.name else "", logo=call.logo_url is not None)
    name = c.text("name", big, (cx, int(c.h * 0.285)), 80, pal.fg, max_w=c.w - c.u(220),
                  min_size=56)
    if call.verified and not call.verified_text:
        r = c.u(26)
        c.check_disc(name.box[2] + c.u(22) + r, (name.box[1] + name.box[3]) // 2, r)
    y = int(c.h * 0.335)
    if small:
        c.text("number", f"Mobile {small}", (cx, y), 42, pal.muted)
        y += c.u(70)
    if call.verified_text:
        _verified_line(c, call, cx, y, pal.fg, "mm")
        y += c.u(70)
    if call.call_reason:
        c.text("reason", call.call_reason, (cx, y), 40, pal.fg)
    _overlay(c, call)
    by = c.h - c.u(330)
    c.round_button("decline", "Decline", c.u(250), by, c.u(95), RED, "decline", pal.fg)
    c.round_button("answer", "Answer", c.w - c.u(250), by, c.u(95), ANSWER_GREEN, "answer", pal.fg)
    c.nav_bar(pal.fg)


_OVERLAY_NAMES = {"com.tmobile.services.nameid": "Scam Shield", "com.att.callprotect":
                  "ActiveArmor", "com.vzw.ecid": "Call Filter"}  # fmt: skip


def _overlay(canvas: Canvas, call: CallScreen) -> None:
    """A carrier spam app's card over the call screen, with its own verdict."""
    if not call.overlay:
        return
    c = canvas
    top = int(c.h * 0.56)
    c.draw.rounded_rectangle((c.u(60), top, c.w - c.u(60), top + c.u(230)), radius=c.u(36),
                             fill=(250, 250, 250))
    c.draw.ellipse((c.u(100), top + c.u(45), c.u(170), top + c.u(115)), fill=(226, 0, 116))
    app = _OVERLAY_NAMES.get(call.overlay_app or "", "Spam filter")
    c.draw.text((c.u(200), top + c.u(80)), app, font=font(c.u(34)), fill=(95, 99, 104),
                anchor="lm")
    c.text("overlay_label", call.overlay, (c.u(100), top + c.u(165)), 46, (197, 34, 31),
           anchor="lm", bold=True)


def _samsung(canvas: Canvas, call: CallScreen, pal: _Palette) -> None:
    c = canvas
    c.gradient(pal.bg_top, pal.bg_bottom)
    c.status_bar(pal.fg)
    c.text("status", "Incoming call", (c.u(70), int(c.h * 0.085)), 42, pal.fg, anchor="lm")
    cx = c.w // 2
    big, small = _name_and_number(call)
    y = int(c.h * 0.30)
    if call.label:  # One UI puts Hiya's verdict in a red pill above the name
        f = font(c.u(40), bold=True)
        half = int(f.getlength(call.label)) // 2 + c.u(40)
        c.draw.rounded_rectangle((cx - half, y - c.u(160), cx + half, y - c.u(90)),
                                 radius=c.u(35), fill=(211, 47, 47))
        c.text("label", call.label, (cx, y - c.u(125)), 40, WHITE, bold=True)
    if call.logo_url:
        c.avatar("photo", cx, y - c.u(300), c.u(100), call.logo_url, "", logo=True)
    name = c.text("name", big, (cx, y), 84, pal.fg, bold=True, max_w=c.w - c.u(220),
                  min_size=60)
    if call.verified and not call.verified_text:
        r = c.u(28)
        c.check_disc(name.box[2] + c.u(20) + r, (name.box[1] + name.box[3]) // 2, r, (0, 166, 81))
    y += c.u(100)
    if small:
        c.text("number", f"Mobile {small}", (cx, y), 42, pal.muted)
        y += c.u(70)
    if call.verified_text:
        _verified_line(c, call, cx, y, pal.fg, "mm")
        y += c.u(70)
    if call.call_reason:
        c.text("reason", call.call_reason, (cx, y), 40, pal.fg)
    _overlay(c, call)
    by = c.h - c.u(330)  # One UI: white discs with coloured receivers, swipe chevrons between
    c.round_button("answer", "Accept", c.u(230), by, c.u(100), (240, 240, 240), "answer",
                   glyph_colour=ANSWER_GREEN)
    c.round_button("decline", "Decline", c.w - c.u(230), by, c.u(100), (240, 240, 240),
                   "decline", glyph_colour=RED)
    for x, mark in ((c.u(360), ">"), (c.w - c.u(360), "<")):
        c.draw.text((x, by), mark, font=font(c.u(44)), fill=pal.muted, anchor="mm")
    c.draw.rounded_rectangle((c.u(150), c.h - c.u(130), c.w - c.u(150), c.h - c.u(40)),
                             radius=c.u(30), fill=(110, 130, 132))
    c.draw.text((cx, c.h - c.u(85)), "SEND MESSAGE", font=font(c.u(34)), fill=WHITE,
                anchor="mm")


def _slide_to_answer(canvas: Canvas, pal: _Palette) -> None:
    """A locked iPhone: no Decline button, only the slider (the caller must cancel)."""
    c = canvas
    y = c.h - c.u(420)
    c.draw.rounded_rectangle((c.u(110), y - c.u(85), c.w - c.u(110), y + c.u(85)),
                             radius=c.u(85), fill=(90, 84, 100))
    c.draw.ellipse((c.u(125), y - c.u(70), c.u(265), y + c.u(70)), fill=WHITE)
    c.handset_glyph(c.u(195), y, c.u(35), hang_up=False, colour=(48, 209, 88))
    c.draw.text((c.w // 2 + c.u(60), y), "slide to answer", font=font(c.u(44)), fill=pal.muted,
                anchor="mm")


def _ios_full(canvas: Canvas, call: CallScreen, pal: _Palette) -> None:
    c = canvas
    c.gradient(pal.bg_top, pal.bg_bottom)
    # the blurred contact poster / wallpaper behind the call
    c.blurred_disc(c.w // 2, int(c.h * 0.45), c.u(300), (130, 60, 70))
    c.status_bar(pal.fg, ios=True)
    x = c.u(110)
    big, small = _name_and_number(call)
    y = int(c.h * 0.12)
    if small:
        c.text("number", small if not call.label else f"{small}", (x, y), 40, pal.muted,
               anchor="lm")
        y += c.u(80)
    name = c.text("name", big, (x, y), 96, pal.fg, anchor="lm", max_w=c.w - c.u(260),
                  min_size=64)
    y = name.box[3] + c.u(50)
    if call.label:
        c.text("label", call.label, (x, y), 44, pal.label, anchor="lm")
        y += c.u(70)
    if call.verified:
        _verified_line(c, _with_text(call), x, y, pal.fg, "lm")
        y += c.u(70)
    if call.call_reason:
        c.text("reason", call.call_reason, (x, y), 40, pal.muted, anchor="lm")
    if c.locked:
        _slide_to_answer(c, pal)
        return
    decline, accept = decline_word(c.look.locale)
    by = c.h - c.u(420)
    for x, word in ((c.u(250), "Remind Me"), (c.w - c.u(250), "Message")):
        c.draw.rounded_rectangle((x - c.u(22), by - c.u(330), x + c.u(22), by - c.u(290)),
                                 radius=c.u(8), outline=pal.fg, width=max(2, c.u(4)))
        c.draw.text((x, by - c.u(250)), word, font=font(c.u(32)), fill=pal.fg, anchor="mm")
    c.round_button("decline", decline, c.u(250), by, c.u(105), (235, 69, 58), "decline", pal.fg)
    c.round_button("answer", accept, c.w - c.u(250), by, c.u(105), (48, 209, 88), "answer",
                   pal.fg)


def _with_text(call: CallScreen) -> CallScreen:
    if call.verified_text:
        return call
    return CallScreen(call.number, call.name, call.label, call.verified, "Caller Verified",
                      call.logo_url, call.call_reason)


def home(canvas: Canvas, dark: bool = False) -> None:
    """A home screen: wallpaper, a grid of app icons and a dock (also under banners)."""
    c = canvas
    c.gradient((38, 70, 120), (120, 80, 140)) if not dark else c.gradient((20, 20, 30), (40, 40,
                                                                                          60))
    c.status_bar(WHITE, ios=c.look.style in (Style.IOS, Style.IOS_BANNER))
    size, gap = c.u(150), c.u(100)
    colours = [(66, 133, 244), (52, 168, 83), (251, 188, 5), (234, 67, 53), (142, 36, 170),
               (0, 172, 193), (255, 112, 67), (120, 144, 156)]
    for row in range(5):
        for col in range(4):
            x = c.u(90) + col * (size + gap)
            y = int(c.h * 0.18) + row * (size + c.u(140))
            colour = colours[(row * 4 + col) % len(colours)]
            c.draw.rounded_rectangle((x, y, x + size, y + size), radius=size // 4, fill=colour)
    dock_y = c.h - c.u(330)
    c.draw.rounded_rectangle((c.u(40), dock_y, c.w - c.u(40), dock_y + c.u(220)),
                             radius=c.u(60), fill=(255, 255, 255))


_PHOTO_APPS = ("photos", "gallery", "slideshow")


def busy_app(canvas: Canvas, package: str) -> None:
    """An app in use under a heads-up card or banner, so the card is read over real content:
    a photo grid for a gallery app (what ringcheck opens: quiet and offline), a news page with
    headlines for anything else (a browser)."""
    if any(word in package.lower() for word in _PHOTO_APPS):
        _photo_grid(canvas)
    else:
        _news_page(canvas)


def _photo_grid(canvas: Canvas) -> None:
    c = canvas
    c.draw.rectangle((0, 0, c.w, c.h), fill=(255, 255, 255))
    c.status_bar((30, 30, 30), ios=c.look.style in (Style.IOS, Style.IOS_BANNER))
    c.draw.text((c.u(50), c.u(170)), "Photos", font=font(c.u(64), bold=True), fill=(32, 33, 36),
                anchor="lm")
    c.draw.text((c.u(50), c.u(270)), "Today", font=font(c.u(34)), fill=(95, 99, 104), anchor="lm")
    tile, gap = (c.w - c.u(8)) // 3, c.u(4)
    y = c.u(320)
    row = 0
    while y < c.h - c.u(200):
        for col in range(3):
            digest = hashlib.sha256(f"{row}:{col}".encode()).digest()
            top = (60 + digest[0] % 160, 60 + digest[1] % 160, 60 + digest[2] % 160)
            x = col * (tile + gap)
            c.draw.rectangle((x, y, x + tile, y + tile), fill=top)
            c.draw.ellipse((x + tile // 4, y + tile // 5, x + tile // 2, y + tile // 2),
                           fill=(min(255, top[0] + 60), min(255, top[1] + 60), 120))
            c.draw.polygon([(x, y + tile), (x + tile // 2, y + tile // 2), (x + tile, y + tile)],
                           fill=(top[0] // 2, top[1] // 2, top[2] // 2))
        y += tile + gap
        row += 1
    c.draw.rectangle((0, c.h - c.u(190), c.w, c.h), fill=(248, 248, 248))
    for index, word in enumerate(("Photos", "Search", "Library")):
        c.draw.text((c.w * (2 * index + 1) // 6, c.h - c.u(90)), word, font=font(c.u(30)),
                    fill=(60, 64, 67), anchor="mm")


def _news_page(canvas: Canvas) -> None:
    c = canvas
    c.draw.rectangle((0, 0, c.w, c.h), fill=(250, 250, 250))
    c.status_bar((30, 30, 30), ios=c.look.style in (Style.IOS, Style.IOS_BANNER))
    c.draw.rectangle((0, c.u(110), c.w, c.u(250)), fill=(236, 239, 241))
    c.draw.rounded_rectangle((c.u(40), c.u(140), c.w - c.u(40), c.u(220)), radius=c.u(40),
                             fill=WHITE)
    c.draw.text((c.u(90), c.u(180)), "news.example.com", font=font(c.u(34)),
                fill=(95, 99, 104), anchor="lm")
    y = c.u(520)
    for block in range(3):
        c.draw.rectangle((c.u(40), y, c.w - c.u(40), y + c.u(380)),
                         fill=((120, 150, 180), (170, 140, 110), (110, 160, 120))[block])
        y += c.u(420)
        c.draw.text((c.u(40), y), ("City council votes on new park", "Weekend weather outlook",
                                   "Local team wins the final")[block],
                    font=font(c.u(46), bold=True), fill=(32, 33, 36), anchor="lt")
        y += c.u(80)
        for line in range(3):
            c.draw.rectangle((c.u(40), y, c.w - c.u(40 + 120 * (line == 2)), y + c.u(26)),
                             fill=(200, 200, 204))
            y += c.u(48)
        y += c.u(60)


def _background(canvas: Canvas) -> None:
    """Under a banner: the app in use, else the home screen."""
    if canvas.app:
        busy_app(canvas, canvas.app)
    else:
        home(canvas)


def _ios_banner(canvas: Canvas, call: CallScreen, pal: _Palette) -> None:
    c = canvas
    _background(c)
    top, left, right = c.u(130), c.u(30), c.w - c.u(30)
    c.draw.rounded_rectangle((left, top, right, top + c.u(250)), radius=c.u(60),
                             fill=(36, 36, 38))
    big, small = _name_and_number(call)
    c.text("name", big, (left + c.u(50), top + c.u(75)), 48, WHITE, anchor="lm", bold=True,
           max_w=c.u(560), min_size=36)
    sub = call.label or (small or "mobile")
    c.text("label" if call.label else "number", sub, (left + c.u(50), top + c.u(150)), 38,
           pal.muted if not call.label else pal.label, anchor="lm", max_w=c.u(560))
    if call.verified:
        c.check_disc(left + c.u(70), top + c.u(210), c.u(20))
        c.text("verified", "Caller Verified", (left + c.u(100), top + c.u(210)), 30, pal.muted,
               anchor="lm")
    decline, accept = decline_word(c.look.locale)
    cy = top + c.u(125)
    c.round_button("decline", decline, right - c.u(250), cy, c.u(62), (235, 69, 58), "decline")
    c.round_button("answer", accept, right - c.u(100), cy, c.u(62), (48, 209, 88), "answer")


def _android_headsup(canvas: Canvas, call: CallScreen, pal: _Palette) -> None:
    c = canvas
    _background(c)
    top, left, right = c.u(110), c.u(30), c.w - c.u(30)
    c.draw.rounded_rectangle((left, top, right, top + c.u(330)), radius=c.u(40),
                             fill=(48, 48, 52))
    c.draw.text((left + c.u(50), top + c.u(45)), "Incoming call", font=font(c.u(30)),
                fill=(180, 180, 185), anchor="lm")
    big, small = _name_and_number(call)
    name = c.text("name", big, (left + c.u(50), top + c.u(110)), 44, WHITE, anchor="lm",
                  max_w=c.u(700), min_size=32)
    line = call.label or small or ""
    if line:
        c.text("label" if call.label else "number", line, (left + c.u(50), top + c.u(170)), 36,
               (242, 139, 130) if call.label else (200, 200, 205), anchor="lm", max_w=c.u(800))
    if call.verified:
        r = c.u(24)
        c.check_disc(name.box[2] + c.u(16) + r, (name.box[1] + name.box[3]) // 2, r, GREEN)
    by = top + c.u(265)
    for key, word, colour, x in (("decline", "Decline", (242, 139, 130), left + c.u(240)),
                                 ("answer", "Answer", (129, 201, 149), right - c.u(240))):
        c.text(key, word, (x, by), 38, colour, bold=True)
    c.nodes[:] = [n if n.key not in ("decline", "answer") else
                  Node(n.key, n.text, n.box, kind="button") for n in c.nodes]


_DRAW: dict[Style, Callable[[Canvas, CallScreen, _Palette], None]] = {
    Style.GOOGLE_DARK: _android_full,
    Style.GOOGLE_LIGHT: _android_full,
    Style.AOSP: _android_full,
    Style.SAMSUNG: _samsung,
    Style.IOS: _ios_full,
    Style.IOS_BANNER: _ios_banner,
    Style.ANDROID_HEADSUP: _android_headsup,
}


def render_call(call: CallScreen, look: Look, *, locked: bool = False,
                app: str | None = None) -> Rendered:
    """The incoming-call screen for `call` as `look` draws it; `locked`: on the lock screen,
    `app`: the app in use under a heads-up card or banner."""
    pal = _PALETTES.get(look.style, _PALETTES[Style.GOOGLE_DARK])
    canvas = Canvas(look, pal.bg_top)
    canvas.locked, canvas.app = locked, app
    _DRAW[look.style](canvas, call, pal)
    return _png(canvas)


def render_idle(look: Look) -> Rendered:
    """The home screen a handset shows between calls."""
    canvas = Canvas(look, (0, 0, 0))
    home(canvas, dark=look.style is Style.GOOGLE_DARK)
    return _png(canvas)
