"""How a handset fails: each failure is one clear `DeviceError` naming the handset and cause,
and frames already taken are kept."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from devices.appium import AppiumHandset
from devices.boundary import cause, device_error, session_lost
from robot.domain.model import DialerKind, DisplayState, Platform
from robot.domain.model import Handset as HandsetSpec
from robot.errors import DeviceError, PartialCaptureError
from robot.ports import EndHow
from tests.devices.appium_peer import appium_available, start_appium, stop_appium
from tests.devices.backends import AppiumFakeBackend, FarmBackend
from tests.support.peers import free_port, need


def _dead_spec(handset_id: str = "dead-1") -> HandsetSpec:
    return HandsetSpec(
        id=handset_id, platform=Platform.ANDROID, dialer=DialerKind.GOOGLE, carrier="AT&T",
        msisdn="+15550000009", appium_url=f"http://127.0.0.1:{free_port()}",
    )  # fmt: skip


def test_appium_server_down_is_a_device_error_and_an_unreachable_health() -> None:
    handset = AppiumHandset(_dead_spec(), connect_timeout_s=1.0)
    with pytest.raises(DeviceError, match=r"handset dead-1: the Appium server at .* not reachable"):
        handset.prepare()
    health = handset.health()
    assert health.reachable is False and health.healthy is False
    assert health.error is not None and "not reachable" in health.error


@pytest.mark.appium
def test_session_lost_mid_capture_keeps_the_frames_taken(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    handset = farm_backend.handset(spec)
    handset.prepare()
    farm_backend.ring(spec, name="ACME", number="+15550100199")
    assert handset.wait_for_incoming(time.monotonic() + 10) is not None
    farm_backend.set_state(spec, screenshots=0, faults={"loseSessionAfterScreenshots": 1})
    with pytest.raises(PartialCaptureError, match="session was lost") as caught:
        handset.capture(frames=3, interval_s=0.01)
    assert len(caught.value.captures) == 1
    assert "also after a new session" in str(caught.value)
    assert handset.unhealthy is not None
    with pytest.raises(DeviceError):  # unhealthy until the next prepare()
        handset.wait_for_incoming(time.monotonic())


@pytest.mark.appium
def test_a_session_lost_once_is_replaced_and_the_capture_goes_on(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    handset = farm_backend.handset(spec)
    handset.prepare()
    farm_backend.ring(spec, name="ACME", number="+15550100199")
    farm_backend.set_state(
        spec, screenshots=0, faults={"loseSessionAfterScreenshots": 1, "loseSessionTimes": 1}
    )
    assert len(handset.capture(frames=3, interval_s=0.01)) == 3
    assert handset.unhealthy is None


@pytest.mark.appium
def test_slow_screenshot_is_a_device_error(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    handset = farm_backend.handset(spec, command_timeout_s=1.0)
    handset.prepare()
    farm_backend.set_state(spec, faults={"screenshotDelayMs": 2500})
    with pytest.raises(DeviceError, match=r"capturing frame 1 of 1 failed: no answer in time"):
        handset.capture(frames=1)


@pytest.mark.appium
def test_no_service_fails_prepare_and_health(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    farm_backend.set_state(spec, inService=False)
    handset = farm_backend.handset(spec)
    with pytest.raises(DeviceError, match="no mobile service"):
        handset.prepare()
    health = handset.health()
    assert health.reachable is True and health.in_service is False and not health.healthy


@pytest.mark.appium
def test_a_passcode_fails_prepare_for_a_phone_in_use(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    farm_backend.set_state(spec, locked=True, passcode=True)
    with pytest.raises(DeviceError, match="screen stays locked"):
        farm_backend.handset(spec).prepare(DisplayState.IN_USE)


@pytest.mark.appium
def test_health_reports_radio_battery_and_hygiene(farm_backend: FarmBackend) -> None:
    spec = dataclasses.replace(farm_backend.spec(), carrier="Verizon")
    farm_backend.set_state(
        spec, battery=0.42, carrier="Verizon", msisdn="+15550000001",
        contacts=["+15550100199"], settings={"zen_mode": "1"},
        packages={"com.vzw.ecid": "13.2.1"},
    )  # fmt: skip
    handset = farm_backend.handset(spec, watch_numbers=["+15550100199", "+15550100200"])
    health = handset.health()
    assert health.healthy and health.reachable
    assert health.battery_pct == 42.0
    assert health.carrier_name == "Verizon" and health.msisdn == "+15550000001"
    assert health.in_service is True and health.airplane_mode is False and health.locked is False
    hygiene = dict(health.hygiene)
    assert hygiene["dnd"] == "1"
    assert hygiene["contact:+15550100199"].startswith("saved as")
    assert hygiene["contact:+15550100200"] == "not saved"
    assert hygiene["app:com.vzw.ecid"] == "13.2.1"


def test_library_errors_become_one_line_causes() -> None:
    from selenium.common.exceptions import InvalidSessionIdException, StaleElementReferenceException
    from urllib3.exceptions import ReadTimeoutError

    stale = StaleElementReferenceException("stale element reference")
    assert "went stale" in cause(stale) and not session_lost(stale)
    lost = InvalidSessionIdException("invalid session id")
    assert session_lost(lost)
    timeout = ReadTimeoutError(None, "/screenshot", "read timed out")  # type: ignore[arg-type]
    assert not session_lost(timeout)
    error = device_error("h1", "capturing frame 1 of 1", timeout)
    assert str(error) == (
        "handset h1: capturing frame 1 of 1 failed: no answer in time (ReadTimeoutError)"
    )
    assert device_error("h1", "x", error) is error


@pytest.mark.appium
def test_a_stale_decline_button_is_found_again(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    handset = farm_backend.handset(spec, end_timeout_s=1.0)
    handset.prepare()
    farm_backend.ring(spec, name="ACME", number="+15550100199")
    farm_backend.set_state(spec, faults={"ignoreEndCallKey": True, "staleClicks": 1})
    assert handset.end_call(EndHow.DECLINE) is True
    assert [a for a in farm_backend.actions(spec) if a.startswith("click")] == [
        "click stale",
        "click com.google.android.dialer:id/incoming_call_decline",
    ]


@pytest.mark.appium
def test_a_decline_button_that_stays_stale_is_a_device_error(farm_backend: FarmBackend) -> None:
    spec = farm_backend.spec()
    handset = farm_backend.handset(spec, end_timeout_s=1.0)
    handset.prepare()
    farm_backend.ring(spec, name="ACME", number="+15550100199")
    farm_backend.set_state(spec, faults={"ignoreEndCallKey": True, "staleClicks": 5})
    with pytest.raises(DeviceError, match=r"tapping Decline failed: the element went stale"):
        handset.end_call(EndHow.DECLINE)


@pytest.mark.appium
def test_appium_server_stopping_mid_run_is_a_device_error(tmp_path: Path) -> None:
    need("appium", appium_available(), "run `npm ci` in the repo root")
    own = start_appium(tmp_path)  # a server of its own, to stop under the handset
    try:
        backend = AppiumFakeBackend(own, tmp_path)
        spec = backend.spec()
        handset = backend.handset(spec)
        handset.prepare()
    finally:
        stop_appium(own)
    with pytest.raises(DeviceError, match=r"Appium server at .* is not reachable"):
        handset.wait_for_incoming(time.monotonic() + 1)
    assert handset.unhealthy is not None
    assert handset.health().reachable is False
    backend.close()
