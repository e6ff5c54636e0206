"""A seeded generator of labelled incoming-call screens in several dialer styles.

Drawn with Pillow and DejaVu fonts so the truth is known exactly: dark and light Google, AOSP,
Samsung (spam banner), iOS full screen and iOS banner over an app full of distractor text, with
JPEG and scaling damage, accents, CNAM capitals, long names cut with "…", check-mark badge discs
beside the name or number, logos or placeholders in the avatar slot, and answer buttons.
The same seed always gives the same screens, so accuracy tests can fail but are not flaky.
"""

from __future__ import annotations

import dataclasses
import io
import random
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from robot.domain.model import DialerKind, Reading, Tristate
from tests.screen.synth_draw import (
    avatar,
    badge,
    buttons,
    distractors,
    fit,
    font,
    status_bar,
)

W, H = 1080, 2400
STYLES = ("google-dark", "google-light", "aosp", "samsung", "ios", "ios-banner")

NAMES = (
    "Maria Gonzalez",
    "José García",
    "Zoë Dubois",
    "François Lefèvre",
    "Björn Ødegård",
    "ACME BANK",
    "WIRELESS CALLER",
    "CITY OF SPRINGFLD",
    "Dr. Amelia Hart",
    "Chen Wei",
    "Noémie Brûlé",
    "KAISER PERMANENT",
    "Liam O'Brien",
    "Sofia Rossi",
    "Ahmed Khan",
    "Northwestern Mutual Insurance",
    "Pacific Gas and Electric Company",
    "Dental Care Clinic",
)
NUMBERS = (
    "+1 415-555-0134",
    "(212) 555-0199",
    "555-0100",
    "8008",
    "+44 20 7946 0958",
    "+33 1 42 68 53 00",
    "1 844-331-6882",
    "+1 (646) 555-0175",
    "72345",
    "+49 30 901820",
)
LABELS = (
    ("Scam Likely", "scam"),
    ("Spam Risk", "spam"),
    ("Potential Spam", "spam"),
    ("Potential Fraud", "fraud"),
    ("Suspected spam caller", "spam"),
    ("Telemarketer", "telemarketer"),
    ("Nuisance Likely", "nuisance"),
    ("Robocaller", "spam"),
    ("Fraud Risk", "fraud"),
    ("Political", "other"),
)
REASONS = (
    "Appointment reminder",
    "Your package delivery",
    "Prescription ready",
    "Billing question",
)


@dataclass(frozen=True)
class Truth:
    """What the screen shows, as a person would read it."""

    style: str
    dialer: DialerKind
    name: str | None
    number: str | None
    spam_label: str | None
    spam_class: str | None
    verified: bool
    logo: bool
    call_reason: str | None


@dataclass(frozen=True)
class Sample:
    image: bytes
    truth: Truth
    fmt: str


@dataclass(frozen=True)
class _Style:
    dialer: str
    bg: tuple[int, int, int]
    fg: tuple[int, int, int]
    muted: tuple[int, int, int]
    left: bool
    status_text: str | None
    avatar_y: float | None
    name_y: float
    name_size: int
    badge_colour: tuple[int, int, int]
    buttons: tuple[str, str] = ("Decline", "Answer")


_STYLES = {
    "google-dark": _Style(
        "google",
        (32, 33, 36),
        (232, 234, 237),
        (154, 160, 166),
        False,
        "Incoming call",
        0.19,
        0.30,
        78,
        (30, 142, 62),
    ),
    "google-light": _Style(
        "google",
        (255, 255, 255),
        (32, 33, 36),
        (95, 99, 104),
        False,
        "Incoming call",
        0.19,
        0.30,
        78,
        (52, 168, 83),
    ),
    "aosp": _Style(
        "aosp",
        (21, 101, 192),
        (255, 255, 255),
        (200, 220, 255),
        False,
        "Incoming call",
        0.19,
        0.30,
        72,
        (30, 142, 62),
    ),
    "samsung": _Style(
        "samsung",
        (236, 239, 241),
        (20, 20, 20),
        (90, 90, 90),
        False,
        None,
        0.44,
        0.22,
        84,
        (0, 166, 81),
        ("Decline", "Accept"),
    ),
    "ios": _Style(
        "ios",
        (58, 52, 70),
        (255, 255, 255),
        (200, 200, 205),
        True,
        None,
        None,
        0.09,
        86,
        (52, 199, 89),
        ("Decline", "Accept"),
    ),
}


