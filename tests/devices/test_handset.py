"""The handset suite: what the engine relies on from a `Handset`, run against every farm
backend (the real Appium server with its fake driver now, the virtual farm later)."""

from __future__ import annotations

import time
from datetime import UTC

import pytest

from devices.appium import AppiumHandset
from robot.domain.model import DialerKind, DisplayState, Platform
from robot.ports import EndHow
from tests.devices.backends import FarmBackend

pytestmark = pytest.mark.appium


def _soon(seconds: float = 10.0) -> float:
    return time.monotonic() + seconds


def test_idle_ringing_capture_decline_idle(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    handset = farm_backend.handset(spec)
    handset.prepare()
    assert handset.wait_for_incoming(time.monotonic() + 0.2) is None

    screen = farm_backend.ring(spec, name="ACME Bank", number="+1 555-010-0199", label="Spam Risk")
    seen = handset.wait_for_incoming(_soon())
    assert seen is not None
    assert seen.heads_up is False
    assert seen.foreground == "com.google.android.dialer"
    assert seen.at.tzinfo is UTC

    frames = handset.capture(frames=3, interval_s=0.05)
    assert len(frames) == 3
    assert all(frame.png == screen.png_bytes() for frame in frames)
    assert frames[0].at <= frames[1].at <= frames[2].at
    assert frames[0].page_source is not None and "ACME Bank" in frames[0].page_source
    assert "contactgrid_contact_name" in frames[0].page_source

    assert handset.end_call(EndHow.DECLINE) is True
    assert "pressKey 6" in farm_backend.actions(spec)
    assert handset.wait_for_incoming(time.monotonic()) is None


def test_ring_while_phone_in_use_is_seen_as_heads_up(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    handset = farm_backend.handset(spec)
    handset.prepare(DisplayState.IN_USE)
    assert "activateApp com.google.android.apps.photos" in farm_backend.actions(spec)
    farm_backend.ring(spec, name="ACME", number="+15550100199", heads_up=True)
    seen = handset.wait_for_incoming(_soon())
    assert seen is not None and seen.heads_up is True
    assert "heads-up" in seen.how


def test_decline_button_when_endcall_key_is_ignored(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec(dialer=DialerKind.SAMSUNG)
    handset = farm_backend.handset(spec, end_timeout_s=1.0)
    handset.prepare()
    farm_backend.ring(spec, name="ACME", number="+15550100199")
    farm_backend.set_state(spec, faults={"ignoreEndCallKey": True})
    assert handset.wait_for_incoming(_soon()) is not None
    assert handset.end_call(EndHow.DECLINE) is True
    actions = farm_backend.actions(spec)
    assert "pressKey 6 ignored" in actions
    assert "drag com.samsung.android.incallui:id/reject_button" in actions  # One UI: a swipe


def test_caller_cancel_returns_idle_only_once_the_call_is_gone(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    handset = farm_backend.handset(spec, end_timeout_s=0.3)
    handset.prepare()
    farm_backend.ring(spec, name="ACME", number="+15550100199")
    assert handset.end_call(EndHow.CALLER_CANCEL) is False  # still ringing: not idle
    farm_backend.hang_up(spec)
    assert handset.end_call(EndHow.CALLER_CANCEL) is True


def test_prepare_dismisses_a_leftover_call(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    farm_backend.ring(spec, name="Old call", number="+15550100100")
    handset = farm_backend.handset(spec)
    handset.prepare()
    assert handset.wait_for_incoming(time.monotonic()) is None
    assert "pressKey 6" in farm_backend.actions(spec)


def test_ios_springboard_incall_service_and_localized_decline(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec(platform=Platform.IOS, dialer=DialerKind.IOS)
    handset = farm_backend.handset(spec)
    handset.prepare(DisplayState.IN_USE)  # unlocked: the full-screen call has a Decline button
    assert handset.wait_for_incoming(time.monotonic()) is None
    farm_backend.ring(spec, name="ACME Bank", number="+15550100199")
    seen = handset.wait_for_incoming(_soon())
    assert seen is not None and seen.foreground == "com.apple.InCallService"
    assert handset.capture(frames=1)[0].png.startswith(b"\x89PNG")
    assert handset.end_call(EndHow.DECLINE) is True
    assert "click Decline" in farm_backend.actions(spec)


def test_ios_banner_while_in_use(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec(platform=Platform.IOS, dialer=DialerKind.IOS)
    handset = farm_backend.handset(spec)
    handset.prepare(DisplayState.IN_USE)
    assert "activateApp com.apple.mobileslideshow" in farm_backend.actions(spec)
    farm_backend.ring(spec, name="ACME Bank", number="+15550100199", heads_up=True)
    seen = handset.wait_for_incoming(_soon())
    assert seen is not None and seen.heads_up is True
    assert "screenshot" in seen.how  # found on the screen, not in the page source


def test_handset_is_a_handset_port(farm_backend: FarmBackend) -> None:
    from robot.ports import Handset, HandsetProbe

    handset: Handset = farm_backend.handset(farm_backend.spec())
    probe: HandsetProbe = farm_backend.handset(farm_backend.spec())
    assert isinstance(handset, AppiumHandset) and isinstance(probe, AppiumHandset)


def test_arming_again_reads_only_what_calls_or_the_phone_change(
    farm_backend: FarmBackend,
) -> None:
    """A phone's SIM slot, Stay awake, saved contacts and spam apps are read once per session:
    arming for the next call asks only for what a call or the phone itself changes."""
    spec = farm_backend.spec()
    handset = farm_backend.handset(spec, watch_numbers=["+15550100199"])
    first = dict(handset.prepare())
    farm_backend.set_state(spec, settings={"zen_mode": "1"})  # the owner's DND schedule

    def session_reads(actions: list[str]) -> list[str]:
        return [a for a in actions if "siminfo" in a or "contacts" in a or "stay_on" in a]

    done = len(farm_backend.actions(spec))
    second = dict(handset.prepare())
    again = farm_backend.actions(spec)[done:]
    assert session_reads(again) == []
    assert sum("telephony.registry" in a for a in again) == 1  # seen idle: no second look
    assert second["contact:+15550100199"] == first["contact:+15550100199"] == "not saved"
    # seen at the next call: "1 (could not switch off)", or "0 (was 1, switched off)"
    assert first["dnd"] == "0" and "1" in second["dnd"]

    handset.close()  # a new session (a restarted server, another phone) reads them again
    done = len(farm_backend.actions(spec))
    handset.prepare()
    assert session_reads(farm_backend.actions(spec)[done:]) != []
