"""Dialer profiles from the shared dialers.yaml: every dialer the farm file may name has what
device control needs to see a ring and decline it."""

from __future__ import annotations

import pytest

from devices.profiles import carrier_apps, load_profiles, profile_for
from robot.domain.model import DialerKind, Platform


@pytest.mark.parametrize("kind", list(DialerKind))
def test_every_dialer_can_be_declined(kind: DialerKind) -> None:
    profile = profile_for(kind)
    if profile.platform is Platform.ANDROID:
        assert profile.packages and profile.resource_id("decline")
        assert profile.resource_id("name") and profile.resource_id("number")
    else:
        assert profile.incall_bundles == ("com.apple.InCallService",)
        assert profile.decline_label("en-US") == "Decline"


def test_decline_label_follows_the_handset_locale() -> None:
    ios = profile_for(DialerKind.IOS)
    assert ios.decline_label("fr-FR") == "Refuser"
    assert ios.decline_label("zh-Hans-CN") == "拒绝"
    assert ios.decline_label("pt-BR") == "Decline"  # unknown language: English


def test_carrier_apps_are_keyed_by_lower_case_carrier() -> None:
    apps = carrier_apps()
    assert apps["verizon"] == ("com.vzw.ecid",)
    assert all(key == key.lower() for key in apps)
    assert set(load_profiles()) == set(DialerKind)
