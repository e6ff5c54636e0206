"""Android (UiAutomator2) strategy: how to see a ring, decline it and read the phone's state.

The radio's own call state (`dumpsys telephony.registry`, mCallState 0 idle / 1 ringing /
2 off-hook) is the truth about ringing: the in-call screen can be late, hidden behind another
app (then only a heads-up notification shows) or drawn by a different package per vendor. The
foreground package then says which of the two the screenshot will show. Needs the Appium
server started with `--allow-insecure=uiautomator2:adb_shell`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from appium.options.android import UiAutomator2Options
from appium.webdriver.common.appiumby import AppiumBy
from appium.webdriver.webdriver import WebDriver

from devices.android_hygiene import CleanReads, clean_commands, clean_phone, own_slot, stay_awake
from devices.android_shell import shell, shell_batch
from devices.platform import Armed, Observation, StateReport, battery_pct, best_effort
from devices.profiles import DialerProfile
from robot.domain.caller import CallerMatch, match_caller
from robot.domain.model import DisplayState
from robot.domain.model import Handset as HandsetSpec
from robot.errors import DeviceError

KEYCODE_BACK = 4
KEYCODE_HOME = 3
KEYCODE_ENDCALL = 6
KEYCODE_WAKEUP = 224
_CALL_STATE = re.compile(r"mCallState=(\d)")
_INCOMING = re.compile(r"mCallIncomingNumber=([^\n]*)")
_VOICE_REG = re.compile(r"mVoiceRegState=(\d)")
_PHONE_ID = re.compile(r"Phone Id=(\d+)")
_TELECOM_RINGING = re.compile(r"RINGING[^\n]*?tel:([^,\s\]]*)")
_PHONE_ROW = re.compile(r"^Row: \d+ data1=([^,\n]*), display_name=(.*)$", re.MULTILINE)
_SIM_NUMBER = re.compile(r"number=([+\d]+)")
_SIM_SLOT = re.compile(r"sim_id=(-?\d+), number=([+\d]*)")
_VERSION_NAME = re.compile(r"versionName=(\S+)")
REGISTRY = ("dumpsys", "telephony.registry")
SESSION_FACTS_S = 600.0
"""How long what only a person changes on a phone (which SIM slot holds its number, Stay awake,
saved contacts, spam-app versions) is trusted before arming reads it again; a new session reads
it at once. Read before every call, it was half of arming's round trips to the phone."""


def press_key(driver: WebDriver, keycode: int) -> None:
    driver.execute_script("mobile: pressKey", {"keycode": keycode})


@dataclass(frozen=True, slots=True)
class SlotState:
    """One SIM slot's block of `dumpsys telephony.registry`."""

    slot: int
    call_state: int
    incoming: str | None  # None when the block has no readable number (absent or redacted)


def registry_slots(registry: str) -> list[SlotState]:
    """Per-SIM call state and incoming number; one block per `Phone Id`."""
    parts = _PHONE_ID.split(registry)
    blocks = list(zip(parts[1::2], parts[2::2], strict=True)) or [("0", registry)]
    slots = []
    for slot, body in blocks:
        state = _CALL_STATE.search(body)
        if state is None:
            continue
        number = _INCOMING.search(body)
        text = number.group(1).strip() if number else None
        readable = text if text and "*" not in text else None
        slots.append(SlotState(int(slot), int(state.group(1)), readable))
    return slots


def telecom_number(telecom: str) -> str | None:
    """The ringing call's number from `dumpsys telecom`: "" when withheld, None when hidden."""
    found = _TELECOM_RINGING.search(telecom)
    if found is None:
        return None
    handle = found.group(1)
    return None if "*" in handle else handle


