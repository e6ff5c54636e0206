"""The `mobile:` commands a simulated handset answers, with the text real phones print.

Only methods the handset's real driver has (UiAutomator2 on Android, XCUITest on iOS, as
`devices.contract` reads them from the npm packages) with the parameters it takes; anything
else is refused the way Appium refuses it.

`dumpsys telephony.registry` is shaped like Android 13's (one block per SIM, `mCallState`,
`mServiceState={mVoiceRegState=0(IN_SERVICE) ...}`), `content query` like the `content` tool's
`Row: 0 key=value` lines, so the robot's parsers meet what they will meet on a phone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devices.contract import InvalidParams, UnsupportedMethod, contract_for
from devices.sim.handset import SimHandset
from robot.domain.model import Platform

KEYCODE_HOME = 3
KEYCODE_ENDCALL = 6


class UnknownCommand(Exception):
    """A `mobile:` method the simulated driver does not implement."""


class BadArgument(Exception):
    """A `mobile:` method called with arguments it cannot use."""


def telephony_registry(handset: SimHandset) -> str:
    state = handset.call_state()
    carrier = handset.state.carrier
    reg = "0(IN_SERVICE)" if handset.state.in_service else "1(OUT_OF_SERVICE)"
    return (
        "last known state:\n"
        "  Phone Id=0\n"
        f"  mCallState={state}\n"
        f"  mRingingCallState={5 if state == 1 else 0}\n"
        "  mForegroundCallState=0\n"
        "  mCallIncomingNumber=\n"
        f"  mServiceState={{mVoiceRegState={reg}, mDataRegState={reg}, "
        f"mChannelNumber=66786, mOperatorAlphaLong={carrier}, mOperatorAlphaShort={carrier}, "
        "isManualNetworkSelection=false, mIsEmergencyOnly=false}\n"
        "  mVoiceActivationState=0\n"
        "  mDataConnectionState=2\n"
        "  mCellIdentity=CellIdentityLte:{ mCi=12345 mPci=77 mTac=9000 }\n"
    )


def shell(handset: SimHandset, command: str, args: list[str]) -> str:
    """`mobile: shell` for the handful of commands the robot runs."""
    words = [command, *args] if args else command.split()
    line = " ".join(words)
    handset.note(f"shell {line}")
    state = handset.state
    if words[:2] == ["dumpsys", "telephony.registry"]:
        return telephony_registry(handset)
    if words[:2] == ["settings", "get"] and len(words) >= 4:
        known = {"airplane_mode_on": "0", "zen_mode": "0", **state.settings}
        return known.get(words[-1], "null") + "\n"
    if words[:2] == ["content", "query"]:
        if "content://telephony/siminfo" in words:
            return f"Row: 0 number={state.msisdn}\n"
        lookup = next((w for w in words if "phone_lookup/" in w), None)
        number = lookup.split("phone_lookup/", 1)[1] if lookup else None
        if number is not None and number in state.contacts:
            return f"Row: 0 display_name=Saved {number}\n"
        return "No result found.\n"
    if words[:2] == ["dumpsys", "package"]:
        package = words[-1]
        version = state.packages.get(package)
        if version:
            return f"Packages:\n  Package [{package}]\n    versionName={version}\n"
        return "Dexopt state:\n  Unable to find package: " + " ".join(words[2:]) + "\n"
    if words and words[0] in ("getprop", "input", "am", "wm", "echo"):
        return ""
    return f"/system/bin/sh: {words[0] if words else line}: not found\n"


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
    return None


def _active_app(handset: SimHandset, params: dict[str, Any]) -> Any:
    bundle = handset.foreground()[0]
    return {"bundleId": bundle, "name": bundle.rsplit(".", 1)[-1], "pid": 4242,
            "processArguments": {}}


def _press_button(handset: SimHandset, params: dict[str, Any]) -> Any:
    handset.note(f"pressButton {params.get('name')}")
    return None


def _locker(locked: bool) -> Handler:
    def change(handset: SimHandset, params: dict[str, Any]) -> Any:
        handset.set_state(locked=locked)
        return None

    return change


Handler = Callable[[SimHandset, dict[str, Any]], Any]
_COMMON: dict[str, Handler] = {
    "mobile: isLocked": lambda handset, params: handset.state.locked,
    "mobile: lock": _locker(True),
    "mobile: unlock": _locker(False),
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
    },
    Platform.IOS: {
        **_COMMON,
        "mobile: activeAppInfo": _active_app,
        "mobile: pressButton": _press_button,
    },
}


def execute(handset: SimHandset, script: str, args: list[Any]) -> Any:
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
    handler = SIMULATED[platform].get(method.name)
    if handler is None:
        raise UnknownCommand(f"'{method.name}' is a real {platform.value} driver method the "
                             "virtual farm does not simulate")
    return handler(handset, params)
