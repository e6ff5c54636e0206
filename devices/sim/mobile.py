"""The `mobile:` commands a simulated handset answers, with the text real phones print.

`dumpsys telephony.registry` is shaped like Android 13's (one block per SIM, `mCallState`,
`mServiceState={mVoiceRegState=0(IN_SERVICE) ...}`), `content query` like the `content` tool's
`Row: 0 key=value` lines, so the robot's parsers meet what they will meet on a phone.
"""

from __future__ import annotations

from typing import Any

from devices.sim.handset import SimHandset

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


def execute(handset: SimHandset, script: str, args: list[Any]) -> Any:
    """Answer one `execute/sync` call; raises UnknownCommand / BadArgument."""
    params: dict[str, Any] = args[0] if args and isinstance(args[0], dict) else {}
    name = script.strip()
    if name == "mobile: shell":
        command = params.get("command")
        if not isinstance(command, str) or not command:
            raise BadArgument("mobile: shell needs a `command` string")
        raw_args = params.get("args") or []
        listed = [str(a) for a in raw_args] if isinstance(raw_args, list) else [str(raw_args)]
        return shell(handset, command, listed)
    if name == "mobile: getCurrentPackage":
        return handset.foreground()[0]
    if name == "mobile: getCurrentActivity":
        return handset.foreground()[1]
    if name == "mobile: pressKey":
        keycode = params.get("keycode")
        if not isinstance(keycode, int):
            raise BadArgument("mobile: pressKey needs an integer `keycode`")
        ignored = keycode == KEYCODE_ENDCALL and handset.state.faults.get("ignoreEndCallKey")
        handset.note(f"pressKey {keycode}{' ignored' if ignored else ''}")
        if keycode == KEYCODE_ENDCALL and not ignored:
            handset.decline()
        return None
    if name == "mobile: activeAppInfo":
        bundle = handset.foreground()[0]
        return {"bundleId": bundle, "name": bundle.rsplit(".", 1)[-1], "pid": 4242,
                "processArguments": {}}
    if name == "mobile: pressButton":
        handset.note(f"pressButton {params.get('name')}")
        return None
    if name in ("mobile: unlock", "mobile: lock"):
        handset.set_state(locked=name == "mobile: lock")
        return None
    if name == "mobile: isLocked":
        return handset.state.locked
    if name == "mobile: getDeviceInfo" or name == "mobile: deviceInfo":
        return device_info(handset)
    if name == "mobile: batteryInfo":
        return {"level": handset.state.battery, "state": 2}
    raise UnknownCommand(f"`{name}` is not implemented by the virtual farm's handsets")
