"""The contract with the real Appium drivers (UiAutomator2 8.7, XCUITest 12.13 from npm): every
`mobile:` command the handset code sends exists in its platform's driver with the parameters
that driver takes, every capability we set is one the driver knows, and the snapshot the
virtual farm reads is what the installed drivers say.

The handset code is otherwise tested against our own virtual farm and our own Appium plugin;
without this, a command no real phone understands would pass every test.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from devices.android import AndroidStrategy
from devices.contract import InvalidParams, UnsupportedMethod, contract_for, raw_contract
from devices.ios import IosStrategy
from devices.profiles import profile_for
from robot.domain.model import DialerKind, Platform
from robot.domain.model import Handset as HandsetSpec
from tests.support.peers import need

REPO = Path(__file__).resolve().parents[2]
DRIVERS_INSTALLED = all(
    (REPO / "node_modules" / name / "build" / "lib" / "execute-method-map.js").exists()
    for name in ("appium-uiautomator2-driver", "appium-xcuitest-driver")
)

# Which driver each module of devices/ talks to. A module that sends `mobile:` commands and
# is missing here fails the test: add it with its platform.
PLATFORM_OF = {
    "android.py": Platform.ANDROID,
    "android_hygiene.py": Platform.ANDROID,
    "android_shell.py": Platform.ANDROID,
    "ios.py": Platform.IOS,
}
# Helpers that wrap one `mobile:` command; their call sites are checked as that command.
HELPERS = {
    "shell": ("mobile: shell", ("command", "args")),
    "press_key": ("mobile: pressKey", ("keycode",)),
}


def _sent(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, command, parameter names) of every `mobile:` command a module sends."""
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "execute_script":
            first = node.args[0] if node.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                raise AssertionError(f"{path.name}:{node.lineno}: execute_script with a computed "
                                     "command cannot be checked; name the command literally")
            params: tuple[str, ...] = ()
            if len(node.args) > 1:
                body = node.args[1]
                if not isinstance(body, ast.Dict) or not all(
                    isinstance(k, ast.Constant) and isinstance(k.value, str) for k in body.keys
                ):
                    raise AssertionError(f"{path.name}:{node.lineno}: give the parameters of "
                                         f"{first.value!r} as a dict literal")
                params = tuple(str(k.value) for k in body.keys if isinstance(k, ast.Constant))
            found.append((node.lineno, first.value, params))
        elif name in HELPERS and path.name in PLATFORM_OF:
            found.append((node.lineno, *HELPERS[name]))
    return found


def _modules_sending() -> dict[Path, list[tuple[int, str, tuple[str, ...]]]]:
    modules = {}
    for path in sorted((REPO / "devices").glob("*.py")):
        sent = [s for s in _sent(path) if s[1].startswith("mobile:")]
        if sent:
            modules[path] = sent
    return modules


def _violations() -> list[str]:
    problems = []
    for path, sent in _modules_sending().items():
        platform = PLATFORM_OF.get(path.name)
        if platform is None:
            problems.append(f"devices/{path.name} sends mobile: commands but is not in "
                            "PLATFORM_OF (say which driver it talks to)")
            continue
        contract = contract_for(platform)
        for line, command, params in sent:
            try:
                contract.check(command, dict.fromkeys(params))
            except (UnsupportedMethod, InvalidParams) as exc:
                problems.append(f"devices/{path.name}:{line}: {exc}")
    return problems


def test_every_mobile_command_devices_sends_is_one_its_driver_has() -> None:
    modules = _modules_sending()
    assert {p.name for p in modules} >= {"android.py", "ios.py"}, "the scan found nothing"
    assert _violations() == []


def test_the_scan_would_catch_a_renamed_command(tmp_path: Path) -> None:
    """The check itself can fail: a command and a parameter the drivers lack are reported."""
    contract = contract_for(Platform.ANDROID)
    with pytest.raises(UnsupportedMethod, match=r"'mobile: getDeviceInfo', did you mean "
                                                r"'mobile: deviceInfo'\?"):
        contract.check("mobile: getDeviceInfo", {})
    with pytest.raises(InvalidParams, match="needs keycode"):
        contract.check("mobile: pressKey", {"keyCode": 6})
    with pytest.raises(InvalidParams, match="takes no parameter argv"):
        contract.check("mobile: shell", {"command": "ls", "argv": []})
    with pytest.raises(UnsupportedMethod):  # an Android command is not an iOS one
        contract_for(Platform.IOS).check("mobile: shell", {"command": "ls"})


def test_the_virtual_farm_and_the_plugin_answer_only_real_driver_methods() -> None:
    from devices.sim.mobile import SIMULATED

    for platform, handlers in SIMULATED.items():
        methods = contract_for(platform).methods
        assert sorted(set(handlers) - set(methods)) == [], platform
    plugin = (REPO / "devices" / "appium-plugin" / "index.js").read_text(encoding="utf-8")
    table = plugin.split("const MOBILE = {", 1)[1].split("\n};", 1)[0]
    answered = set(re.findall(r"'(mobile: \w+)'", table))
    assert answered, "the plugin's MOBILE table moved: update this test"
    known = set(contract_for(Platform.ANDROID).methods) | set(contract_for(Platform.IOS).methods)
    assert sorted(answered - known) == []


def _spec(platform: Platform, capabilities: dict[str, Any]) -> HandsetSpec:
    dialer = DialerKind.IOS if platform is Platform.IOS else DialerKind.GOOGLE
    return HandsetSpec(id="h", platform=platform, dialer=dialer, carrier="tmobile",
                       msisdn="+12025550181", appium_url="http://127.0.0.1:4723",
                       capabilities=tuple(capabilities.items()))  # fmt: skip


def _documented_farm_capabilities() -> list[tuple[Platform, dict[str, Any]]]:
    """The `capabilities:` of every handset in docs/real-farm.md's farm.yaml examples."""
    text = (REPO / "docs" / "real-farm.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S):
        data = yaml.safe_load(block) or {}
        handsets = data.get("handsets") if isinstance(data, dict) else None
        for handset in handsets if isinstance(handsets, list) else ():
            found.append((Platform(handset["platform"]), dict(handset.get("capabilities") or {})))
    return found


def test_every_capability_we_set_is_known_to_the_driver() -> None:
    documented = _documented_farm_capabilities()
    assert {p for p, _ in documented} == {Platform.ANDROID, Platform.IOS}
    for platform, farm_caps in documented:
        spec = _spec(platform, farm_caps)
        profile = profile_for(spec.dialer)
        strategy = AndroidStrategy(spec, profile) if platform is Platform.ANDROID else \
            IosStrategy(spec, profile)
        caps = strategy.options().to_capabilities()
        caps.update(farm_caps)
        assert contract_for(platform).unknown_capabilities(caps) == [], (platform, caps)
    assert contract_for(Platform.ANDROID).unknown_capabilities(["appium:wdaLocalPort"]) == [
        "appium:wdaLocalPort"
    ]


@pytest.mark.appium
def test_the_snapshot_is_what_the_installed_drivers_say() -> None:
    need("the Appium drivers from npm", DRIVERS_INSTALLED and shutil.which("node") is not None,
         "run `npm ci` in the repo root")
    out = subprocess.run(["node", str(REPO / "devices" / "appium-plugin" / "contract.js")],
                         cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == raw_contract(), (
        "the drivers in node_modules differ from devices/appium_contract.json: regenerate it "
        "with `node devices/appium-plugin/contract.js > devices/appium_contract.json`"
    )
