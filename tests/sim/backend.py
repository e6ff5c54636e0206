"""The virtual farm as a `FarmBackend` of the devices handset suite (tests/devices/backends.py):
handsets are `SimHandset`s behind the farm's own WebDriver endpoint, rung and configured
directly (no SIP), so the same suite that runs against the real Appium server runs here.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Any

from devices.appium import AppiumHandset
from devices.sim.handset import SimHandset
from devices.sim.http import WebDriverServer
from devices.sim.screen import CallScreen
from devices.sim.truth import TruthLog
from devices.sim.webdriver import WebDriverApp
from robot.domain.model import DialerKind, Platform
from robot.domain.model import Handset as HandsetSpec

_ids = itertools.count(1)


@dataclass
class SimScreen:
    """What `ring` returns: the PNG the handset shows (the suite compares captures with it)."""

    handset: SimHandset

    def png_bytes(self) -> bytes:
        return self.handset.screen().png


class SimBackend:
    name = "sim"

    def __init__(self) -> None:
        self.app = WebDriverApp({}, TruthLog())
        self.server = WebDriverServer(self.app)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        self.handsets: dict[str, SimHandset] = {}
        self._open: list[AppiumHandset] = []

    def spec(self, *, platform: Platform = Platform.ANDROID,
             dialer: DialerKind = DialerKind.GOOGLE) -> HandsetSpec:
        hid = f"sim-{platform.value}-{next(_ids)}"
        spec = HandsetSpec(id=hid, platform=platform, dialer=dialer, carrier="T-Mobile",
                           msisdn="+15550000001", appium_url=self.server.url,
                           capabilities=(("appium:udid", hid),))
        handset = SimHandset(spec)
        self.handsets[hid] = handset
        self.app.add(handset)
        return spec

    def handset(self, spec: HandsetSpec, **options: Any) -> AppiumHandset:
        options.setdefault("connect_timeout_s", 2.0)
        options.setdefault("command_timeout_s", 20.0)
        options.setdefault("poll_interval_s", 0.05)
        options.setdefault("end_timeout_s", 5.0)
        handset = AppiumHandset(spec, **options)
        self._open.append(handset)
        return handset

    def ring(self, spec: HandsetSpec, *, name: str, number: str, label: str = "",
             heads_up: bool = False) -> SimScreen:
        handset = self.handsets[spec.id]
        screen = CallScreen(number=number, name=name or None, label=label or None)
        assert handset.ring(f"ring-{next(_ids)}", screen, heads_up=heads_up)
        return SimScreen(handset)

    def hang_up(self, spec: HandsetSpec) -> None:
        handset = self.handsets[spec.id]
        ring = handset.ringing
        if ring is not None:
            handset.end(ring.call_id)

    def set_state(self, spec: HandsetSpec, **state: Any) -> None:
        self.handsets[spec.id].set_state(**state)

    def actions(self, spec: HandsetSpec) -> list[str]:
        return list(self.handsets[spec.id].state.log)

    def close(self) -> None:
        for handset in self._open:
            handset.close()
        self.server.shutdown()
        self.server.server_close()
