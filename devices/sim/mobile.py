"""The `mobile:` commands a simulated handset answers, with the text real phones print.

Only methods the handset's real driver has (UiAutomator2 on Android, XCUITest on iOS, as
`devices.contract` reads them from the npm packages) with the parameters it takes; anything
else is refused the way Appium refuses it.

`dumpsys telephony.registry` is shaped like Android 13's (one block per SIM, `mCallState`,
`mServiceState={mVoiceRegState=0(IN_SERVICE) ...}`), `content query` like the `content` tool's
`Row: 0 key=value` lines, so the robot's parsers meet what they will meet on a phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from devices.contract import InvalidParams, UnsupportedMethod, contract_for
from devices.sim.elements import Element
from devices.sim.handset import SimHandset
from robot.domain.model import Platform

KEYCODE_HOME = 3
KEYCODE_BACK = 4
KEYCODE_ENDCALL = 6


class UnknownCommand(Exception):
    """A `mobile:` method the simulated driver does not implement."""


class BadArgument(Exception):
    """A `mobile:` method called with arguments it cannot use."""


def _slot_block(handset: SimHandset, slot: int) -> str:
    ring = handset.ringing
    ringing = ring is not None and ring.slot == slot
    state = 1 if ringing else 0
    number = ring.screen.number if ring is not None and ringing else ""
    carrier = handset.state.carrier
    reg = "0(IN_SERVICE)" if handset.state.in_service else "1(OUT_OF_SERVICE)"
    return (
        f"  Phone Id={slot}\n"
        f"  mCallState={state}\n"
        f"  mRingingCallState={5 if state == 1 else 0}\n"
        "  mForegroundCallState=0\n"
        f"  mCallIncomingNumber={number}\n"
        f"  mServiceState={{mVoiceRegState={reg}, mDataRegState={reg}, "
        f"mChannelNumber=66786, mOperatorAlphaLong={carrier}, mOperatorAlphaShort={carrier}, "
        "isManualNetworkSelection=false, mIsEmergencyOnly=false}\n"
        "  mVoiceActivationState=0\n"
        "  mDataConnectionState=2\n"
        "  mCellIdentity=CellIdentityLte:{ mCi=12345 mPci=77 mTac=9000 }\n"
    )


def telephony_registry(handset: SimHandset) -> str:
    """One block per SIM slot (a dual-SIM phone has two), each with its own call state."""
    slots = 2 if handset.settings.dual_sim else 1
    return "last known state:\n" + "".join(_slot_block(handset, n) for n in range(slots))


def telecom(handset: SimHandset) -> str:
    """The calls part of `dumpsys telecom`: the ringing call with its handle."""
    ring = handset.ringing
    lines = ["CallsManager:", "  mCalls:"]
    if ring is not None:
        lines.append(f"    [TC@{abs(hash(ring.call_id)) % 1000}, RINGING, "
                     "com.android.phone/com.android.services.telephony.TelephonyConnectionService, "
                     f"tel:{ring.screen.number}, A, childs(0), has_parent(false)]")
    return "\n".join(lines) + "\n"


def _siminfo(handset: SimHandset, words: list[str]) -> str:
    numbers = [handset.state.msisdn, *([handset.settings.dual_sim] if
                                       handset.settings.dual_sim else [])]  # fmt: skip
    if "sim_id:number" in words:
        return "".join(f"Row: {n} sim_id={n}, number={num}\n" for n, num in enumerate(numbers))
    return "".join(f"Row: {n} number={num}\n" for n, num in enumerate(numbers))


def _delete_call_log(handset: SimHandset, words: list[str]) -> str:
    where = words[words.index("--where") + 1] if "--where" in words else ""
    tails = re.findall(r"LIKE '%(\d+)'", where)
    log = handset.state.call_log
    log[:] = [n for n in log if not any(re.sub(r"\D", "", n).endswith(t) for t in tails)]
    return ""


def shell(handset: SimHandset, command: str, args: list[str]) -> str:
    """`mobile: shell` for the handful of commands the robot runs. As on a phone, whose `sh`
    gets the words joined by `adb shell`, a `;` word separates commands and `$?` is the exit
    status of the one before (`devices.android_shell.shell_batch`)."""
    words = [command, *args] if args else command.split()
    printed: list[str] = []
    status = 0
    start = 0
    for end in [*(i for i, word in enumerate(words) if word == ";"), len(words)]:
        if end > start:
            text, status = _command(handset, words[start:end], status)
            printed.append(text)
        start = end + 1
    return "".join(printed)


def _command(handset: SimHandset, words: list[str], last_status: int) -> tuple[str, int]:
    """One command's output and exit status."""
    if words[0] == "echo":
        return " ".join(str(last_status) if w == "$?" else w for w in words[1:]) + "\n", 0
    line = " ".join(words)
    handset.note(f"shell {line}")
    if words[0] in ("getprop", "input", "am", "wm"):
        return "", 0
    output = _answer(handset, words)
    if output is None:
        return f"/system/bin/sh: {words[0]}: not found\n", 127
    return output, 0