@dataclass(frozen=True)
class _Pick:
    """What one screen will show, drawn from the seed before anything is painted."""

    name: str
    number: str | None
    label: tuple[str, str] | None
    mode: str  # line | name_slot | prefix
    verified: bool
    logo: bool
    reason: str | None
    type_prefix: bool
    bare_reason: bool = False  # printed without "Call reason:", as dialers do


def _pick(rnd: random.Random, style: str) -> _Pick:
    label = rnd.choice(LABELS) if rnd.random() < 0.35 else None
    mode = "line"
    if label is not None:
        mode = rnd.choices(["line", "name_slot", "prefix"], [0.7, 0.15, 0.15])[0]
        if mode == "prefix":
            label = ("[SPAM?]", "spam")
    with_avatar = style not in ("ios", "ios-banner")
    name = rnd.choice(NAMES)
    number = rnd.choice(NUMBERS) if rnd.random() < 0.9 else None
    verified = label is None and rnd.random() < 0.3
    logo = with_avatar and rnd.random() < 0.4
    reason = rnd.choice(REASONS) if rnd.random() < 0.2 else None
    type_prefix = style in ("google-dark", "google-light", "samsung") and rnd.random() < 0.3
    bare = rnd.random() < 0.5
    return _Pick(name, number, label, mode, verified, logo, reason, type_prefix, bare)


def _shown_name(
    draw: ImageDraw.ImageDraw, p: _Pick, fnt: ImageFont.FreeTypeFont, max_w: int
) -> tuple[str, str | None]:
    """(text in the name slot, the caller name a person reads in it)."""
    if p.label is not None and p.mode == "name_slot":
        return fit(draw, p.label[0], fnt, max_w), None
    if p.label is not None and p.mode == "prefix":
        shown = fit(draw, f"[SPAM?] {fit(draw, p.name, fnt, max_w - 100)}", fnt, max_w)
        return shown, shown.removeprefix("[SPAM?] ")
    shown = fit(draw, p.name, fnt, max_w)
    return shown, shown