class AndroidStrategy:
    """UiAutomator2 handset: telephony registry for state, keys and resource-ids for actions."""

    def __init__(self, spec: HandsetSpec, profile: DialerProfile,
                 spam_apps: tuple[str, ...] = ()) -> None:  # fmt: skip
        self.spec = spec
        self.profile = profile
        self.spam_apps = spam_apps
        self.slot: int | None = None  # the SIM slot of the handset's own number, once known
        self._facts: tuple[tuple[str, str], ...] | None = None  # see SESSION_FACTS_S
        self._facts_at = 0.0

    def options(self) -> UiAutomator2Options:
        options = UiAutomator2Options()
        options.no_reset = True
        options.new_command_timeout = 3600
        options.set_capability("appium:skipUnlock", True)
        return options

    def started(self, driver: WebDriver) -> None:
        """Heads-up cards and the notification shade are windows of their own: without
        `enableMultiWindows` UiAutomator2's page source shows only the app behind them."""
        driver.update_settings({"enableMultiWindows": True})
        self._facts = None  # a new session may be another phone behind the URL: look again

    def _slots(self, driver: WebDriver, registry: str | None = None) -> list[SlotState]:
        if registry is None:
            registry = shell(driver, "dumpsys", "telephony.registry")
        slots = registry_slots(registry)
        if not slots:
            raise DeviceError(
                f"handset {self.spec.id}: `dumpsys telephony.registry` shows no mCallState "
                "(start Appium with --allow-insecure=uiautomator2:adb_shell)"
            )
        return slots

    def call_state(self, driver: WebDriver, registry: str | None = None) -> int:
        states = [s.call_state for s in self._slots(driver, registry)]
        return 1 if 1 in states else max(states)

    def foreground(self, driver: WebDriver) -> str:
        """The package in front: the dialer's own (a full-screen call) or an app under a
        heads-up card. Its activity is not asked for: nothing reads it, and a request at the
        ring is time between the phone ringing and the robot seeing it."""
        return str(driver.execute_script("mobile: getCurrentPackage") or "")

    def overlay(self, page_source: str | None) -> str | None:
        """Scam Shield, ActiveArmor, Call Filter draw their verdict in a window of their own
        over the call (visible with `enableMultiWindows`): its package names the label's
        source."""
        if not page_source:
            return None
        return next((p for p in self.spam_apps if f'package="{p}"' in page_source), None)

    def observe(self, driver: WebDriver) -> Observation:
        """Ringing on any SIM (a call on the other SIM holds the screen too), with the ringing
        slot's number so the engine can tell whether the call is ours."""
        slots = self._slots(driver)
        ringing = [s for s in slots if s.call_state == 1]
        if not ringing:
            return Observation(ringing=False, idle=all(s.call_state == 0 for s in slots))
        ours = [s for s in ringing if self.slot is None or s.slot == self.slot]
        slot = (ours or ringing)[0]
        number = slot.incoming
        if number is None:
            number = telecom_number(best_effort(shell, driver, "dumpsys", "telecom"))
        foreground = self.foreground(driver)
        full_screen = foreground in self.profile.packages
        how = "mCallState=1, " + ("in-call screen" if full_screen else "heads-up notification")
        if not ours:
            how += f", on SIM {slot.slot + 1}, not the handset's SIM {(self.slot or 0) + 1}"
        return Observation(
            ringing=True, idle=False, foreground=foreground, heads_up=not full_screen, how=how,
            incoming_number=number, other_sim=not ours,
        )  # fmt: skip

    def prepare(
        self, driver: WebDriver, display: DisplayState, watch_numbers: tuple[str, ...]
    ) -> Armed:
        """No call left over, a clean phone (see `devices.android_hygiene`), then the display
        state asked for: locked (screen off, lock screen: a full-screen call) or in use (unlocked,
        an app in front: a heads-up card). Returns the settings snapshot."""
        press_key(driver, KEYCODE_WAKEUP)
        # the registry and what cleaning reads or clears without an answer first, in one
        # round trip (devices.android_shell); a call left over is ended first and cleaned after
        registry_run, *cleaning = shell_batch(driver, [REGISTRY, *clean_commands(watch_numbers)])
        registry = registry_run.output
        service = _VOICE_REG.search(registry)
        if service and service.group(1) != "0":
            raise DeviceError(
                f"handset {self.spec.id}: no mobile service (mVoiceRegState={service.group(1)}); "
                "check the SIM, the signal and airplane mode"
            )
        ended_call = self.call_state(driver, registry) != 0
        ran = None
        if ended_call:  # its own call-log entry appears only now: clean after it, unbatched
            press_key(driver, KEYCODE_ENDCALL)
        else:
            ran = CleanReads(cleaning[0], cleaning[1] if len(cleaning) > 1 else None)
        settings = clean_phone(driver, self.profile, watch_numbers, fix=True, ran=ran)
        settings = (*settings, *self._settings(driver), *self._session_facts(driver, watch_numbers))
        if display is DisplayState.LOCKED:
            press_key(driver, KEYCODE_HOME)
            driver.execute_script("mobile: lock")
        else:
            driver.execute_script("mobile: unlock")
            if driver.execute_script("mobile: isLocked"):
                raise DeviceError(
                    f"handset {self.spec.id}: the screen stays locked; farm phones must have "
                    "no PIN, pattern or password (see docs/real-farm.md)"
                )
            if self.profile.in_use_app:
                driver.execute_script("mobile: activateApp", {"appId": self.profile.in_use_app})
        return Armed(settings, ended_call)

    def decline(self, driver: WebDriver) -> bool:
        press_key(driver, KEYCODE_ENDCALL)
        return True

    def decline_by_button(self, driver: WebDriver) -> bool:
        """Tap (or, where the dialer wants it, drag) the Decline button; False when there is
        none on screen. One UI declines a full-screen call only by dragging the red button."""
        button_id = self.profile.resource_id("decline")
        if not button_id:
            return False
        buttons = driver.find_elements(AppiumBy.ID, button_id)
        if not buttons:
            return False
        button = buttons[0]
        if self.profile.decline_gesture == "swipe":
            rect = driver.get_window_rect()
            driver.execute_script(
                "mobile: dragGesture",
                {"elementId": button.id, "endX": int(rect["width"]) // 2,
                 "endY": int(button.rect["y"]) + int(button.rect["height"]) // 2},
            )  # fmt: skip
            return True
        button.click()
        return True

    def report(
        self, driver: WebDriver, watch_numbers: tuple[str, ...], fix: bool = False
    ) -> StateReport:
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
            hygiene=(
                stay_awake(driver, fix=fix),
                *clean_phone(driver, self.profile, (), fix=fix),
                *self._settings(driver),
                *self.hygiene(driver, watch_numbers),
            ),
        )

    def _settings(self, driver: WebDriver) -> tuple[tuple[str, str], ...]:
        """The dialer profile's settings that make a real phone lie; each best-effort."""
        return tuple((key, best_effort(_setting, driver, setting))
                     for key, setting in self.profile.hygiene_settings)  # fmt: skip

    def _session_facts(
        self, driver: WebDriver, watch_numbers: tuple[str, ...]
    ) -> tuple[tuple[str, str], ...]:
        """The SIM slot, Stay awake (switched on), saved contacts and spam apps, read once per
        session and again after SESSION_FACTS_S: no call changes them, only a person does."""
        now = time.monotonic()
        if self._facts is None or now - self._facts_at >= SESSION_FACTS_S:
            self.slot = own_slot(driver, self.spec.msisdn)
            self._facts = (stay_awake(driver, fix=True), *self.hygiene(driver, watch_numbers))
            self._facts_at = now
        return self._facts

    def hygiene(
        self, driver: WebDriver, watch_numbers: tuple[str, ...]
    ) -> tuple[tuple[str, str], ...]:
        """Saved contacts and spam apps that make a real phone lie; each best-effort."""
        items: list[tuple[str, str]] = []
        if watch_numbers:
            items += _contacts(driver, watch_numbers)
        for package in self.spam_apps:
            items.append((f"app:{package}", best_effort(_app_version, driver, package)))
        return tuple(items)