def _answer(handset: SimHandset, words: list[str]) -> str | None:
    """What a known command prints; None for a command the phone does not have."""
    state = handset.state
    if words[:2] == ["dumpsys", "telephony.registry"]:
        return telephony_registry(handset)
    if words[:2] == ["dumpsys", "telecom"]:
        return telecom(handset)
    if words[:2] == ["settings", "get"] and len(words) >= 4:
        known = {"airplane_mode_on": "0", "zen_mode": "0", "stay_on_while_plugged_in": "0",
                 **state.settings}  # fmt: skip
        return known.get(words[-1], "null") + "\n"
    if words[:2] == ["settings", "put"] and len(words) >= 5:
        handset.set_setting(words[3], words[4])
        return ""
    if words[:3] == ["cmd", "notification", "set_dnd"] and len(words) >= 4:
        handset.set_setting("zen_mode", "0" if words[3] == "off" else "1")
        return ""
    if words[:2] == ["content", "query"]:
        if "content://telephony/siminfo" in words:
            return _siminfo(handset, words)
        if "content://com.android.contacts/data/phones" in words:
            return "".join(f"Row: {n} data1={number}, display_name=Saved {number}\n"
                           for n, number in enumerate(state.contacts)) or "No result found.\n"
        return "No result found.\n"
    if words[:2] == ["content", "delete"] and "content://call_log/calls" in words:
        return _delete_call_log(handset, words)
    if words[:2] == ["dumpsys", "package"]:
        package = words[-1]
        version = state.packages.get(package)
        if version:
            return f"Packages:\n  Package [{package}]\n    versionName={version}\n"
        return "Dexopt state:\n  Unable to find package: " + " ".join(words[2:]) + "\n"
    return None


def device_info(handset: SimHandset) -> dict[str, Any]:
    spec = handset.spec
    drawn = handset.screen()
    return {
        "androidId": f"sim-{spec.id}",
        "manufacturer": "Samsung" if spec.dialer.value == "samsung" else "Google",
        "model": spec.model or spec.id,
        "brand": "simulated",
        "apiVersion": "34",
        "platformVersion": spec.os_version or "14",
        "carrierName": handset.state.carrier if handset.state.in_service else "",
        "realDisplaySize": f"{drawn.width}x{drawn.height}",
        "displayDensity": 420,
        "locale": spec.locale,
        "timeZone": "UTC",
    }


def _shell(handset: SimHandset, params: dict[str, Any]) -> Any:
    command = params.get("command")
    if not isinstance(command, str) or not command:
        raise BadArgument("mobile: shell needs a `command` string")
    raw_args = params.get("args") or []
    listed = [str(a) for a in raw_args] if isinstance(raw_args, list) else [str(raw_args)]
    return shell(handset, command, listed)


def _press_key(handset: SimHandset, params: dict[str, Any]) -> Any:
    keycode = params.get("keycode")
    if not isinstance(keycode, int):
        raise BadArgument("mobile: pressKey needs an integer `keycode`")
    ignored = keycode == KEYCODE_ENDCALL and handset.state.faults.get("ignoreEndCallKey")
    handset.note(f"pressKey {keycode}{' ignored' if ignored else ''}")
    if keycode == KEYCODE_ENDCALL and not ignored:
        handset.decline()
    elif keycode == KEYCODE_HOME and handset.ringing is None:
        handset.go_home()
    elif keycode == KEYCODE_BACK:
        handset.close_shade()
    return None


