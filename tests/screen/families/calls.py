"""Incoming-call surfaces drawn from a `Caller`: Android and iOS full screens (name high or
low), an Android heads-up card, an iOS banner, and a call over the lock screen.

Each drawer returns the name as a person reads it on that screen (cut with "…" when the
layout cut it), so the truth is what was drawn, not what was meant.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from tests.screen.families import content
from tests.screen.families.paint import (
    CJK_FONT,
    RGB,
    avatar,
    blobs,
    call_disc,
    check_badge,
    fit,
    font,
    gradient,
    status_bar,
    text,
)

RED: RGB = (229, 57, 53)
GREEN: RGB = (67, 160, 71)
BADGE_GREENS: tuple[RGB, ...] = ((30, 142, 62), (52, 168, 83), (0, 166, 81), (52, 199, 89))


@dataclass(frozen=True)
class Caller:
    """What one screen shows about the caller."""

    name: str | None  # None: the number takes the title
    number: str | None
    label: tuple[str, str] | None  # (vocabulary phrase, class)
    label_text: str | None  # as drawn: the phrase, maybe with extra words
    label_mode: str  # line | pill | name_slot | prefix
    verified: str | None  # None | disc | text
    avatar: str  # photo | letter | silhouette | none
    lang: str
    type_prefix: bool  # "Mobile +1 415…"


@dataclass(frozen=True)
class Shown:
    """What a drawer really put on the screen (a layout may cut or leave out a field)."""

    name: str | None
    number: str | None
    label: bool
    logo: bool  # a logo or photo drawn in an avatar slot


@dataclass(frozen=True)
class Look:
    family: str  # font family for Latin text
    dark: bool
    scale: float  # 1.0 = 1080 px wide
    name_size: int
    badge: RGB
    square_badge: bool


def _font_for(look: Look, value: str, lang: str) -> str:
    if any("\u3040" <= ch <= "\u9fff" for ch in value):
        return CJK_FONT.get(lang, "cjk-sc")
    return look.family


def _words(lang: str) -> dict[str, str]:
    return content.WORDS[lang]


def _title(caller: Caller, look: Look, max_w: int, size: int, bold: bool) -> tuple[str, str | None]:
    """(text in the title slot, the caller name a person reads in it)."""
    if caller.label is not None and caller.label_mode == "name_slot":
        return caller.label_text or caller.label[0], None
    if caller.name is None:
        return caller.number or "", None
    family = _font_for(look, caller.name, caller.lang)
    if caller.label is not None and caller.label_mode == "prefix":
        shown = fit(f"[SPAM?] {caller.name}", family, size, max_w, bold)
        return shown, shown.removeprefix("[SPAM?] ").strip() or None
    shown = fit(caller.name, family, size, max_w, bold)
    return shown, shown


def _number_text(caller: Caller) -> str | None:
    if caller.number is None or (caller.name is None and caller.label_mode != "name_slot"):
        return None
    if caller.type_prefix:
        return f"{_words(caller.lang)['mobile']} {caller.number}"
    return caller.number


def _label_line(
    draw: ImageDraw.ImageDraw,
    caller: Caller,
    look: Look,
    xy: tuple[int, int],
    anchor: str,
    colour: RGB,
    size: int,
) -> int:
    """The label below the caller (a coloured line or a pill); returns the next free row."""
    if caller.label is None or caller.label_mode not in ("line", "pill"):
        return xy[1]
    value = caller.label_text or caller.label[0]
    family = _font_for(look, value, caller.lang)
    if caller.label_mode == "pill":
        f = font(family, size, True)
        w = f.getlength(value)
        pad = int(size * 0.7)
        x0 = xy[0] - w / 2 - pad if anchor[0] == "m" else xy[0] - pad // 2
        draw.rounded_rectangle(
            (x0, xy[1] - size * 0.85, x0 + w + 2 * pad, xy[1] + size * 0.85),
            radius=int(size * 0.85),
            fill=(211, 47, 47),
        )
        text(draw, (int(x0 + pad), xy[1]), value, family, size, (255, 255, 255), bold=True)
        return xy[1] + int(size * 2.2)
    text(draw, xy, value, family, size, colour, bold=True, anchor=anchor)
    return xy[1] + int(size * 1.8)


def _badge(
    draw: ImageDraw.ImageDraw,
    caller: Caller,
    look: Look,
    title_box: tuple[int, ...],
    words: dict[str, str],
    xy: tuple[int, int],
    anchor: str,
    fg: RGB,
) -> int:
    if caller.verified == "disc":
        h = title_box[3] - title_box[1]
        d = max(20, int(h * 0.75))
        check_badge(
            draw,
            title_box[2] + d * 0.35,
            (title_box[1] + title_box[3]) / 2,
            d,
            look.badge,
            look.square_badge,
        )
        return xy[1]
    if caller.verified == "text":
        size = int(36 * look.scale)
        family = _font_for(look, words["verified"], caller.lang)
        w = font(family, size).getlength(words["verified"]) + size * 1.3
        x = xy[0] - w / 2 if anchor[0] == "m" else xy[0]
        check_badge(draw, x, xy[1], size, look.badge, look.square_badge)
        text(draw, (int(x + size * 1.3), xy[1]), words["verified"], family, size, fg)
        return xy[1] + int(size * 1.9)
    return xy[1]


def _buttons(
    draw: ImageDraw.ImageDraw,
    rnd: random.Random,
    w: int,
    y: int,
    s: float,
    words: dict[str, str],
    fg: RGB,
    lang: str,
    look: Look,
    ios: bool,
) -> None:
    style = rnd.choice(("discs", "discs", "swipe")) if not ios else "discs"
    if style == "swipe":
        call_disc(draw, w // 2, y, 80 * s, GREEN, hang_up=False)
        hint = {"en": "Swipe up to answer"}.get(lang, words["answer"])
        text(
            draw,
            (w // 2, y + int(150 * s)),
            hint,
            _font_for(look, hint, lang),
            int(34 * s),
            fg,
            anchor="mm",
        )
        return
    r = rnd.randrange(70, 100) * s
    left, right = int(w * 0.24), int(w * 0.76)
    call_disc(draw, left, y, r, RED, hang_up=True)
    call_disc(draw, right, y, r, GREEN, hang_up=False)
    if rnd.random() < 0.8:
        for x, word in ((left, words["decline"]), (right, words["accept" if ios else "answer"])):
            text(
                draw,
                (x, int(y + r + 45 * s)),
                word,
                _font_for(look, word, lang),
                int(34 * s),
                fg,
                anchor="mm",
            )


def full_android(
    img: Image.Image, rnd: random.Random, caller: Caller, look: Look, low: bool
) -> Shown:
    s, w, h = look.scale, img.width, img.height
    fg: RGB = (240, 240, 244) if look.dark else (28, 28, 30)
    muted: RGB = (170, 172, 178) if look.dark else (96, 98, 104)
    top = (rnd.randrange(18, 48),) * 3 if look.dark else (rnd.randrange(236, 256),) * 3
    gradient(img, top, tuple(max(0, c - rnd.randrange(0, 30)) for c in top))
    draw = ImageDraw.Draw(img)
    status_bar(draw, rnd, w, fg, look.family, s)
    words = _words(caller.lang)
    cx = w // 2
    if caller.label is not None and caller.label_mode == "line" and rnd.random() < 0.4:
        # the status row turns into the warning, as Google Phone does
        head = caller.label_text or caller.label[0]
        text(
            draw,
            (cx, int(h * 0.09)),
            head,
            _font_for(look, head, caller.lang),
            int(40 * s),
            (234, 67, 53) if not look.dark else (242, 139, 130),
            bold=True,
            anchor="mm",
        )
        caller = dataclasses.replace(caller, label_mode="shown")
    else:
        text(
            draw,
            (cx, int(h * 0.09)),
            words["incoming"],
            _font_for(look, words["incoming"], caller.lang),
            int(38 * s),
            muted,
            anchor="mm",
        )
    if low:
        if caller.avatar != "none":
            avatar(
                img,
                rnd,
                cx,
                int(h * rnd.uniform(0.25, 0.35)),
                int(rnd.randrange(160, 260) * s),
                caller.avatar,
                (caller.name or "#")[0],
                look.family,
            )
        name_y = int(h * rnd.uniform(0.58, 0.72))
    else:
        if caller.avatar != "none":
            avatar(
                img,
                rnd,
                cx,
                int(h * 0.19),
                int(rnd.randrange(90, 130) * s),
                caller.avatar,
                (caller.name or "#")[0],
                look.family,
            )
        name_y = int(h * rnd.uniform(0.27, 0.33))
    size = int(look.name_size * s)
    title, name = _title(caller, look, w - int(240 * s), size, False)
    title_family = _font_for(look, title, caller.lang)
    box = text(draw, (cx, name_y), title, title_family, size, fg, anchor="mm")
    y = box[3] + int(45 * s)
    number = _number_text(caller)
    if number is not None:
        text(
            draw,
            (cx, y),
            number,
            _font_for(look, number, caller.lang),
            int(40 * s),
            muted,
            anchor="mm",
        )
        y += int(70 * s)
    y = _badge(draw, caller, look, box, words, (cx, y), "mm", fg)
    y = _label_line(
        draw,
        caller,
        look,
        (cx, y + int(10 * s)),
        "mm",
        (234, 67, 53) if not look.dark else (242, 139, 130),
        int(42 * s),
    )
    _buttons(
        draw,
        rnd,
        w,
        int(h * (0.86 if not low else 0.89)),
        s,
        words,
        fg,
        caller.lang,
        look,
        ios=False,
    )
    return Shown(
        name,
        number or (title if name is None and caller.label_mode != "name_slot" else None),
        caller.label is not None,
        caller.avatar == "photo",
    )


def full_ios(img: Image.Image, rnd: random.Random, caller: Caller, look: Look) -> Shown:
    s, w, h = look.scale, img.width, img.height
    gradient(
        img,
        tuple(rnd.randrange(30, 110) for _ in range(3)),
        tuple(rnd.randrange(10, 60) for _ in range(3)),
    )
    blobs(img, rnd, 4, 60, dim=0.6)
    draw = ImageDraw.Draw(img)
    fg: RGB = (255, 255, 255)
    muted: RGB = (215, 215, 222)
    status_bar(draw, rnd, w, fg, look.family, s)
    words = _words(caller.lang)
    x = int(rnd.randrange(70, 120) * s)
    y = int(h * rnd.uniform(0.08, 0.13))
    size = int(look.name_size * 1.1 * s)
    title, name = _title(caller, look, w - x - int(120 * s), size, False)
    box = text(draw, (x, y), title, _font_for(look, title, caller.lang), size, fg)
    y = box[3] + int(45 * s)
    number = _number_text(caller)
    subtitle = number if number is not None else ("mobile" if caller.lang == "en" else None)
    if subtitle is not None:
        text(draw, (x, y), subtitle, _font_for(look, subtitle, caller.lang), int(38 * s), muted)
        y += int(65 * s)
    y = _label_line(draw, caller, look, (x, y), "lm", (255, 159, 10), int(40 * s))
    _badge(draw, caller, look, box, words, (x, y), "lm", muted)
    by = int(h * 0.85)
    for bx, word in ((int(w * 0.24), words["remind"]), (int(w * 0.76), words["message"])):
        draw.rounded_rectangle(
            (bx - 22 * s, by - 330 * s, bx + 22 * s, by - 290 * s),
            radius=int(8 * s),
            outline=fg,
            width=max(2, int(4 * s)),
        )
        text(
            draw,
            (bx, int(by - 250 * s)),
            word,
            _font_for(look, word, caller.lang),
            int(30 * s),
            fg,
            anchor="mm",
        )
    _buttons(draw, rnd, w, by, s, words, fg, caller.lang, look, ios=True)
    return Shown(
        name,
        number or (title if name is None and caller.label_mode != "name_slot" else None),
        caller.label is not None,
        False  # the iOS call screen draws no avatar slot,
    )


def card_android(
    img: Image.Image, rnd: random.Random, caller: Caller, look: Look, top: int
) -> Shown:
    """A heads-up card at row `top`: app header, name, number or label, two actions."""
    s, w = look.scale, img.width
    draw = ImageDraw.Draw(img)
    light = not look.dark
    fill: RGB = (250, 250, 252) if light else (rnd.randrange(38, 62),) * 3
    fg: RGB = (25, 25, 28) if light else (240, 240, 244)
    muted: RGB = (100, 100, 108) if light else (175, 175, 182)
    margin = int(rnd.randrange(16, 40) * s)
    height = int(rnd.randrange(300, 360) * s)
    if light:  # a soft shadow: the card is white like the app behind it
        for i in range(8, 0, -2):
            draw.rounded_rectangle(
                (margin - i, top - i // 2, w - margin + i, top + height + i),
                radius=int(40 * s) + i,
                fill=(200 - i * 4,) * 3,
            )
    draw.rounded_rectangle((margin, top, w - margin, top + height), radius=int(40 * s), fill=fill)
    words = _words(caller.lang)
    x = margin + int(48 * s)
    header = f"{words['app']} • now"
    text(
        draw,
        (x + int(40 * s), top + int(48 * s)),
        header,
        _font_for(look, header, caller.lang),
        int(28 * s),
        muted,
    )
    draw.ellipse((x, top + int(34 * s), x + int(28 * s), top + int(62 * s)), fill=GREEN)
    right = w - margin - int(48 * s)
    if caller.avatar != "none":
        r = int(50 * s)
        avatar(
            img,
            rnd,
            right - r,
            top + int(140 * s),
            r,
            caller.avatar,
            (caller.name or "#")[0],
            look.family,
        )
        right -= 2 * r + int(30 * s)
    size = int(rnd.randrange(40, 50) * s)
    title, name = _title(caller, look, right - x - int(70 * s), size, True)
    box = text(
        draw,
        (x, top + int(118 * s)),
        title,
        _font_for(look, title, caller.lang),
        size,
        fg,
        bold=True,
    )
    number = _number_text(caller)
    second = None
    colour = muted
    if caller.label is not None and caller.label_mode in ("line", "pill"):
        second, colour = caller.label_text or caller.label[0], (217, 48, 37)
    elif number is not None:
        second = number
    if second is not None:
        text(
            draw,
            (x, top + int(182 * s)),
            second,
            _font_for(look, second, caller.lang),
            int(34 * s),
            colour,
            bold=colour != muted,
        )
    if caller.verified is not None:
        _badge(
            draw, dataclasses.replace(caller, verified="disc"), look, box, words, (x, 0), "lm", fg
        )
    by = top + height - int(55 * s)
    if rnd.random() < 0.5:
        for bx, word, colour in (
            (int(w * 0.3), words["decline"], RED),
            (int(w * 0.7), words["answer"], GREEN),
        ):
            text(
                draw,
                (bx, by),
                word,
                _font_for(look, word, caller.lang),
                int(34 * s),
                colour,
                bold=True,
                anchor="mm",
            )
    else:
        for bx, word, colour in (
            (int(w * 0.3), words["decline"], RED),
            (int(w * 0.7), words["answer"], GREEN),
        ):
            f = font(_font_for(look, word, caller.lang), int(32 * s), True)
            half = f.getlength(word) / 2 + 40 * s
            draw.rounded_rectangle(
                (bx - half, by - 34 * s, bx + half, by + 34 * s), radius=int(34 * s), fill=colour
            )
            text(
                draw,
                (bx, by),
                word,
                _font_for(look, word, caller.lang),
                int(32 * s),
                (255, 255, 255),
                bold=True,
                anchor="mm",
            )
    return _shown(caller, name, title, second)


def banner_ios(img: Image.Image, rnd: random.Random, caller: Caller, look: Look, top: int) -> Shown:
    """The compact iOS banner: avatar, name, one line under it, red and green discs."""
    s, w = look.scale, img.width
    draw = ImageDraw.Draw(img)
    light = not look.dark
    fill: RGB = (242, 242, 246) if light else (rnd.randrange(28, 52),) * 3
    fg: RGB = (20, 20, 22) if light else (255, 255, 255)
    muted: RGB = (100, 100, 108) if light else (190, 190, 198)
    margin = int(rnd.randrange(18, 36) * s)
    height = int(rnd.randrange(200, 250) * s)
    draw.rounded_rectangle((margin, top, w - margin, top + height), radius=int(56 * s), fill=fill)
    words = _words(caller.lang)
    x = margin + int(40 * s)
    cy = top + height // 2
    if caller.avatar != "none":
        r = int(54 * s)
        avatar(
            img,
            rnd,
            x + r,
            cy,
            r,
            caller.avatar if caller.avatar != "photo" else "photo",
            (caller.name or "#")[0],
            look.family,
        )
        x += 2 * r + int(30 * s)
    r = int(rnd.randrange(46, 58) * s)
    green_x = w - margin - int(40 * s) - r
    red_x = green_x - 2 * r - int(36 * s)
    call_disc(draw, red_x, cy, r, (255, 59, 48), hang_up=True)
    call_disc(draw, green_x, cy, r, (52, 199, 89), hang_up=False)
    size = int(rnd.randrange(40, 48) * s)
    title, name = _title(caller, look, red_x - r - x - int(80 * s), size, True)
    box = text(
        draw, (x, cy - int(34 * s)), title, _font_for(look, title, caller.lang), size, fg, bold=True
    )
    number = _number_text(caller)
    second, colour = (number or ("mobile" if caller.lang == "en" else None)), muted
    if caller.label is not None and caller.label_mode in ("line", "pill"):
        second, colour = caller.label_text or caller.label[0], (255, 149, 0)
    if second is not None and colour != muted:  # a long label is cut, a number never
        second = fit(
            second, _font_for(look, second, caller.lang), int(34 * s), red_x - r - x - int(30 * s)
        )
    if second is not None:
        text(
            draw,
            (x, cy + int(34 * s)),
            second,
            _font_for(look, second, caller.lang),
            int(34 * s),
            colour,
        )
    if caller.verified is not None:
        _badge(
            draw, dataclasses.replace(caller, verified="disc"), look, box, words, (x, 0), "lm", fg
        )
    return _shown(caller, name, title, second)


def _shown(caller: Caller, name: str | None, title: str, second: str | None) -> Shown:
    """Cards have one line under the title: the label hides the number."""
    label = caller.label is not None
    logo = caller.avatar == "photo"
    if name is None and caller.label_mode != "name_slot":
        return Shown(None, title, label, logo)
    number = _number_text(caller)
    return Shown(name, number if second == number else None, label, logo)
