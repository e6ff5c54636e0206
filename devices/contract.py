"""What the real Appium drivers accept: their `mobile:` execute methods with parameters and
their capability constraints, per platform (UiAutomator2 for Android, XCUITest for iOS).

Read from `devices/appium_contract.json`, which is the output of
`node devices/appium-plugin/contract.js` over the drivers pinned in package.json (a test keeps
the two equal). The virtual farm answers only what is in here and the contract tests hold
`devices/android.py` and `devices/ios.py` to it, so a command a real phone would refuse fails
in our tests too, not first on a customer's farm.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from robot.config.hints import did_you_mean
from robot.domain.model import Platform

CONTRACT_FILE = "appium_contract.json"

# W3C capabilities any driver takes (WebDriver §7.2), unprefixed.
W3C_CAPABILITIES = frozenset({
    "browserName", "browserVersion", "platformName", "acceptInsecureCerts", "pageLoadStrategy",
    "proxy", "setWindowRect", "timeouts", "strictFileInteractability",
    "unhandledPromptBehavior", "webSocketUrl", "userAgent",
})  # fmt: skip


class UnsupportedMethod(Exception):
    """The driver has no such execute method (Appium answers `unsupported operation`)."""


class InvalidParams(Exception):
    """A required parameter is missing or an unknown one was given (`invalid argument`)."""


@dataclass(frozen=True, slots=True)
class ExecuteMethod:
    """One `mobile:` method: alternative sets of required parameters, and optional ones."""

    name: str
    required: tuple[tuple[str, ...], ...]
    optional: tuple[str, ...]

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.optional).union(*self.required) if self.required else frozenset(
            self.optional
        )

    def check(self, params: Mapping[str, Any]) -> None:
        """Raise `InvalidParams` unless one required set is complete and nothing is unknown.

        Appium itself drops unknown parameters with a log line; we refuse them, because a
        parameter the driver ignores is a setting the robot believes it made and did not.
        """
        given = set(params)
        if self.required and not any(set(s) <= given for s in self.required):
            wanted = " or ".join("/".join(s) for s in self.required)
            raise InvalidParams(f"'{self.name}' needs {wanted}; got {sorted(given) or 'none'}")
        unknown = sorted(given - self.known - {"sessionId", "id"})
        if unknown:
            known = ", ".join(sorted(self.known)) or "none"
            raise InvalidParams(
                f"'{self.name}' takes no parameter {', '.join(unknown)} (it takes: {known})"
            )


@dataclass(frozen=True, slots=True)
class DriverContract:
    """One real driver's execute methods and capability names."""

    platform: Platform
    driver: str
    version: str
    methods: Mapping[str, ExecuteMethod]
    capabilities: frozenset[str]

    def method(self, script: str) -> ExecuteMethod:
        """The method, or `UnsupportedMethod` worded like Appium's own error."""
        name = script.strip()
        found = self.methods.get(name)
        if found is None:
            guess = did_you_mean(name, self.methods)
            hint = f", did you mean '{guess}'?" if guess else "."
            raise UnsupportedMethod(
                f"Unsupported execute method '{name}'{hint} It is not in {self.driver} "
                f"{self.version}."
            )
        return found

    def check(self, script: str, params: Mapping[str, Any]) -> ExecuteMethod:
        method = self.method(script)
        method.check(params)
        return method

    def unknown_capabilities(self, names: Iterable[str]) -> list[str]:
        """Capabilities neither W3C nor known to this driver or Appium's base constraints."""
        unknown = []
        for name in names:
            bare = name.split(":", 1)[1] if ":" in name else name
            if ":" in name and not name.startswith("appium:"):
                continue  # vendor extensions (goog:, ms:, ...) belong to other tools
            if bare in W3C_CAPABILITIES or bare in self.capabilities:
                continue
            unknown.append(name)
        return unknown


def _method(name: str, body: Mapping[str, Any]) -> ExecuteMethod:
    return ExecuteMethod(
        name=name,
        required=tuple(tuple(s) for s in body.get("required") or ()),
        optional=tuple(body.get("optional") or ()),
    )


def raw_contract() -> dict[str, Any]:
    text = resources.files("devices").joinpath(CONTRACT_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def contract_for(platform: Platform) -> DriverContract:
    """The contract of the driver ringcheck uses on `platform`."""
    data = raw_contract()
    body = data["drivers"][platform.value]
    return DriverContract(
        platform=platform,
        driver=str(body["driver"]),
        version=str(body["version"]),
        methods={n: _method(n, m) for n, m in body["execute_methods"].items()},
        capabilities=frozenset(body["capabilities"]) | frozenset(data["base_capabilities"]),
    )
