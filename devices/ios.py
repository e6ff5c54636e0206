"""iOS (XCUITest) strategy: a session on SpringBoard, the active app for ringing, and the
localized Decline button.

iOS gives no call state to automation and no caller number: the screen reading's number ties
the call to ours. A full-screen incoming call makes `com.apple.InCallService` the active app;
while the phone is in use the call shows as a compact banner drawn by SpringBoard, which is
often missing from the page source, so the screenshot finds it (and is the evidence).
"""

from __future__ import annotations

from typing import Any

from appium.options.ios import XCUITestOptions
from appium.webdriver.common.appiumby import AppiumBy
from appium.webdriver.webdriver import WebDriver

from devices.ios_banner import looks_like_call_banner
from devices.platform import Armed, Observation, StateReport, battery_pct
from devices.profiles import DialerProfile
from robot.domain.model import DisplayState
from robot.domain.model import Handset as HandsetSpec
from robot.errors import DeviceError

SPRINGBOARD = "com.apple.springboard"
_NOT_READABLE = "not readable over XCUITest; check by hand (docs/real-farm.md, weekly checks)"


class IosStrategy:
    """XCUITest handset: active app and localized buttons; settings are not readable."""

    def __init__(self, spec: HandsetSpec, profile: DialerProfile) -> None:
        self.spec = spec
        self.profile = profile
        self.display = DisplayState.LOCKED

    def options(self) -> XCUITestOptions:
        options = XCUITestOptions()
        options.bundle_id = SPRINGBOARD  # attach to the home screen, launch nothing
        options.no_reset = True
        options.new_command_timeout = 3600
        options.set_capability("appium:autoLaunch", False)
        return options

    def started(self, driver: WebDriver) -> None:
        del driver  # nothing to set: XCUITest's defaults suit a SpringBoard session

    def _active_bundle(self, driver: WebDriver) -> str:
        info: dict[str, Any] = driver.execute_script("mobile: activeAppInfo") or {}
        return str(info.get("bundleId") or "")

    def overlay(self, page_source: str | None) -> str | None:
        """iOS carrier apps label calls through the Call Directory, inside the call UI itself:
        there is no window of theirs to tell apart."""
        del page_source
        return None

    def _decline_label(self) -> str:
        return self.profile.decline_label(self.spec.locale)

    def observe(self, driver: WebDriver) -> Observation:
        """The active app first (one cheap call): InCallService is a full-screen call. On a
        phone in use the compact banner belongs to SpringBoard and is often missing from the
        page source, so the screenshot decides (`devices.ios_banner`)."""
        bundle = self._active_bundle(driver)
        if bundle in self.profile.incall_bundles:
            return Observation(
                ringing=True, idle=False, foreground=bundle, how=f"active app {bundle}"
            )
        if self.display is DisplayState.IN_USE:
            shot = driver.get_screenshot_as_png()
            if looks_like_call_banner(shot):
                return Observation(
                    ringing=True, idle=False, foreground=bundle, heads_up=True,
                    how=f"call banner on the screenshot over {bundle}",
                )  # fmt: skip
        return Observation(ringing=False, idle=True, foreground=bundle)

    def prepare(
        self, driver: WebDriver, display: DisplayState, watch_numbers: tuple[str, ...]
    ) -> Armed:
        """No call left over, then locked (screen off) or in use (unlocked, an app open).

        A call reaching a locked iPhone is full screen, which the active app shows; only an
        unlocked one may show a banner, which takes a screenshot to find. Every call but the
        first finds the phone as its arming left it, locked for most: looking for a banner
        there cost a screenshot (drawn, sent and decoded whole) before every call."""
        locked = bool(driver.execute_script("mobile: isLocked"))
        self.display = DisplayState.LOCKED if locked else DisplayState.IN_USE
        if locked:
            driver.execute_script("mobile: unlock")
        if driver.execute_script("mobile: isLocked"):
            raise DeviceError(
                f"handset {self.spec.id}: the screen stays locked; farm iPhones must have no "
                "passcode (see docs/real-farm.md)"
            )
        ended_call = self.observe(driver).ringing
        if ended_call:
            self.decline_by_button(driver)
        driver.execute_script("mobile: pressButton", {"name": "home"})
        self.display = display
        if display is DisplayState.LOCKED:
            driver.execute_script("mobile: lock")
        elif self.profile.in_use_app:
            driver.execute_script("mobile: activateApp", {"bundleId": self.profile.in_use_app})
        return Armed(self._not_readable(watch_numbers), ended_call)

    def decline(self, driver: WebDriver) -> bool:
        """A locked iPhone shows "slide to answer" and no Decline button: the caller must
        cancel instead (False)."""
        if self.decline_by_button(driver):
            return True
        if driver.execute_script("mobile: isLocked"):
            return False
        raise DeviceError(
            f"handset {self.spec.id}: no {self._decline_label()!r} button on screen to decline"
        )

    def decline_by_button(self, driver: WebDriver) -> bool:
        buttons = driver.find_elements(AppiumBy.ACCESSIBILITY_ID, self._decline_label())
        if not buttons:
            return False
        buttons[0].click()
        return True

    def _not_readable(self, watch_numbers: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        hygiene = [("silence_unknown_callers", _NOT_READABLE), ("focus", _NOT_READABLE)]
        hygiene += [(f"contact:{n}", _NOT_READABLE) for n in watch_numbers]
        return tuple(hygiene)

    def report(
        self, driver: WebDriver, watch_numbers: tuple[str, ...], fix: bool = False
    ) -> StateReport:
        del fix  # XCUITest can set none of the settings that matter
        battery: dict[str, Any] = driver.execute_script("mobile: batteryInfo") or {}
        return StateReport(
            battery_pct=battery_pct(battery.get("level")),
            locked=bool(driver.execute_script("mobile: isLocked")),
            hygiene=self._not_readable(watch_numbers),
        )
