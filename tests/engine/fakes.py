"""Fakes implementing our ports for engine tests: a tiny network joining dialer and handsets.

Each called number gets a behaviour: ring (the handset rings and shows a screen), block, silent
drop, voicemail, a vanishing handset. The network counts live calls so tests can assert that
none is left up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from robot.domain.model import DisplayState, Reading, Reason, SipEvent, SipOutcome
from robot.domain.model import Handset as HandsetSpec
from robot.errors import DeviceError, PartialCaptureError
from robot.ports import Capture, DialRequest, EndHow, HandsetHealth, ReadRequest, RingObservation


@dataclass
class Behaviour:
    kind: str  # ring | block | silent | voicemail | vanish
    screen: bytes = b"screen"


class FakeCall:
    def __init__(self, network: FakeNetwork, request: DialRequest, behaviour: Behaviour) -> None:
        self.network = network
        self.request = request
        self.behaviour = behaviour
        self._events: list[SipEvent] = [SipEvent(100, "Trying", 1.0)]
        self._outcome: SipOutcome | None = None
        self._ended = threading.Event()
        self.call_id = f"call-{id(self)}"
        if behaviour.kind == "block":
            self._end(603, "Network Blocked", reason=Reason("SIP", 603, "Network Blocked"))
        elif behaviour.kind == "voicemail":
            self._events.append(SipEvent(200, "OK", 5.0))
        else:
            self._events.append(SipEvent(180, "Ringing", 3.0))

    def _end(self, code: int, phrase: str, *, reason: Reason | None = None, **kw: bool) -> None:
        self._events.append(SipEvent(code, phrase, 10.0))
        self._outcome = SipOutcome(
            call_id=self.call_id,
            events=tuple(self._events),
            final_code=code,
            final_phrase=phrase,
            reason=reason,
            **kw,
        )
        self._ended.set()
        self.network.ended(self)

    def events(self) -> Sequence[SipEvent]:
        return list(self._events)

    def wait_for_event(self, seen: int, timeout_s: float) -> bool:
        return len(self._events) > seen or self._ended.wait(timeout_s)

    def wait(self, timeout_s: float) -> SipOutcome | None:
        self._ended.wait(timeout_s)
        return self._outcome

    def hang_up(self) -> SipOutcome:
        if self._outcome is None:
            answered = any(e.code == 200 for e in self._events)
            if answered:
                self._end(200, "OK", answered=True)
            else:
                self._end(487, "Request Terminated", cancelled_by_us=True)
        assert self._outcome is not None
        return self._outcome

    def trace(self) -> str:
        return f"INVITE sip:{self.request.to} SIP/2.0\r\nCall-ID: {self.call_id}\r\n"


class FakeNetwork:
    """Routes a dialled number to a FakeHandset according to its behaviour."""

    def __init__(self) -> None:
        self.behaviours: dict[str, Behaviour] = {}
        self.handsets: dict[str, FakeHandset] = {}
        self.live: set[FakeCall] = set()
        self.placed: list[DialRequest] = []
        self._lock = threading.Lock()

    # Dialer port
    def place(self, request: DialRequest) -> FakeCall:
        behaviour = self.behaviours.get(request.from_number, Behaviour("ring"))
        call = FakeCall(self, request, behaviour)
        with self._lock:
            self.placed.append(request)
            if call.wait(0) is None:
                self.live.add(call)
        handset = self.handsets.get(request.to)
        if handset is not None and behaviour.kind == "ring":
            handset.ring(call)
        return call

    def close(self) -> None:
        for call in list(self.live):
            call.hang_up()

    def ended(self, call: FakeCall) -> None:
        with self._lock:
            self.live.discard(call)
        for handset in self.handsets.values():
            handset.call_ended(call)


@dataclass
class FakeHandset:
    msisdn: str
    vanish: bool = False
    heads_up: bool = False  # the call shows as a heads-up card over an app in use
    frames_before_loss: int | None = None  # the session is lost after this many frames
    says_number: bool = True  # telephony reports the caller's number (Android); iOS: False
    overlay: str | None = None  # a carrier spam app's overlay window on every frame
    foreign: list[tuple[str, bytes]] = field(default_factory=list)  # calls ringing before ours
    ringing: FakeCall | None = None
    foreign_ringing: tuple[str, bytes] | None = None
    prepared: list[DisplayState] = field(default_factory=list)
    declined: int = 0
    dismissed: list[str | None] = field(default_factory=list)
    settings: tuple[tuple[str, str], ...] = (("dnd", "0"),)
    _rang: threading.Event = field(default_factory=threading.Event)

    def ring(self, call: FakeCall) -> None:
        """Our call waits behind the next foreign call, as call waiting does."""
        self.ringing = call
        if self.foreign:
            self.foreign_ringing = self.foreign.pop(0)
        self._rang.set()

    def call_ended(self, call: FakeCall) -> None:
        if self.ringing is call:
            self.ringing = None
            self.foreign_ringing = None
            self._rang.clear()

    def prepare(self, display_state: DisplayState = DisplayState.LOCKED) -> tuple[
        tuple[str, str], ...
    ]:
        self.prepared.append(display_state)
        return self.settings

    def wait_for_incoming(self, deadline: float) -> RingObservation | None:
        if self.vanish:
            raise DeviceError("Appium session lost: handset vanished")
        if self._rang.wait(max(0.0, deadline - time.monotonic())):
            number: str | None = None
            if self.foreign_ringing is not None:
                number = self.foreign_ringing[0]
            elif self.ringing is not None:
                number = self.ringing.request.from_number
            return RingObservation(at=datetime.now(UTC), how="fake", heads_up=self.heads_up,
                                   incoming_number=number if self.says_number else None)
        return None

    def dismiss(self, ring: RingObservation) -> bool:
        self.dismissed.append(ring.incoming_number)
        self.foreign_ringing = None
        return True

    def capture(self, frames: int = 1, interval_s: float = 0.3) -> Sequence[Capture]:
        assert self.ringing is not None
        screen = self.ringing.behaviour.screen
        if self.foreign_ringing is not None:
            screen = self.foreign_ringing[1]
        taken = [
            Capture(screen, "<hierarchy/>", datetime.now(UTC), overlay=self.overlay)
            for _ in range(frames)
        ]
        if self.frames_before_loss is not None and self.frames_before_loss < frames:
            raise PartialCaptureError("session lost mid-capture", taken[: self.frames_before_loss])
        return taken

    def end_call(self, how: EndHow) -> bool:
        if how is EndHow.DECLINE and self.ringing is not None:
            self.declined += 1
            self.ringing._end(603, "Decline")
        return True

    def close(self) -> None:
        pass


class FakeReader:
    """Returns the reading registered for a screen's bytes; remembers every request."""

    def __init__(self, readings: dict[bytes, Reading]) -> None:
        self.readings = readings
        self.requests: list[ReadRequest] = []

    def read(self, request: ReadRequest) -> Reading:
        self.requests.append(request)
        return self.readings.get(request.image, Reading(engine="fake"))


