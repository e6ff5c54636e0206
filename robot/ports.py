"""The interfaces the engine composes: each adapter (SIP, Appium, OCR, store) implements one.

Kept as small `typing.Protocol`s so tests use fakes that implement them instead of mocks, and
so `devices` and the virtual farm plug in without the robot importing them.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from robot.domain.model import (
    Attempt,
    Attestation,
    DialerKind,
    DisplayState,
    Reading,
    Run,
    SipEvent,
    SipOutcome,
    Surface,
    Trunk,
)

# --- clock -------------------------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC wall time, for records."""
        ...

    def monotonic(self) -> float:
        """Seconds on a monotonic clock, for deadlines and durations."""
        ...


# --- SIP ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DialRequest:
    """One call to place. `to` is an E.164 number (routed by `trunk`) or a `sip:` URI."""

    from_number: str
    to: str
    trunk: Trunk | None = None
    ring_timeout_s: float = 30.0
    max_duration_s: float = 60.0
    attestation: Attestation | None = None
    headers: tuple[tuple[str, str], ...] = ()
    auth_user: str | None = None
    rcd_name: str | None = None  # Rich Call Data (RFC 9795), signed into the PASSporT
    rcd_logo_url: str | None = None
    call_reason: str | None = None


class LiveCall(Protocol):
    """A call in flight; our side always ends it (CANCEL while early, BYE once answered)."""

    @property
    def call_id(self) -> str: ...

    def events(self) -> Sequence[SipEvent]:
        """Responses seen so far."""
        ...

    def wait_for_event(self, seen: int, timeout_s: float) -> bool:
        """Block until more than `seen` responses have arrived or the call has ended (True),
        or `timeout_s` has passed (False): the network's news as it comes, without polling."""
        ...

    def wait(self, timeout_s: float) -> SipOutcome | None:
        """The outcome once the call has ended, or None if it is still up after timeout_s."""
        ...

    def hang_up(self) -> SipOutcome:
        """End the call from our side and return its outcome once the dialog is over."""
        ...

    def trace(self) -> str:
        """Every SIP message of this call, sent and received, as text."""
        ...


class Dialer(Protocol):
    def place(self, request: DialRequest) -> LiveCall: ...

    def close(self) -> None:
        """End every live call and release the SIP stack."""
        ...


# --- handsets ----------------------------------------------------------------------------


class EndHow(enum.StrEnum):
    DECLINE = "decline"
    CALLER_CANCEL = "caller_cancel"


@dataclass(frozen=True, slots=True)
class RingObservation:
    """When and how the handset was seen ringing."""

    at: datetime
    how: str
    foreground: str | None = None
    heads_up: bool = False
    # The ringing call's number as the phone's telephony said it: "" withheld, None when the
    # platform does not tell (iOS) or hides it. Ties the ring to our call (robot.domain.caller).
    incoming_number: str | None = None


@dataclass(frozen=True, slots=True)
class Capture:
    """One frame of the incoming-call screen with what the handset said about it."""

    png: bytes
    page_source: str | None
    at: datetime
    # the carrier spam app (package) whose own overlay window was on screen: a label read off
    # this frame was drawn by that app, not by the dialer (`LabelSource.CARRIER_APP`)
    overlay: str | None = None


@dataclass(frozen=True, slots=True)
class HandsetHealth:
    """Reachability, radio state and the hygiene that falsifies results on real phones."""

    handset_id: str
    reachable: bool
    error: str | None = None
    battery_pct: float | None = None
    in_service: bool | None = None
    carrier_name: str | None = None
    msisdn: str | None = None
    airplane_mode: bool | None = None
    locked: bool | None = None
    hygiene: tuple[tuple[str, str], ...] = field(default=())

    @property
    def healthy(self) -> bool:
        return self.reachable and self.in_service is not False and self.airplane_mode is not True


Settings = tuple[tuple[str, str], ...]
"""The phone's settings snapshot: (setting, state) pairs such as ("dnd", "0")."""


class Handset(Protocol):
    def prepare(self, display_state: DisplayState = DisplayState.LOCKED) -> Settings:
        """Session up, idle, leftovers dismissed, the phone cleaned, then put in
        `display_state` (locked: screen off; in use: unlocked with an app open). Returns the
        settings snapshot the attempt keeps."""
        ...

    def wait_for_incoming(self, deadline: float) -> RingObservation | None:
        """Block until the handset rings or the monotonic `deadline` passes (None)."""
        ...

    def capture(self, frames: int = 1, interval_s: float = 0.3) -> Sequence[Capture]: ...

    def end_call(self, how: EndHow) -> bool:
        """End the incoming call; True once the handset is idle again. False at once for a
        DECLINE the phone cannot do (a locked iPhone has no Decline button): cancel instead."""
        ...

    def dismiss(self, ring: RingObservation) -> bool:
        """Get a foreign call off the screen without touching ours: decline it (or, where the
        phone cannot, wait for it to end) until the phone is idle or another call rings."""
        ...

    def close(self) -> None: ...


class HandsetProbe(Protocol):
    def health(self) -> HandsetHealth: ...


# --- screen reading ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """One screenshot to read, with what is known about how it was taken.

    Nothing here says what the screen should show: reading is blind. `languages` are the
    handset's locale ("fr-CA"), language tags ("zh-Hant"), Tesseract packs ("fra") or "auto".
    `expected_logo` (the bytes of the number's logo file) asks for `Reading.logo_matches`, a
    comparison reported beside the reading that never changes the name, number or label.
    `surface_hint` is what the handset said about how the call was drawn (full screen or a
    heads-up card / banner); the reader checks it against the picture and may overrule it.
    `urgent`: a handset waits on this read with a call ringing (tying the ring to our call);
    a shared reader takes it before the screens of calls already over.
    """

    image: bytes
    dialer: DialerKind | None = None
    languages: tuple[str, ...] = ("auto",)
    page_source: str | None = None
    expected_logo: bytes | None = None
    surface_hint: Surface | None = None
    urgent: bool = False


class ScreenReader(Protocol):
    def read(self, request: ReadRequest) -> Reading: ...


# --- results -----------------------------------------------------------------------------


class ResultStore(Protocol):
    """Where runs and attempts go, written as they happen so an interrupted run keeps them."""

    def start_run(self, run: Run) -> Run: ...

    def record_attempt(self, attempt: Attempt) -> Attempt:
        """Insert (no id) or complete (with id) an attempt; returns it with its id."""
        ...

    def finish_run(self, run: Run) -> None: ...
