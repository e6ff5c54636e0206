"""A clean Android phone before every call, and the settings snapshot kept with the attempt.

What makes a real phone lie about a call: Do Not Disturb (the call rings silently or not at
all), a screen that sleeps (UiAutomator2 loses the screen), old notifications stacked over the
heads-up card, our own earlier calls in the call log (the dialer shows "called 5 times"),
call screening answering for the owner. Each step is best-effort: one unreadable setting is
recorded as `unknown (why)` rather than failing the call. Fixes are made only where the dialer
profile says the OS allows it (`fixes:` in dialers.yaml); everything else is reported.

`clean_phone` is what every call can leave behind or the phone can change by itself (Do Not
Disturb schedules, our calls' notifications and log entries); `stay_awake` is a setting only a
person changes, checked once per session (see `AndroidStrategy.prepare`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from appium.webdriver.common.appiumby import AppiumBy
from appium.webdriver.webdriver import WebDriver

from devices.android_shell import Ran, shell
from devices.platform import best_effort
from devices.profiles import DialerProfile
from robot.domain.caller import CallerMatch, match_caller

KEYCODE_BACK = 4
STAY_ON_ALL_CHARGERS = "7"  # AC | USB | wireless (developer option "Stay awake")
_SIM_ROW = re.compile(r"sim_id=(-?\d+),\s*number=([+\d]*)")


ZEN_MODE = ("settings", "get", "global", "zen_mode")


def _get(driver: WebDriver, namespace: str, key: str) -> str:
    return shell(driver, "settings", "get", namespace, key).strip()


def stay_awake(driver: WebDriver, *, fix: bool) -> tuple[str, str]:
    """The screen kept on while charging ("Stay awake"), switched on where allowed (`fix`)."""
    if fix:
        best_effort(shell, driver, "settings", "put", "global", "stay_on_while_plugged_in",
                    STAY_ON_ALL_CHARGERS)  # fmt: skip
    stay = best_effort(_get, driver, "global", "stay_on_while_plugged_in")
    return ("stay_awake", "on" if stay not in ("0", "null", "") and not
            stay.startswith("unknown") else f"off ({stay})")  # fmt: skip


def clean_phone(
    driver: WebDriver,
    profile: DialerProfile,
    watch_numbers: tuple[str, ...],
    *,
    fix: bool,
    ran: CleanReads | None = None,
) -> tuple[tuple[str, str], ...]:
    """Make the phone clean of what a call leaves where allowed (`fix`) and say how it is:
    (setting, state) pairs. `ran`: the shell commands of `clean_commands`, already run."""
    items: list[tuple[str, str]] = []
    zen = ran.zen if ran is not None else None
    items.append(("dnd", best_effort(_do_not_disturb, driver, profile, fix, zen)))
    screening = profile.fix("call_screening")
    items.append(
        (
            "call_screening",
            "not readable; check by hand (docs/real-farm.md)"
            if screening is None
            else best_effort(shell, driver, *screening.split()),
        )
    )
    if fix:
        items.append(("notifications", best_effort(_dismiss_notifications, driver, profile)))
        if watch_numbers:
            cleared = ran.call_log if ran is not None else None
            items.append(("call_log", best_effort(_clear_call_log, driver, watch_numbers, cleared)))
    return tuple(items)


@dataclass(frozen=True, slots=True)
class CleanReads:
    """What `clean_commands` printed, run in one batch with the arming's other reads."""

    zen: Ran
    call_log: Ran | None  # None: no numbers to clear


def clean_commands(watch_numbers: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The shell commands of `clean_phone` that need no answer first: Do Not Disturb read,
    our numbers' call-log entries deleted (`CleanReads` takes their outputs in this order)."""
    commands: list[tuple[str, ...]] = [ZEN_MODE]
    if watch_numbers:
        commands.append(_call_log_delete(watch_numbers))
    return commands


def _do_not_disturb(driver: WebDriver, profile: DialerProfile, fix: bool, ran: Ran | None) -> str:
    """`zen_mode` (0 off, 1 priority only, 2 total silence, 3 alarms only), switched off when
    the profile names the command for it."""
    zen = ran.value().strip() if ran is not None else _get(driver, *ZEN_MODE[2:])
    command = profile.fix("dnd")
    if zen in ("0", "null") or not fix or command is None or zen.startswith("unknown ("):
        return zen
    shell(driver, *command.split())
    after = _get(driver, "global", "zen_mode")
    if after == "0":
        return f"{after} (was {zen}, switched off)"
    return f"{after} (could not switch off)"


def _dismiss_notifications(driver: WebDriver, profile: DialerProfile) -> str:
    """Open the shade and tap its Clear all: a stale notification hides the heads-up card."""
    button_id = profile.resource_id("clear_notifications")
    if not button_id:
        return "not dismissed (no clear_notifications id in the dialer profile)"
    driver.execute_script("mobile: openNotifications")
    try:
        buttons = driver.find_elements(AppiumBy.ID, button_id)
        if buttons:
            buttons[0].click()
            return "dismissed"
        return "none"
    finally:
        driver.execute_script("mobile: pressKey", {"keycode": KEYCODE_BACK})


def _tails(numbers: tuple[str, ...]) -> list[str]:
    return sorted({re.sub(r"\D", "", n)[-10:] for n in numbers if re.sub(r"\D", "", n)})


def _call_log_delete(numbers: tuple[str, ...]) -> tuple[str, ...]:
    where = " OR ".join(f"number LIKE '%{tail}'" for tail in _tails(numbers))
    return ("content", "delete", "--uri", "content://call_log/calls", "--where", f'"{where}"')


def _clear_call_log(driver: WebDriver, numbers: tuple[str, ...], ran: Ran | None) -> str:
    """Delete the call-log entries of our own numbers (the dialer counts repeat callers);
    `ran`: the deletion already run in a batch."""
    if ran is None:
        shell(driver, *_call_log_delete(numbers))
    elif ran.status:
        return ran.value()
    return f"cleared entries from {len(_tails(numbers))} number(s)"


def own_slot(driver: WebDriver, msisdn: str) -> int | None:
    """The SIM slot holding the handset's own number on a dual-SIM phone (None: one SIM or
    the phone does not say)."""
    rows = best_effort(shell, driver, "content", "query", "--uri",
                       "content://telephony/siminfo", "--projection", "sim_id:number")  # fmt: skip
    slots = [(int(slot), number) for slot, number in _SIM_ROW.findall(rows) if int(slot) >= 0]
    if len(slots) < 2:
        return None
    for slot, number in slots:
        if number and match_caller(msisdn, number) is CallerMatch.OURS:
            return slot
    return None
