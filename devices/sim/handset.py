"""A simulated handset's state: idle or ringing with one call, what its screen shows now, and
what it reports about itself (call state, foreground app, battery), thread-safe.

The carrier side moves it to ringing and back to idle; the WebDriver side reads it and can
decline (ENDCALL key or the Decline button), which is passed back to the carrier through
`on_decline` so the caller gets the decline over SIP like from a real phone.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devices.profiles import profile_for
from devices.sim.config import HandsetSim
from devices.sim.pagesource import android_source, ios_source
from devices.sim.render import Rendered, render_call, render_idle
from devices.sim.screen import (
    DEFAULT_SIZE,
    CallScreen,
    Look,
    full_screen_style,
    heads_up_style,
)
from robot.domain.model import DialerKind, Platform
from robot.domain.model import Handset as HandsetSpec

IOS_INCALL = "com.apple.InCallService"
IOS_HOME = "com.apple.springboard"
ANDROID_HOME = ("com.google.android.apps.nexuslauncher", ".NexusLauncherActivity")


@dataclass(frozen=True, slots=True)
class Ring:
    call_id: str
    screen: CallScreen
    heads_up: bool
    locked: bool = False  # rang on the lock screen (iOS: slide to answer, no Decline)
    slot: int = 0  # the SIM it rang on


@dataclass
class PhoneState:
    """What the phone reports about itself and the faults it shows; changed at run time by
    `set_state` (tests, `POST /sim/handsets/<id>/state`) with the keys the Appium test plugin
    uses, so one handset suite drives both."""

    battery: float = 0.87
    locked: bool = False
    passcode: bool = False
    in_service: bool = True
    carrier: str = ""
    msisdn: str = ""
    contacts: list[str] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    packages: dict[str, str] = field(default_factory=dict)
    foreground: tuple[str, str] | None = None  # an app in front: calls show as heads-up
    notifications: int = 0
    shade: bool = False  # the notification shade is open
    call_log: list[str] = field(default_factory=list)  # numbers of calls that rang
    faults: dict[str, Any] = field(default_factory=dict)
    screenshots: int = 0
    log: list[str] = field(default_factory=list)


_STATE_KEYS = {"battery": "battery", "locked": "locked", "inService": "in_service",
               "carrier": "carrier", "msisdn": "msisdn", "contacts": "contacts",
               "settings": "settings", "packages": "packages", "faults": "faults",
               "screenshots": "screenshots", "passcode": "passcode",
               "notifications": "notifications", "callLog": "call_log"}


class SimHandset:
    """One simulated phone (see module docstring)."""

    def __init__(self, spec: HandsetSpec, settings: HandsetSim | None = None,
                 clock_text: str = "10:42") -> None:
        self.spec = spec
        self.settings = settings or HandsetSim()
        self._lock = threading.Lock()
        self._ring: Ring | None = None
        self._cache: tuple[Ring | None, Rendered] | None = None
        self.on_decline: Callable[[str, str], None] = lambda call_id, handset_id: None
        s = self.settings
        self.state = PhoneState(battery=s.battery, locked=s.locked, passcode=s.passcode,
                                in_service=s.in_service, carrier=spec.carrier,
                                msisdn=spec.msisdn, contacts=list(s.contacts),
                                settings=dict(s.settings), packages=dict(s.apps),
                                notifications=s.notifications)
        width, height = self.settings.resolution or DEFAULT_SIZE[spec.dialer]
        self._full = Look(full_screen_style(spec.dialer, self.settings.theme == "dark"), width,
                          height, clock_text, _short_carrier(spec.carrier), spec.locale)
        self._banner = Look(heads_up_style(spec.dialer), width, height, clock_text,
                            _short_carrier(spec.carrier), spec.locale)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def ios(self) -> bool:
        return self.spec.platform is Platform.IOS

    # --- carrier side -----------------------------------------------------------------------

    def ring(self, call_id: str, screen: CallScreen, heads_up: bool | None = None,
             slot: int = 0) -> bool:
        """Start ringing; False when already in a call (the carrier then says busy).

        A locked phone shows the call full screen; an unlocked one with an app in front (or
        whose owner is using it, `heads_up`) shows a heads-up card / banner. The call lands in
        the call log, as on a phone."""
        with self._lock:
            if self._ring is not None:
                return False
            locked = self.state.locked
            in_use = not locked and (self.settings.heads_up or self.state.foreground is not None)
            self._ring = Ring(call_id, screen, in_use if heads_up is None else heads_up,
                              locked=locked, slot=slot)
            self.state.call_log.append(screen.number)
            self.state.shade = False
            return True

    def dnd_on(self) -> bool:
        """Do Not Disturb (any zen mode but 0): calls from strangers do not show at all."""
        with self._lock:
            return self.state.settings.get("zen_mode", "0") not in ("0", "null")

    def end(self, call_id: str) -> bool:
        """The call is over on the network side (CANCEL, ring-out, decline answered)."""
        with self._lock:
            if self._ring is None or self._ring.call_id != call_id:
                return False
            self._ring = None
            return True

    # --- handset side -----------------------------------------------------------------------

    @property
    def ringing(self) -> Ring | None:
        with self._lock:
            return self._ring

    def set_state(self, **changes: Any) -> None:
        """Change what the phone reports (`inService=False`, `faults={...}`, `package=...`)."""
        with self._lock:
            for key, value in changes.items():
                if key in ("package", "activity", "bundleId"):
                    package, activity = self.state.foreground or ("", "")
                    if key == "activity":
                        activity = str(value)
                    else:
                        package = str(value)
                    self.state.foreground = (package, activity)
                elif key in _STATE_KEYS:
                    setattr(self.state, _STATE_KEYS[key], value)
                else:
                    raise KeyError(f"unknown handset state `{key}`")

    def note(self, action: str) -> None:
        """Record what the robot did to the phone (read back by tests)."""
        with self._lock:
            self.state.log.append(action)

    def decline(self) -> bool:
        """The owner declines: the network is told; the screen goes idle at once."""
        with self._lock:
            ring, self._ring = self._ring, None
        if ring is None:
            return False
        self.on_decline(ring.call_id, self.id)
        return True

    def call_state(self) -> int:
        """Android TelephonyManager call state: 0 idle, 1 ringing (2 off-hook never happens)."""
        return 1 if self.ringing else 0

    def unlock(self) -> None:
        """Swipe the lock screen away; a passcode keeps the phone locked."""
        with self._lock:
            if not self.state.passcode:
                self.state.locked = False

    def lock(self) -> None:
        """Screen off and locked: the next call shows full screen."""
        with self._lock:
            self.state.locked = True
            self.state.shade = False

    def open_app(self, package: str) -> None:
        with self._lock:
            if not self.state.locked:
                self.state.foreground = (package, ".MainActivity" if not self.ios else "")
                self.state.shade = False

    def set_setting(self, key: str, value: str) -> None:
        with self._lock:
            self.state.settings[key] = value

    def open_shade(self) -> None:
        with self._lock:
            self.state.shade = not self.state.locked

    def close_shade(self) -> None:
        with self._lock:
            self.state.shade = False

    def clear_notifications(self) -> None:
        with self._lock:
            self.state.notifications = 0

    def go_home(self) -> None:
        with self._lock:
            self.state.foreground = None
            self.state.shade = False

    def screen(self) -> Rendered:
        """The current screen, drawn once per state (screenshots are polled repeatedly)."""
        ring = self.ringing
        with self._lock:
            if self._cache is not None and self._cache[0] == ring:
                return self._cache[1]
        if ring is None:
            drawn = _idle_screen(self._full)
        else:
            look = self._banner if ring.heads_up else self._full
            app = self.state.foreground[0] if ring.heads_up and self.state.foreground else None
            drawn = _call_screen(ring.screen, look, ring.locked, app)
        with self._lock:
            self._cache = (ring, drawn)
        return drawn

    def page_source(self) -> str:
        drawn = self.screen()
        ring = self.ringing
        if self.ios:
            bundle = IOS_INCALL if ring is not None and not ring.heads_up else IOS_HOME
            nodes = drawn.nodes if ring is not None else ()
            return ios_source(nodes, bundle, drawn.width, drawn.height)
        package, _ = self.foreground()
        nodes = drawn.nodes if ring is not None else ()
        return android_source(nodes, self.spec.dialer, package, drawn.width, drawn.height,
                              heads_up=ring is not None and ring.heads_up,
                              overlay_package=ring.screen.overlay_app if ring else None)

    def foreground(self) -> tuple[str, str]:
        """(package or bundle id, activity) in front right now."""
        ring = self.ringing
        in_front = self.state.foreground
        if self.ios:
            if ring is not None and not ring.heads_up:
                return IOS_INCALL, ""
            return (in_front[0] if in_front else IOS_HOME), ""
        if ring is None or ring.heads_up:
            return in_front or ANDROID_HOME
        profile = profile_for(self.spec.dialer)
        package = profile.packages[0]
        if self.spec.dialer is DialerKind.SAMSUNG:
            package = "com.samsung.android.incallui"
        activity = (profile.incall_activities or ("com.android.incallui.InCallActivity",))[0]
        return package, activity


@functools.lru_cache(maxsize=16)
def _idle_screen(look: Look) -> Rendered:
    """The home screen, drawn once per look for every handset: drawing and encoding it took
    ~40 ms of the farm's CPU after every call."""
    return render_idle(look)


@functools.lru_cache(maxsize=128)  # at most ~300 KB a screen
def _call_screen(screen: CallScreen, look: Look, locked: bool, app: str | None) -> Rendered:
    """An incoming-call screen, drawn once per distinct content (the same pixels every time:
    `devices.sim.render`); a farm calling the same numbers redrew them 40-90 ms each."""
    return render_call(screen, look, locked=locked, app=app)


def _short_carrier(name: str) -> str:
    """Status-bar carrier text: `sim-tmobile` -> `tmobile`."""
    return name.removeprefix("sim-")[:12]
