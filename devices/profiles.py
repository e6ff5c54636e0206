"""Dialer profiles (packages, activities, resource-ids, localized buttons) read from the shared
`robot/domain/data/dialers.yaml`, so device control, screen reading and the virtual farm agree
on what an incoming-call screen looks like without copying ids into code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from robot.domain.model import DialerKind, Platform
from robot.errors import ConfigError

_FILE = "dialers.yaml"


@dataclass(frozen=True, slots=True)
class DialerProfile:
    """What one dialer app draws when a call comes in, and how to reach its buttons."""

    kind: DialerKind
    platform: Platform
    packages: tuple[str, ...] = ()
    incall_activities: tuple[str, ...] = ()
    incall_bundles: tuple[str, ...] = ()
    resource_ids: tuple[tuple[str, str], ...] = ()
    decline_labels: tuple[tuple[str, str], ...] = ()
    hygiene_settings: tuple[tuple[str, str], ...] = field(default=())
    decline_gesture: str = "tap"  # "swipe": the Decline button must be dragged (One UI)
    in_use_app: str | None = None  # the app opened for the `in_use` display state
    fixes: tuple[tuple[str, str], ...] = ()  # setting -> shell command that puts it right

    def resource_id(self, key: str) -> str | None:
        return dict(self.resource_ids).get(key)

    def fix(self, setting: str) -> str | None:
        """The shell command that fixes `setting` on this phone, or None where the OS (or
        the profile) does not allow it."""
        return dict(self.fixes).get(setting)

    def decline_label(self, locale: str) -> str:
        """The Decline button's text for `locale` (`fr-FR` → `fr`), English when unknown."""
        labels = dict(self.decline_labels)
        return labels.get(locale.split("-")[0].lower(), labels.get("en", "Decline"))


@functools.cache
def load_profiles() -> dict[DialerKind, DialerProfile]:
    """Every dialer profile, parsed once per process."""
    text = resources.files("robot.domain").joinpath("data", _FILE).read_text("utf-8")
    raw = yaml.safe_load(text) or {}
    profiles: dict[DialerKind, DialerProfile] = {}
    for name, body in (raw.get("dialers") or {}).items():
        try:
            kind = DialerKind(name)
            profiles[kind] = _profile(kind, body or {})
        except (ValueError, TypeError, AttributeError) as exc:
            raise ConfigError(
                f"dialer {name!r} is malformed: {exc}", file=_FILE, key=f"dialers.{name}"
            ) from exc
    return profiles


def _profile(kind: DialerKind, body: dict[str, Any]) -> DialerProfile:
    def pairs(key: str) -> tuple[tuple[str, str], ...]:
        return tuple((str(k), str(v)) for k, v in (body.get(key) or {}).items())

    return DialerProfile(
        kind=kind,
        platform=Platform(body["platform"]),
        packages=tuple(body.get("packages") or ()),
        incall_activities=tuple(body.get("incall_activities") or ()),
        incall_bundles=tuple(body.get("incall_bundles") or ()),
        resource_ids=pairs("resource_ids"),
        decline_labels=pairs("decline_labels"),
        hygiene_settings=pairs("hygiene_settings"),
        decline_gesture=str(body.get("decline_gesture") or "tap"),
        in_use_app=str(body["in_use_app"]) if body.get("in_use_app") else None,
        fixes=pairs("fixes"),
    )


def profile_for(kind: DialerKind) -> DialerProfile:
    profiles = load_profiles()
    if kind not in profiles:
        raise ConfigError(f"no profile for dialer {kind.value!r}", file=_FILE, key="dialers")
    return profiles[kind]


def spam_apps_for(carrier: str, configured: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The carrier's spam-filter apps: what the farm file names, else dialers.yaml's."""
    if configured is not None:
        return configured
    return carrier_apps().get(carrier.lower(), ())


@functools.cache
def carrier_apps() -> dict[str, tuple[str, ...]]:
    """Carrier spam-filter app packages by carrier id (lower case), for hygiene checks."""
    text = resources.files("robot.domain").joinpath("data", _FILE).read_text("utf-8")
    raw = yaml.safe_load(text) or {}
    return {
        str(carrier).lower(): tuple(str(p) for p in packages or ())
        for carrier, packages in (raw.get("carrier_apps") or {}).items()
    }