class ManualClock:
    """A fixed clock that moves only when told (or when something sleeps on it)."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.elapsed_s = 0.0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.at + timedelta(seconds=self.elapsed_s)

    def monotonic(self) -> float:
        return self.elapsed_s

    def sleep(self, seconds: float) -> bool:
        """Pass time at once; never stopping."""
        self.slept.append(seconds)
        self.elapsed_s += seconds
        return False


class FakeAvailability:
    """Which handsets are in service, as `robot.prepare.HandsetAvailability` asks it."""

    def __init__(
        self,
        disabled: set[str] | None = None,
        quarantined: set[str] | None = None,
        healthy_again: set[str] | None = None,
    ) -> None:
        self.disabled = disabled or set()
        self.in_quarantine = quarantined or set()
        self.healthy_again = healthy_again or set()
        self.probed: list[str] = []

    def enabled(self, spec: HandsetSpec) -> bool:
        return spec.enabled and spec.id not in self.disabled

    def quarantined(self, handset_id: str) -> bool:
        return handset_id in self.in_quarantine

    def recover_quarantined(self, specs: Sequence[HandsetSpec]) -> list[HandsetHealth]:
        out = []
        for spec in specs:
            if spec.id not in self.in_quarantine:
                continue
            self.probed.append(spec.id)
            healthy = spec.id in self.healthy_again
            if healthy:
                self.in_quarantine.discard(spec.id)
            out.append(HandsetHealth(spec.id, reachable=healthy, error=None if healthy else "x"))
        return out