def _sim_number(driver: WebDriver) -> str:
    uri = "content://telephony/siminfo"
    return shell(driver, "content", "query", "--uri", uri, "--projection", "number")


def _setting(driver: WebDriver, setting: str) -> str:
    return shell(driver, "settings", "get", *setting.split()).strip()


def _contacts(driver: WebDriver, numbers: tuple[str, ...]) -> list[tuple[str, str]]:
    """Which of our numbers the phone has saved as a contact, from one listing of its saved
    phone numbers: a lookup per number cost a shell round trip each (a project's hundred
    numbers were a hundred round trips before every call)."""
    listing = best_effort(_saved_phones, driver)
    if listing.startswith("unknown ("):
        return [(f"contact:{number}", listing) for number in numbers]
    return saved_contacts(listing, numbers)


def saved_contacts(listing: str, numbers: Sequence[str]) -> list[tuple[str, str]]:
    """`contact:<number>` hygiene items from `content query` rows of saved phone numbers
    (`Row: 0 data1=<number>, display_name=<name>`); a number saved in another format (no
    country code, spaces, dashes) is still ours."""
    saved = [(m.group(1).strip(), m.group(2).strip()) for m in _PHONE_ROW.finditer(listing)]
    items = []
    for number in numbers:
        name = next((n for phone, n in saved if match_caller(number, phone) is CallerMatch.OURS),
                    None)  # fmt: skip
        items.append((f"contact:{number}", "not saved" if name is None else f"saved as {name!r}"))
    return items


def _saved_phones(driver: WebDriver) -> str:
    return shell(driver, "content", "query", "--uri", "content://com.android.contacts/data/phones",
                 "--projection", "data1:display_name")  # fmt: skip


def _app_version(driver: WebDriver, package: str) -> str:
    found = _VERSION_NAME.search(shell(driver, "dumpsys", "package", package))
    return found.group(1) if found else "not installed"
