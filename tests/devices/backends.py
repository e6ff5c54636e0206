"""Farm backends the handset suite runs against: the real Appium server's fake driver
scripted by our plugin now; the virtual farm (devices/sim) joins by implementing `FarmBackend`
and adding its name to `BACKENDS` (and a branch in conftest's `farm_backend`).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Protocol

from devices.appium import AppiumHandset
from devices.profiles import profile_for
from robot.domain.model import DialerKind, Platform
from robot.domain.model import Handset as HandsetSpec
from tests.devices.appium_peer import AppiumServer
from tests.devices.screens import LAUNCHER, Screen, idle_screen, ringing_screen

BACKENDS = ["appium-fake"]
_ids = itertools.count(1)


class FarmBackend(Protocol):
    """A place handsets live in for tests: make one ring, hang up, break it, see what it did."""

    name: str

    def spec(self, *, platform: Platform = ..., dialer: DialerKind = ...) -> HandsetSpec: ...

    def handset(self, spec: HandsetSpec, **options: Any) -> AppiumHandset: ...

    def ring(self, spec: HandsetSpec, *, name: str, number: str, label: str = "",
             heads_up: bool = False) -> Screen: ...  # fmt: skip

    def hang_up(self, spec: HandsetSpec) -> None: ...

    def set_state(self, spec: HandsetSpec, **state: Any) -> None: ...

    def actions(self, spec: HandsetSpec) -> list[str]: ...


class AppiumFakeBackend:
    """Handsets on the real Appium server's fake driver, scripted through our plugin."""

    name = "appium-fake"

    def __init__(self, server: AppiumServer, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.idle = idle_screen(folder)
        self._open: list[AppiumHandset] = []

    def _idle_state(self, spec: HandsetSpec) -> dict[str, Any]:
        if spec.platform is Platform.IOS:
            return {"xml": str(self.idle.xml), "png": str(self.idle.png),
                    "bundleId": "com.apple.springboard"}  # fmt: skip
        return {"xml": str(self.idle.xml), "png": str(self.idle.png),
                "package": LAUNCHER[0], "activity": LAUNCHER[1]}  # fmt: skip

    def spec(
        self, *, platform: Platform = Platform.ANDROID, dialer: DialerKind = DialerKind.GOOGLE
    ) -> HandsetSpec:
        handset_id = f"fake-{platform.value}-{next(_ids)}"
        spec = HandsetSpec(
            id=handset_id, platform=platform, dialer=dialer, carrier="T-Mobile",
            msisdn="+15550000001", appium_url=self.server.url,
            capabilities=(
                ("platformName", "Fake"), ("appium:automationName", "Fake"),
                ("appium:app", str(self.idle.xml)), ("appium:udid", handset_id),
            ),
        )  # fmt: skip
        idle = self._idle_state(spec)
        self.server.set_phone(handset_id, platform=platform.value, callState=0, idle=idle, **idle)
        return spec

    def handset(self, spec: HandsetSpec, **options: Any) -> AppiumHandset:
        options.setdefault("connect_timeout_s", 2.0)
        options.setdefault("command_timeout_s", 20.0)
        options.setdefault("poll_interval_s", 0.05)
        options.setdefault("end_timeout_s", 5.0)
        handset = AppiumHandset(spec, **options)
        self._open.append(handset)
        return handset

    def ring(
        self, spec: HandsetSpec, *, name: str, number: str, label: str = "", heads_up: bool = False
    ) -> Screen:
        screen = ringing_screen(self.folder, spec.dialer, name, number, label, heads_up)
        state: dict[str, Any] = {"callState": 1, "xml": str(screen.xml), "png": str(screen.png),
                                 "incomingNumber": number}  # fmt: skip
        if spec.platform is Platform.IOS:
            state["declineId"] = "Decline"
            if not heads_up:
                state["bundleId"] = "com.apple.InCallService"
        else:
            profile = profile_for(spec.dialer)
            state["declineId"] = profile.resource_id("decline")
            state["declineBy"] = profile.decline_gesture
            if not heads_up:
                state.update(package=profile.packages[0],
                             activity="com.android.incallui.InCallActivity")  # fmt: skip
        self.server.set_phone(spec.id, **state)
        return screen

    def hang_up(self, spec: HandsetSpec) -> None:
        self.server.set_phone(spec.id, callState=0, **self._idle_state(spec))

    def set_state(self, spec: HandsetSpec, **state: Any) -> None:
        self.server.set_phone(spec.id, **state)

    def actions(self, spec: HandsetSpec) -> list[str]:
        return list(self.server.phone(spec.id)["log"])

    def close(self) -> None:
        for handset in self._open:
            handset.close()