def _draw_full(rnd: random.Random, style: str, p: _Pick) -> tuple[Image.Image, Truth]:
    st = _STYLES[style]
    img = Image.new("RGB", (W, H), st.bg)
    draw = ImageDraw.Draw(img)
    status_bar(draw, rnd, st.fg)
    x0 = 70 if st.left else W // 2
    anchor = "lm" if st.left else "mm"
    if st.status_text:
        draw.text((x0, int(0.10 * H)), st.status_text, font=font(40), fill=st.muted, anchor=anchor)
    if st.avatar_y is not None:
        avatar(img, rnd, W // 2, int(st.avatar_y * H), 105, p.logo, p.name[0].upper())
    name_font = font(st.name_size, bold=style == "samsung")
    shown_name, name = _shown_name(draw, p, name_font, W - 160 if st.left else W - 200)
    name_y = int(st.name_y * H)
    draw.text((x0, name_y), shown_name, font=name_font, fill=st.fg, anchor=anchor)
    y = name_y + int(st.name_size * 0.95)
    number_box = (0.0, 0.0, 0.0, 0.0)
    if p.number is not None:
        text = f"Mobile  {p.number}" if p.type_prefix else p.number
        draw.text((x0, y), text, font=font(46), fill=st.muted, anchor=anchor)
        number_box = draw.textbbox((x0, y), text, font=font(46), anchor=anchor)
        y += 70
    if p.verified:
        d = int(st.name_size * 0.7)
        box = draw.textbbox((x0, name_y), shown_name, font=name_font, anchor=anchor)
        by, bx = name_y, int(box[2]) + 18
        if p.number is not None and rnd.random() < 0.4:
            by, bx, d = int(number_box[1] + number_box[3]) // 2, int(number_box[2]) + 14, 44
        badge(draw, bx, by, d, st.badge_colour)
    if p.label is not None and p.mode == "line":
        if style == "samsung":
            draw.rectangle((0, y + 5, W, y + 105), fill=(211, 47, 47))
            white = (255, 255, 255)
            draw.text(
                (W // 2, y + 55), p.label[0], font=font(46, bold=True), fill=white, anchor="mm"
            )
            y += 130
        else:
            red = (234, 67, 53)
            draw.text((x0, y + 10), p.label[0], font=font(48, bold=True), fill=red, anchor=anchor)
            y += 80
    if p.reason is not None:
        reason = p.reason if p.bare_reason else f"Call reason: {p.reason}"
        draw.text((x0, y + 10), reason, font=font(40), fill=st.muted, anchor=anchor)
    distractors(draw, rnd, st.muted, int(0.62 * H), int(0.75 * H))
    buttons(draw, int(0.85 * H), st.fg, st.buttons)
    return img, _truth(style, st.dialer, name, p)


_LOG_WORDS = (
    "event",
    "handle:",
    "callId",
    "true",
    "extra",
    "duration:",
    "30000,",
    "type:",
    "appName",
)


def _draw_banner(rnd: random.Random, p: _Pick) -> tuple[Image.Image, Truth]:
    img = Image.new("RGB", (W, H), (250, 250, 250))
    draw = ImageDraw.Draw(img)
    status_bar(draw, rnd, (20, 20, 20))
    small = font(30)
    for row in range(40):
        line = " ".join(rnd.choice(_LOG_WORDS) for _ in range(rnd.randrange(4, 9)))
        draw.text((30, 330 + row * 48), line, font=small, fill=(60, 60, 60))
    draw.rounded_rectangle((24, 60, W - 24, 290), 40, fill=(44, 44, 46))
    title = font(50, bold=True)
    if p.label is not None and p.mode == "name_slot":
        shown, name = p.label[0], None
    else:
        shown = f"[SPAM?] {p.name}" if p.mode == "prefix" else p.name
        shown = fit(draw, shown, title, 700)
        name = shown.removeprefix("[SPAM?] ")
    draw.text((70, 130), shown, font=title, fill=(255, 255, 255), anchor="lm")
    label_line = p.label is not None and p.mode == "line"
    sub = p.number if p.number is not None else "mobile"
    if p.label is not None and label_line:
        sub = p.label[0]
    draw.text((70, 215), sub, font=font(38), fill=(200, 200, 205), anchor="lm")
    if p.verified:
        box = draw.textbbox((70, 130), shown, font=title, anchor="lm")
        badge(draw, int(box[2]) + 16, 130, 40, (52, 199, 89))
    for cx, colour in ((840, (255, 59, 48)), (960, (52, 199, 89))):
        draw.ellipse((cx - 48, 127, cx + 48, 223), fill=colour)
    shown_pick = dataclasses.replace(p, number=None if label_line else p.number, reason=None)
    return img, _truth("ios-banner", "ios", name, shown_pick)


def _truth(style: str, dialer: str, name: str | None, p: _Pick) -> Truth:
    return Truth(
        style=style,
        dialer=DialerKind(dialer),
        name=name,
        number="".join(ch for ch in p.number if ch.isdigit()) if p.number is not None else None,
        spam_label=p.label[0] if p.label is not None else None,
        spam_class=p.label[1] if p.label is not None else None,
        verified=p.verified,
        logo=p.logo,
        call_reason=p.reason,
    )


def render(seed: int, style: str | None = None) -> Sample:
    """One labelled screen; `seed` fixes everything, `style` forces a dialer style."""
    rnd = random.Random(seed)
    style = style or STYLES[seed % len(STYLES)]
    p = _pick(rnd, style)
    img, truth = _draw_banner(rnd, p) if style == "ios-banner" else _draw_full(rnd, style, p)
    damage = rnd.random()
    if damage < 0.3:
        scale = rnd.choice((0.667, 0.8))
        img = img.resize((int(W * scale), int(H * scale)), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    if rnd.random() < 0.4:
        img.save(out, format="JPEG", quality=rnd.randrange(55, 90))
        fmt = "jpeg"
    else:
        img.save(out, format="PNG", compress_level=1)
        fmt = "png"
    return Sample(image=out.getvalue(), truth=truth, fmt=fmt)


def generate(count: int, seed: int = 6) -> list[Sample]:
    """`count` screens from one seed, cycling through every style."""
    return [render(seed * 10_000 + i, STYLES[i % len(STYLES)]) for i in range(count)]


FIELDS = ("name", "number", "spam_label", "spam_class", "verified", "logo", "call_reason")


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(unicodedata.normalize("NFC", text).replace("...", "…").casefold().split())


def observed(reading: Reading) -> dict[str, object]:
    """A reading in the terms of `Truth`: names folded, numbers as digits."""
    return {
        "name": _norm(reading.name),
        "number": "".join(c for c in reading.number if c.isdigit()) if reading.number else None,
        "spam_label": reading.spam_label,
        "spam_class": reading.spam_class.value if reading.spam_class else None,
        "verified": reading.verified is Tristate.YES,
        "logo": bool(reading.logo),
        "call_reason": reading.call_reason,
    }


def expected(truth: Truth) -> dict[str, object]:
    return {
        "name": _norm(truth.name),
        "number": truth.number,
        "spam_label": truth.spam_label,
        "spam_class": truth.spam_class,
        "verified": truth.verified,
        "logo": truth.logo,
        "call_reason": truth.call_reason,
    }
