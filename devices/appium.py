"""`AppiumHandset`: one real phone behind one Appium server, as a `Handset` and `HandsetProbe`.

One long-lived session per handset, because creating a UiAutomator2/XCUITest session takes
seconds to a minute and a ring lasts about thirty. When the session is lost (server restart,
session timeout) the action is tried once more on a new session; if that fails too, the handset
is marked unhealthy and the caller gets a `DeviceError` naming the handset, the action and the
cause. Library exceptions never leave this module (see `devices.boundary`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import httpx
from appium import webdriver
from appium.webdriver.client_config import AppiumClientConfig
from appium.webdriver.webdriver import WebDriver
from selenium.common.exceptions import StaleElementReferenceException

from devices.android import AndroidStrategy
from devices.boundary import cause, device_error, session_lost
from devices.ios import IosStrategy
from devices.platform import Observation, PlatformStrategy
from devices.profiles import profile_for, spam_apps_for
from robot.clock import SystemClock
from robot.domain.model import DisplayState, Platform
from robot.domain.model import Handset as HandsetSpec
from robot.errors import DeviceError, PartialCaptureError
from robot.once import built_once
from robot.ports import Capture, Clock, EndHow, HandsetHealth, RingObservation, Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIRST_POLL_S = 0.02
"""The first pause while waiting for the phone to change (idle after we end a call, a foreign
call gone): it usually changes within tens of milliseconds, and a full poll interval there
was time the handset sat idle. Pauses double up to `poll_interval_s`."""


def strategy_for(spec: HandsetSpec, spam_apps: tuple[str, ...] | None = None) -> PlatformStrategy:
    profile = profile_for(spec.dialer)
    if spec.platform is Platform.IOS:
        return IosStrategy(spec, profile)
    return AndroidStrategy(spec, profile, spam_apps_for(spec.carrier, spam_apps))


class AppiumHandset:
    """A farm phone driven through its Appium server (see docs/real-farm.md)."""

    def __init__(
        self,
        spec: HandsetSpec,
        *,
        connect_timeout_s: float = 5.0,
        command_timeout_s: float = 30.0,
        session_start_timeout_s: float = 120.0,
        poll_interval_s: float = 0.25,
        end_timeout_s: float = 10.0,
        watch_numbers: Sequence[str] = (),
        spam_apps: Sequence[str] | None = None,
        fix_settings: bool = False,
        clock: Clock | None = None,
    ) -> None:
        """`watch_numbers`: our own numbers (saved contacts and call-log entries of them
        falsify results); `spam_apps`: the carrier's spam-filter apps (default: dialers.yaml);
        `fix_settings`: `health()` also puts right what it may (`devices check --fix`)."""
        self.spec = spec
        self._connect_timeout_s = connect_timeout_s
        self._command_timeout_s = command_timeout_s
        self._session_start_timeout_s = session_start_timeout_s
        self._poll_interval_s = poll_interval_s
        self._end_timeout_s = end_timeout_s
        self._watch = tuple(watch_numbers)
        self._fix = fix_settings
        self._clock: Clock = clock or SystemClock()
        self._strategy = strategy_for(spec, None if spam_apps is None else tuple(spam_apps))
        self._driver: WebDriver | None = None
        self._closed = threading.Event()
        self.unhealthy: str | None = None

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def base_url(self) -> str:
        return self.spec.appium_url.rstrip("/")

    # --- Handset --------------------------------------------------------------------------

    def prepare(self, display_state: DisplayState = DisplayState.LOCKED) -> Settings:
        """Session up, no leftover call, a clean phone in `display_state`; a fresh chance for
        an unhealthy handset. Returns the settings snapshot. The phone is watched until idle
        only when arming ended a call; seen idle, it needs no second look (a call ringing since
        is the attempt's to tie to ours or dismiss)."""
        self.unhealthy = None
        self._closed.clear()
        armed = self._do(
            f"preparing ({display_state.value})",
            lambda d: self._strategy.prepare(d, display_state, self._watch),
        )
        if armed.ended_call and not self._wait_idle(self._end_timeout_s):
            raise DeviceError(f"handset {self.id}: still in a call after dismissing leftovers")
        return armed.settings

    def wait_for_incoming(self, deadline: float) -> RingObservation | None:
        while True:
            seen = self._do("watching for the incoming call", self._strategy.observe)
            if seen.ringing:
                return RingObservation(
                    at=self._clock.now(),
                    how=seen.how,
                    foreground=seen.foreground,
                    heads_up=seen.heads_up,
                    incoming_number=seen.incoming_number,
                )
            remaining = deadline - self._clock.monotonic()
            if remaining <= 0 or self._closed.wait(min(self._poll_interval_s, remaining)):
                return None

    def capture(self, frames: int = 1, interval_s: float = 0.3) -> Sequence[Capture]:
        """`frames` screenshots `interval_s` apart: names and labels often appear late."""
        taken: list[Capture] = []
        for index in range(max(1, frames)):
            if index and self._closed.wait(interval_s):
                break
            try:
                taken.append(self._do(f"capturing frame {index + 1} of {frames}", self._frame))
            except DeviceError as exc:
                raise PartialCaptureError(str(exc), taken) from exc
        return taken

    def end_call(self, how: EndHow) -> bool:
        """Decline on the handset (ENDCALL key, then the Decline button) or wait for CANCEL."""
        if how is EndHow.DECLINE:
            if not self._do("declining the call", self._strategy.decline):
                return False  # this phone cannot decline now: the caller must cancel
            if self._wait_idle(self._end_timeout_s / 2):
                return True
            self._do("tapping Decline", self._tap_decline)
            return self._wait_idle(self._end_timeout_s / 2)
        return self._wait_idle(self._end_timeout_s)

    def dismiss(self, ring: RingObservation) -> bool:
        """Decline a foreign call and wait until that call is gone: idle, or a call with
        another number ringing (ours, waiting behind it). Never taps Decline on a call whose
        number differs from the foreign one's."""
        declined = self._do("declining a foreign call", self._strategy.decline)
        wait_s = self._end_timeout_s / 2 if declined else self._end_timeout_s * 3
        if self._wait_gone(ring, wait_s):
            return True
        seen = self._do("checking the foreign call", self._strategy.observe)
        if seen.ringing and seen.incoming_number == ring.incoming_number:
            self._do("tapping Decline", self._tap_decline)
        return self._wait_gone(ring, self._end_timeout_s / 2)

    def _wait_gone(self, ring: RingObservation, timeout_s: float) -> bool:
        def gone(seen: Observation) -> bool:
            return seen.idle or (seen.ringing and ring.incoming_number is not None
                                 and seen.incoming_number != ring.incoming_number)  # fmt: skip

        return self._wait_until("watching the foreign call end", gone, timeout_s)

    def _wait_until(
        self, action: str, done: Callable[[Observation], bool], timeout_s: float
    ) -> bool:
        """Look at the phone until `done`, first at once, then after pauses doubling from
        FIRST_POLL_S to the poll interval; False at the timeout or when closed."""
        deadline = self._clock.monotonic() + timeout_s
        pause = FIRST_POLL_S
        while True:
            if done(self._do(action, self._strategy.observe)):
                return True
            remaining = deadline - self._clock.monotonic()
            if remaining <= 0 or self._closed.wait(min(pause, remaining)):
                return False
            pause = min(2 * pause, self._poll_interval_s)

    def close(self) -> None:
        self._closed.set()
        self._discard()

    # --- HandsetProbe ---------------------------------------------------------------------

    def health(self) -> HandsetHealth:
        """Reachability, radio, battery, lock and hygiene; an unreachable phone is a result."""
        try:
            state = self._do(
                "reading its state",
                lambda d: self._strategy.report(d, self._watch, self._fix),
                even_if_unhealthy=True,
            )
        except DeviceError as exc:
            return HandsetHealth(handset_id=self.id, reachable=False, error=str(exc))
        self.unhealthy = None  # it answers again: the recovery check passed
        return HandsetHealth(
            handset_id=self.id,
            reachable=True,
            battery_pct=state.battery_pct,
            in_service=state.in_service,
            carrier_name=state.carrier_name,
            msisdn=state.msisdn,
            airplane_mode=state.airplane_mode,
            locked=state.locked,
            hygiene=state.hygiene,
        )

    # --- session --------------------------------------------------------------------------

    def _frame(self, driver: WebDriver) -> Capture:
        png = driver.get_screenshot_as_png()
        at = self._clock.now()
        if not png.startswith(_PNG_MAGIC):
            raise DeviceError(f"handset {self.id}: the screenshot is not a PNG")
        source = driver.page_source
        return Capture(png=png, page_source=source, at=at, overlay=self._strategy.overlay(source))

    def _tap_decline(self, driver: WebDriver) -> None:
        """The screen may redraw between find and tap: one retry on a stale element."""
        try:
            self._strategy.decline_by_button(driver)
        except StaleElementReferenceException:
            self._strategy.decline_by_button(driver)

    def _wait_idle(self, timeout_s: float) -> bool:
        return self._wait_until("checking the handset is idle", lambda s: s.idle, timeout_s)

    def _do(
        self, action: str, step: Callable[[WebDriver], T], *, even_if_unhealthy: bool = False
    ) -> T:
        """Run `step` on the session; on a lost session, once more on a new one.

        An unhealthy handset fails at once (until `prepare()`), so a run does not spend a
        ring timeout on a phone that already failed twice; health checks still probe it.
        """
        if self.unhealthy and not even_if_unhealthy:
            raise DeviceError(self.unhealthy)
        driver = self._session()
        try:
            return step(driver)
        except DeviceError:
            raise
        except Exception as exc:
            if not session_lost(exc):
                raise device_error(self.id, action, exc) from exc
            log.warning("handset %s: %s: %s; starting a new session", self.id, action, cause(exc))
        self._discard()
        driver = self._session()
        try:
            return step(driver)
        except Exception as exc:
            error = device_error(self.id, action, exc, retried=True)
            if session_lost(exc):
                self._discard()
                self.unhealthy = str(error)
            raise error from exc

    def _session(self) -> WebDriver:
        if self._driver is None:
            try:
                self._driver = self._open()
            except DeviceError as exc:
                self.unhealthy = str(exc)
                raise
        return self._driver

    def _open(self) -> WebDriver:
        self._preflight()
        options = self._strategy.options()
        for key, value in self.spec.capabilities:
            options.set_capability(key, value)
        # Selenium sends every request with `client_config.timeout`; a new UiAutomator2 or
        # WebDriverAgent session may take a minute, a command must not.
        config = AppiumClientConfig(
            remote_server_addr=self.base_url,
            keep_alive=True,
            timeout=self._session_start_timeout_s,
            init_args_for_pool_manager={"init_args_for_pool_manager": {"retries": False}},
        )
        try:
            driver = webdriver.Remote(
                command_executor=self.base_url, options=options, client_config=config
            )
        except Exception as exc:
            raise device_error(self.id, "starting an Appium session", exc) from exc
        config.timeout = self._command_timeout_s
        try:
            self._strategy.started(driver)
        except Exception as exc:
            with contextlib.suppress(Exception):
                driver.quit()
            raise device_error(self.id, "setting up the new session", exc) from exc
        return driver

    def _preflight(self) -> None:
        """Ask /status with a short connect timeout, so a dead server fails fast and clearly."""
        url = f"{self.base_url}/status"
        try:
            response = _status_client().get(
                url, timeout=httpx.Timeout(self._command_timeout_s, connect=self._connect_timeout_s)
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise DeviceError(
                f"handset {self.id}: the Appium server at {self.base_url} is not reachable "
                f"({cause(exc)}; is it running?)"
            ) from exc

    def _discard(self) -> None:
        driver, self._driver = self._driver, None
        if driver is None:
            return
        try:
            driver.quit()
        except Exception as exc:  # the session is being thrown away; its end is best-effort
            log.debug("handset %s: quitting the old session: %s", self.id, cause(exc))


@built_once
def _status_client() -> httpx.Client:
    """One client for every handset's preflight: each new client loads the system's CA
    certificates (tens of milliseconds and ~0.8 MB of heap while it loads), which a farm of
    24 phones paid 24 times per run. Built once even when every handset's thread asks for it
    first at the same moment (`robot.once`). It keeps no connection open: a preflight is one
    request, and an idle connection to a server that has since stopped would only be found
    unclosed at exit."""
    return httpx.Client(limits=httpx.Limits(max_keepalive_connections=0))
