"""What a simulated handset shows: the caller fields of one incoming call, the look of the
phone (dialer style, resolution), and the semantic nodes a drawing produced.

Kept apart from the drawing so the carrier (which decides what is shown), the renderer (which
draws it) and the page source (which exposes it) share one vocabulary.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

import phonenumbers

from devices.profiles import profile_for
from robot.domain.model import DialerKind


class Style(enum.StrEnum):
    """A dialer look. Android ones can also show a call as a heads-up notification."""

    GOOGLE_DARK = "google-dark"
    GOOGLE_LIGHT = "google-light"
    SAMSUNG = "samsung"
    AOSP = "aosp"
    IOS = "ios"
    IOS_BANNER = "ios-banner"
    ANDROID_HEADSUP = "android-headsup"


# Real panel resolutions (portrait, pixels) of phones farms use.
RESOLUTIONS: dict[str, tuple[int, int]] = {
    "pixel": (1080, 2400),
    "galaxy": (1080, 2340),
    "iphone": (1170, 2532),
    "iphone-mini": (1080, 2340),
    "iphone-se": (750, 1334),
    "hd": (720, 1280),
}
DEFAULT_SIZE: dict[DialerKind, tuple[int, int]] = {
    DialerKind.GOOGLE: RESOLUTIONS["pixel"],
    DialerKind.AOSP: RESOLUTIONS["pixel"],
    DialerKind.SAMSUNG: RESOLUTIONS["galaxy"],
    DialerKind.IOS: RESOLUTIONS["iphone"],
}


def full_screen_style(dialer: DialerKind, dark: bool = True) -> Style:
    """The style of a full-screen incoming call for `dialer`."""
    if dialer is DialerKind.GOOGLE:
        return Style.GOOGLE_DARK if dark else Style.GOOGLE_LIGHT
    if dialer is DialerKind.SAMSUNG:
        return Style.SAMSUNG
    if dialer is DialerKind.AOSP:
        return Style.AOSP
    return Style.IOS


def heads_up_style(dialer: DialerKind) -> Style:
    """The style of a call shown over another app (phone in use)."""
    return Style.IOS_BANNER if dialer is DialerKind.IOS else Style.ANDROID_HEADSUP


@dataclass(frozen=True, slots=True)
class CallScreen:
    """The caller fields the carrier decided to show, as the handset displays them."""

    number: str
    name: str | None = None
    label: str | None = None
    verified: bool = False
    verified_text: str | None = None  # "Caller Verified" text instead of / beside the disc
    logo_url: str | None = None
    call_reason: str | None = None
    # a label drawn by the carrier's spam app in an overlay of its own (package, text)
    overlay_app: str | None = None
    overlay: str | None = None


@dataclass(frozen=True, slots=True)
class Look:
    """How the phone draws: style, resolution, the status-bar clock and carrier name."""

    style: Style
    width: int
    height: int
    clock: str = "10:42"
    carrier: str = ""
    locale: str = "en-US"


@dataclass(frozen=True, slots=True)
class Node:
    """One semantic thing on screen (a text, a button, the avatar) with its pixel bounds.

    `key` is the dialers.yaml `resource_ids` key (name, number, label, status, photo, decline,
    answer) or "" for decoration; page sources and WebDriver elements are built from these.
    """

    key: str
    text: str
    box: tuple[int, int, int, int]  # left, top, right, bottom
    kind: str = "text"  # text | button | image

    @property
    def clickable(self) -> bool:
        return self.kind == "button"


def display_number(number: str) -> str:
    """An E.164 number as phones print it (`+12025550181` -> `+1 202-555-0181`)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_ACCEPT = {"fr": "Accepter", "es": "Aceptar", "de": "Annehmen", "zh": "接听"}


def decline_word(locale: str) -> tuple[str, str]:
    """(Decline, Accept) in the handset's language. Decline comes from dialers.yaml, the same
    table `AppiumHandset` finds the button by, so the two can never disagree."""
    decline = profile_for(DialerKind.IOS).decline_label(locale)
    return decline, _ACCEPT.get(locale.split("-")[0].lower(), "Accept")


_FOREIGN_AREAS = ("312", "415", "786", "305", "646", "702", "213", "917")
_FOREIGN_LOOKS: tuple[tuple[str | None, str | None], ...] = (
    (None, None), ("WIRELESS CALLER", None), (None, "Scam Likely"), ("HEALTH PLAN", None),
    (None, "Spam Risk"), ("J SMITH", None),
)


def foreign_screen(rng: random.Random, withheld: float) -> CallScreen:
    """Somebody else's call as the phone shows it: a random US number (or a withheld one),
    sometimes with a CNAM name or a spam label."""
    if rng.random() < withheld:
        return CallScreen(number="", name="Private number")
    number = f"+1{rng.choice(_FOREIGN_AREAS)}555{rng.randrange(200, 9999):04d}"
    name, label = rng.choice(_FOREIGN_LOOKS)
    return CallScreen(number=number, name=name, label=label)