def _drag(handset: SimHandset, params: dict[str, Any], element: ElementLookup) -> Any:
    """A drag that starts on the Decline button declines (One UI's swipe to decline)."""
    found = element(str(params.get("elementId") or ""))
    handset.note(f"drag {found.resource_id if found else 'nothing'}")
    if found is not None and found.node.key == "decline":
        handset.decline()
    return None


def _activate(handset: SimHandset, params: dict[str, Any]) -> Any:
    app = str(params.get("appId") or params.get("bundleId") or "")
    handset.note(f"activateApp {app}")
    handset.open_app(app)
    return None


def _open_notifications(handset: SimHandset, params: dict[str, Any]) -> Any:
    handset.note("openNotifications")
    handset.open_shade()
    return None


def _active_app(handset: SimHandset, params: dict[str, Any]) -> Any:
    bundle = handset.foreground()[0]
    return {"bundleId": bundle, "name": bundle.rsplit(".", 1)[-1], "pid": 4242,
            "processArguments": {}}


def _press_button(handset: SimHandset, params: dict[str, Any]) -> Any:
    handset.note(f"pressButton {params.get('name')}")
    if params.get("name") == "home" and handset.ringing is None:
        handset.go_home()
    return None


def _lock(handset: SimHandset, params: dict[str, Any]) -> Any:
    handset.note("lock")
    handset.lock()
    return None


def _unlock(handset: SimHandset, params: dict[str, Any]) -> Any:
    handset.note("unlock")
    handset.unlock()
    return None


Handler = Callable[[SimHandset, dict[str, Any]], Any]
ElementLookup = Callable[[str], Element | None]
_COMMON: dict[str, Handler] = {
    "mobile: isLocked": lambda handset, params: handset.state.locked,
    "mobile: lock": _lock,
    "mobile: unlock": _unlock,
    "mobile: activateApp": _activate,
    "mobile: deviceInfo": lambda handset, params: device_info(handset),
    "mobile: batteryInfo": lambda handset, params: {"level": handset.state.battery, "state": 2},
}
SIMULATED: dict[Platform, dict[str, Handler]] = {
    Platform.ANDROID: {
        **_COMMON,
        "mobile: shell": _shell,
        "mobile: getCurrentPackage": lambda handset, params: handset.foreground()[0],
        "mobile: getCurrentActivity": lambda handset, params: handset.foreground()[1],
        "mobile: pressKey": _press_key,
        "mobile: openNotifications": _open_notifications,
    },
    Platform.IOS: {
        **_COMMON,
        "mobile: activeAppInfo": _active_app,
        "mobile: pressButton": _press_button,
    },
}


def execute(handset: SimHandset, script: str, args: list[Any],
            element: ElementLookup = lambda element_id: None) -> Any:
    """Answer one `execute/sync` call as the handset's real driver would, or refuse it:
    `UnknownCommand` for a method its driver lacks (or one the farm does not simulate),
    `BadArgument` for missing or unknown parameters (see `devices.contract`)."""
    if len(args) > 1 or (args and not isinstance(args[0], dict)):
        raise BadArgument("execute methods take zero or one JSON object of parameters")
    params: dict[str, Any] = args[0] if args else {}
    platform = handset.spec.platform
    try:
        method = contract_for(platform).check(script, params)
    except UnsupportedMethod as exc:
        raise UnknownCommand(str(exc)) from None
    except InvalidParams as exc:
        raise BadArgument(str(exc)) from None
    if method.name == "mobile: dragGesture" and platform is Platform.ANDROID:
        return _drag(handset, params, element)
    handler = SIMULATED[platform].get(method.name)
    if handler is None:
        raise UnknownCommand(f"'{method.name}' is a real {platform.value} driver method the "
                             "virtual farm does not simulate")
    return handler(handset, params)
