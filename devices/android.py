"""Android (UiAutomator2) strategy: how to see a ring, decline it and read the phone's state.

The radio's own call state (`dumpsys telephony.registry`, mCallState 0 idle / 1 ringing /
2 off-hook) is the truth about ringing: the in-call screen can be late, hidden behind another
app (then only a heads-up notification shows) or drawn by a different package per vendor. The
foreground package then says which of the two the screenshot will show. Needs the Appium
server started with `--allow-insecure=uiautomator2:adb_shell`.
"""

from __future__ import annotations

import re
from typing import Any

from appium.options.android import UiAutomator2Options
from appium.webdriver.common.appiumby import AppiumBy
from appium.webdriver.webdriver import WebDriver

from devices.platform import Observation, StateReport, battery_pct, best_effort
from devices.profiles import DialerProfile, carrier_apps
from robot.domain.model import Handset as HandsetSpec
from robot.errors import DeviceError

KEYCODE_HOME = 3
KEYCODE_ENDCALL = 6
KEYCODE_WAKEUP = 224
_CALL_STATE = re.compile(r"mCallState=(\d)")
_VOICE_REG = re.compile(r"mVoiceRegState=(\d)")
_DISPLAY_NAME = re.compile(r"display_name=([^,\n]*)")
_SIM_NUMBER = re.compile(r"number=([+\d]+)")
_VERSION_NAME = re.compile(r"versionName=(\S+)")


def shell(driver: WebDriver, command: str, *args: str) -> str:
    result = driver.execute_script("mobile: shell", {"command": command, "args": list(args)})
    return str(result or "")


def press_key(driver: WebDriver, keycode: int) -> None:
    driver.execute_script("mobile: pressKey", {"keycode": keycode})


class AndroidStrategy:
    """UiAutomator2 handset: telephony registry for state, keys and resource-ids for actions."""

    def __init__(self, spec: HandsetSpec, profile: DialerProfile) -> None:
        self.spec = spec
        self.profile = profile

    def options(self) -> UiAutomator2Options:
        options = UiAutomator2Options()
        options.no_reset = True
        options.new_command_timeout = 3600
        options.set_capability("appium:skipUnlock", True)
        return options

    def call_state(self, driver: WebDriver) -> int:
        registry = shell(driver, "dumpsys", "telephony.registry")
        states = [int(s) for s in _CALL_STATE.findall(registry)]
        if not states:
            raise DeviceError(
                f"handset {self.spec.id}: `dumpsys telephony.registry` shows no mCallState "
                "(start Appium with --allow-insecure=uiautomator2:adb_shell)"
            )
        return 1 if 1 in states else max(states)  # dual-SIM phones list one state per SIM

    def foreground(self, driver: WebDriver) -> str:
        package = driver.execute_script("mobile: getCurrentPackage")
        activity = driver.execute_script("mobile: getCurrentActivity")
        return f"{package}/{activity}"

    def observe(self, driver: WebDriver) -> Observation:
        state = self.call_state(driver)
        if state != 1:
            return Observation(ringing=False, idle=state == 0)
        foreground = self.foreground(driver)
        full_screen = foreground.split("/")[0] in self.profile.packages
        how = "mCallState=1, " + ("in-call screen" if full_screen else "heads-up notification")
        return Observation(
            ringing=True, idle=False, foreground=foreground, heads_up=not full_screen, how=how
        )

    def prepare(self, driver: WebDriver) -> None:
        """Screen on, no lock, no call left over from an earlier attempt, home screen."""
        press_key(driver, KEYCODE_WAKEUP)
        if driver.execute_script("mobile: isLocked"):
            raise DeviceError(
                f"handset {self.spec.id}: the screen is locked; farm phones must have no screen "
                "lock (see docs/real-farm.md)"
            )
        registry = shell(driver, "dumpsys", "telephony.registry")
        service = _VOICE_REG.search(registry)
        if service and service.group(1) != "0":
            raise DeviceError(
                f"handset {self.spec.id}: no mobile service (mVoiceRegState={service.group(1)}); "
                "check the SIM, the signal and airplane mode"
            )
        if self.call_state(driver) != 0:
            press_key(driver, KEYCODE_ENDCALL)
        press_key(driver, KEYCODE_HOME)

    def decline(self, driver: WebDriver) -> None:
        press_key(driver, KEYCODE_ENDCALL)

    def decline_by_button(self, driver: WebDriver) -> bool:
        """Tap the dialer's Decline button; False when this dialer has none on screen."""
        button_id = self.profile.resource_id("decline")
        if not button_id:
            return False
        buttons = driver.find_elements(AppiumBy.ID, button_id)
        if not buttons:
            return False
        buttons[0].click()
        return True

    def report(self, driver: WebDriver, watch_numbers: tuple[str, ...]) -> StateReport:
        registry = shell(driver, "dumpsys", "telephony.registry")
        reg = _VOICE_REG.search(registry)
        info: dict[str, Any] = driver.execute_script("mobile: deviceInfo") or {}
        battery: dict[str, Any] = driver.execute_script("mobile: batteryInfo") or {}
        airplane = shell(driver, "settings", "get", "global", "airplane_mode_on").strip()
        sim = _SIM_NUMBER.search(best_effort(_sim_number, driver))
        return StateReport(
            battery_pct=battery_pct(battery.get("level")),
            in_service=(reg.group(1) == "0") if reg else None,
            carrier_name=str(info.get("carrierName") or "") or None,
            msisdn=sim.group(1) if sim else None,
            airplane_mode=airplane == "1" if airplane in ("0", "1") else None,
            locked=bool(driver.execute_script("mobile: isLocked")),
            hygiene=self.hygiene(driver, watch_numbers),
        )

    def hygiene(
        self, driver: WebDriver, watch_numbers: tuple[str, ...]
    ) -> tuple[tuple[str, str], ...]:
        """Settings, saved contacts and spam apps that make a real phone lie; each best-effort."""
        items: list[tuple[str, str]] = []
        for key, setting in self.profile.hygiene_settings:
            items.append((key, best_effort(_setting, driver, setting)))
        for number in watch_numbers:
            items.append((f"contact:{number}", best_effort(_contact, driver, number)))
        for package in carrier_apps().get(self.spec.carrier.lower(), ()):
            items.append((f"app:{package}", best_effort(_app_version, driver, package)))
        return tuple(items)


def _sim_number(driver: WebDriver) -> str:
    uri = "content://telephony/siminfo"
    return shell(driver, "content", "query", "--uri", uri, "--projection", "number")


def _setting(driver: WebDriver, setting: str) -> str:
    return shell(driver, "settings", "get", *setting.split()).strip()


def _contact(driver: WebDriver, number: str) -> str:
    out = shell(
        driver,
        "content",
        "query",
        "--uri",
        f"content://com.android.contacts/phone_lookup/{number}",
        "--projection",
        "display_name",
    )
    found = _DISPLAY_NAME.search(out)
    return f"saved as {found.group(1).strip()!r}" if found else "not saved"


def _app_version(driver: WebDriver, package: str) -> str:
    found = _VERSION_NAME.search(shell(driver, "dumpsys", "package", package))
    return found.group(1) if found else "not installed"
