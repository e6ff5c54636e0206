"""What a platform strategy (Android, iOS) must answer for `AppiumHandset`, and the small
value types they answer with. Keeps the session and error handling in one place and the
per-platform knowledge (commands, ids, keys) in another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from appium.options.common.base import AppiumOptions
from appium.webdriver.webdriver import WebDriver

from devices.boundary import cause, session_lost
from robot.domain.model import DisplayState


@dataclass(frozen=True, slots=True)
class Observation:
    """One look at the handset: ringing or not, idle or not, and what is in front."""

    ringing: bool
    idle: bool
    foreground: str | None = None
    heads_up: bool = False
    how: str = ""
    # the ringing call's number as the phone's telephony reports it: "" withheld, None when
    # the platform does not say (iOS) or hides it; the engine ties the ring to our call with it
    incoming_number: str | None = None
    other_sim: bool = False  # ringing on a SIM other than the one holding the handset's number


@dataclass(frozen=True, slots=True)
class StateReport:
    """What the phone says about itself; None where the platform cannot tell."""

    battery_pct: float | None = None
    in_service: bool | None = None
    carrier_name: str | None = None
    msisdn: str | None = None
    airplane_mode: bool | None = None
    locked: bool | None = None
    hygiene: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Armed:
    """What arming a phone did: its settings snapshot, and whether it had to end a call left
    over (the phone is then watched until it is idle; otherwise it was seen idle already)."""

    settings: tuple[tuple[str, str], ...]
    ended_call: bool = False


class PlatformStrategy(Protocol):
    def options(self) -> AppiumOptions: ...

    def started(self, driver: WebDriver) -> None:
        """Settings for a new session."""
        ...

    def prepare(
        self, driver: WebDriver, display: DisplayState, watch_numbers: tuple[str, ...]
    ) -> Armed:
        """Idle, clean and in `display` state; returns the settings snapshot."""
        ...

    def observe(self, driver: WebDriver) -> Observation: ...

    def overlay(self, page_source: str | None) -> str | None:
        """The carrier spam app drawing an overlay of its own in this page source, if any."""
        ...

    def decline(self, driver: WebDriver) -> bool:
        """Decline the ringing call; False when this phone cannot (a locked iPhone)."""
        ...

    def decline_by_button(self, driver: WebDriver) -> bool: ...

    def report(
        self, driver: WebDriver, watch_numbers: tuple[str, ...], fix: bool = False
    ) -> StateReport: ...


def best_effort(read: Callable[..., str], *args: object) -> str:
    """The value, or `unknown (cause)`: one unreadable hygiene item must not fail a check.

    A lost session is not swallowed: it is re-raised so the handset gets its new session.
    """
    try:
        return read(*args)
    except Exception as exc:
        if session_lost(exc):
            raise
        return f"unknown ({cause(exc)})"


def battery_pct(level: object) -> float | None:
    """Appium reports battery as 0..1 (-1 when unknown); people read percent."""
    if isinstance(level, int | float) and not isinstance(level, bool) and level >= 0:
        return round(float(level) * 100, 1)
    return None
