"""iOS (XCUITest) strategy: a session on SpringBoard, the active app for ringing, and the
localized Decline button.

iOS gives no call state to automation. A full-screen incoming call makes
`com.apple.InCallService` the active app; while the phone is in use the call shows as a compact
banner, found by its Decline button in the page source. The call UI is often missing from the
page source altogether, so the screenshot is the evidence and OCR reads it.
"""

from __future__ import annotations

from typing import Any

from appium.options.ios import XCUITestOptions
from appium.webdriver.common.appiumby import AppiumBy
from appium.webdriver.webdriver import WebDriver

from devices.platform import Observation, StateReport, battery_pct
from devices.profiles import DialerProfile
from robot.domain.model import Handset as HandsetSpec
from robot.errors import DeviceError

SPRINGBOARD = "com.apple.springboard"
_NOT_READABLE = "not readable over XCUITest; check by hand (docs/real-farm.md, weekly checks)"


class IosStrategy:
    """XCUITest handset: active app and localized buttons; settings are not readable."""

    def __init__(self, spec: HandsetSpec, profile: DialerProfile) -> None:
        self.spec = spec
        self.profile = profile

    def options(self) -> XCUITestOptions:
        options = XCUITestOptions()
        options.bundle_id = SPRINGBOARD  # attach to the home screen, launch nothing
        options.no_reset = True
        options.new_command_timeout = 3600
        options.set_capability("appium:autoLaunch", False)
        return options

    def _active_bundle(self, driver: WebDriver) -> str:
        info: dict[str, Any] = driver.execute_script("mobile: activeAppInfo") or {}
        return str(info.get("bundleId") or "")

    def foreground(self, driver: WebDriver) -> str:
        return self._active_bundle(driver)

    def _decline_label(self) -> str:
        return self.profile.decline_label(self.spec.locale)

    def observe(self, driver: WebDriver) -> Observation:
        bundle = self._active_bundle(driver)
        if bundle in self.profile.incall_bundles:
            return Observation(
                ringing=True, idle=False, foreground=bundle, how=f"active app {bundle}"
            )
        label = self._decline_label()
        source = driver.page_source or ""
        if f'name="{label}"' in source or f'label="{label}"' in source:
            return Observation(
                ringing=True,
                idle=False,
                foreground=bundle,
                heads_up=True,
                how=f"call banner ({label!r} button) over {bundle}",
            )
        return Observation(ringing=False, idle=True, foreground=bundle)

    def prepare(self, driver: WebDriver) -> None:
        if driver.execute_script("mobile: isLocked"):
            driver.execute_script("mobile: unlock")
        if driver.execute_script("mobile: isLocked"):
            raise DeviceError(
                f"handset {self.spec.id}: the screen stays locked; farm iPhones must have no "
                "passcode (see docs/real-farm.md)"
            )
        if self.observe(driver).ringing:
            self.decline_by_button(driver)
        driver.execute_script("mobile: pressButton", {"name": "home"})

    def decline(self, driver: WebDriver) -> None:
        if not self.decline_by_button(driver):
            raise DeviceError(
                f"handset {self.spec.id}: no {self._decline_label()!r} button on screen to decline"
            )

    def decline_by_button(self, driver: WebDriver) -> bool:
        buttons = driver.find_elements(AppiumBy.ACCESSIBILITY_ID, self._decline_label())
        if not buttons:
            return False
        buttons[0].click()
        return True

    def report(self, driver: WebDriver, watch_numbers: tuple[str, ...]) -> StateReport:
        battery: dict[str, Any] = driver.execute_script("mobile: batteryInfo") or {}
        hygiene = [("silence_unknown_callers", _NOT_READABLE), ("focus", _NOT_READABLE)]
        hygiene += [(f"contact:{n}", _NOT_READABLE) for n in watch_numbers]
        return StateReport(
            battery_pct=battery_pct(battery.get("level")),
            locked=bool(driver.execute_script("mobile: isLocked")),
            hygiene=tuple(hygiene),
        )
