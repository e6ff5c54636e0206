"""The virtual farm's Appium face, driven by the real Appium client, `AppiumHandset` and raw
HTTP for the W3C error shapes."""

from __future__ import annotations

import base64
import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from appium import webdriver
from appium.options.android import UiAutomator2Options
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

from devices.appium import AppiumHandset
from devices.sim.config import HandsetSim
from devices.sim.handset import SimHandset
from devices.sim.http import WebDriverServer
from devices.sim.screen import CallScreen
from devices.sim.truth import TruthLog
from devices.sim.webdriver import WebDriverApp
from robot.domain.model import DialerKind, DisplayState, Platform
from robot.domain.model import Handset as HandsetSpec
from robot.ports import EndHow


def _spec(hid: str, platform: Platform, dialer: DialerKind, msisdn: str) -> HandsetSpec:
    return HandsetSpec(id=hid, platform=platform, dialer=dialer, carrier="sim-tmobile",
                       msisdn=msisdn, appium_url="", capabilities=(("appium:udid", f"u-{hid}"),))


@dataclasses.dataclass
class Rig:
    url: str
    handsets: dict[str, SimHandset]
    declined: list[tuple[str, str]]

    def spec(self, hid: str) -> HandsetSpec:
        return dataclasses.replace(self.handsets[hid].spec, appium_url=self.url)


@pytest.fixture
def rig() -> Iterator[Rig]:
    specs = [
        _spec("pixel", Platform.ANDROID, DialerKind.GOOGLE, "+12025550181"),
        _spec("galaxy", Platform.ANDROID, DialerKind.SAMSUNG, "+12025550182"),
        _spec("iphone", Platform.IOS, DialerKind.IOS, "+12025550185"),
    ]
    handsets = {s.id: SimHandset(s) for s in specs}
    handsets["galaxy"] = SimHandset(specs[1], HandsetSim(heads_up=True))
    declined: list[tuple[str, str]] = []
    for handset in handsets.values():
        handset.on_decline = lambda call_id, hid: declined.append((call_id, hid))
    server = WebDriverServer(WebDriverApp(handsets, TruthLog()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Rig(server.url, handsets, declined)
    server.shutdown()
    server.server_close()


CALL = CallScreen("+12025550100", "NORTHWIND BANK", "Spam Risk")


def test_appium_client_session_screenshot_source_and_mobile_commands(rig: Rig) -> None:
    options = UiAutomator2Options()
    options.udid = "u-pixel"
    driver = webdriver.Remote(rig.url, options=options)
    try:
        assert driver.get_screenshot_as_png().startswith(b"\x89PNG")
        registry = driver.execute_script("mobile: shell", {"command": "dumpsys",
                                                           "args": ["telephony.registry"]})
        assert "mCallState=0" in registry and "mVoiceRegState=0(IN_SERVICE)" in registry
        with pytest.raises(NoSuchElementException):
            driver.find_element(AppiumBy.ID, "contactgrid_contact_name")

        rig.handsets["pixel"].ring("call-1", CALL)
        assert "mCallState=1" in driver.execute_script(
            "mobile: shell", {"command": "dumpsys", "args": ["telephony.registry"]})
        assert driver.execute_script("mobile: getCurrentPackage") == "com.google.android.dialer"
        name = driver.find_element(AppiumBy.ID,
                                   "com.google.android.dialer:id/contactgrid_contact_name")
        assert name.text == "NORTHWIND BANK"
        assert name.rect["width"] > 0
        assert "Spam Risk" in driver.page_source
        label = driver.find_element(AppiumBy.XPATH, "//*[@text='Spam Risk']")
        assert str(label.get_attribute("resource-id")).endswith("contactgrid_top_row")
        info = driver.execute_script("mobile: deviceInfo")
        assert info["carrierName"] == "sim-tmobile"
        assert driver.execute_script("mobile: batteryInfo")["level"] == pytest.approx(0.87)

        driver.execute_script("mobile: pressKey", {"keycode": 6})
        assert rig.declined == [("call-1", "pixel")]
        with pytest.raises(StaleElementReferenceException):
            _ = name.text
    finally:
        driver.quit()


@pytest.mark.parametrize("hid,display,heads_up", [
    ("pixel", DisplayState.LOCKED, False), ("galaxy", DisplayState.LOCKED, False),
    ("galaxy", DisplayState.IN_USE, True), ("iphone", DisplayState.IN_USE, True)])
def test_appium_handset_sees_ring_captures_and_declines(rig: Rig, hid: str,
                                                        display: DisplayState,
                                                        heads_up: bool) -> None:
    handset = AppiumHandset(rig.spec(hid), poll_interval_s=0.05, end_timeout_s=3.0)
    try:
        handset.prepare(display)
        assert handset.wait_for_incoming(time.monotonic() + 0.1) is None
        rig.handsets[hid].ring(f"call-{hid}", CALL)
        seen = handset.wait_for_incoming(time.monotonic() + 5)
        assert seen is not None and seen.heads_up is heads_up
        frames = handset.capture(frames=2, interval_s=0.05)
        assert frames[0].png == rig.handsets[hid].screen().png
        assert handset.end_call(EndHow.DECLINE) is True
        assert rig.declined == [(f"call-{hid}", hid)]
        health = handset.health()
        assert health.reachable and health.battery_pct == pytest.approx(87.0)
    finally:
        handset.close()


def test_a_locked_iphone_cannot_decline_so_the_caller_cancels(rig: Rig) -> None:
    handset = AppiumHandset(rig.spec("iphone"), poll_interval_s=0.05, end_timeout_s=1.0)
    try:
        handset.prepare(DisplayState.LOCKED)
        rig.handsets["iphone"].ring("c-locked", CALL)
        seen = handset.wait_for_incoming(time.monotonic() + 5)
        assert seen is not None and seen.foreground == "com.apple.InCallService"
        assert 'name="Decline"' not in handset.capture(frames=1)[0].page_source
        assert handset.end_call(EndHow.DECLINE) is False  # slide to answer: no Decline
        assert rig.declined == []
        rig.handsets["iphone"].end("c-locked")  # the caller's CANCEL
        assert handset.end_call(EndHow.CALLER_CANCEL) is True
    finally:
        handset.close()


def test_ios_source_hides_the_caller_and_activeappinfo_shows_incallservice(rig: Rig) -> None:
    caps = {"capabilities": {"alwaysMatch": {"platformName": "iOS", "appium:udid": "u-iphone"}}}
    with httpx.Client(base_url=rig.url) as http:
        sid = http.post("/session", json=caps).json()["value"]["sessionId"]
        rig.handsets["iphone"].ring("c9", CALL)
        app = http.post(f"/session/{sid}/execute/sync",
                        json={"script": "mobile: activeAppInfo", "args": []}).json()["value"]
        assert app["bundleId"] == "com.apple.InCallService"
        android_only = http.post(f"/session/{sid}/execute/sync",  # XCUITest has no shell
                                 json={"script": "mobile: shell", "args": [{"command": "ls"}]})
        assert android_only.json()["value"]["error"] == "unsupported operation"
        source = http.get(f"/session/{sid}/source").json()["value"]
        assert 'name="Decline"' in source and "NORTHWIND" not in source
        shot = http.get(f"/session/{sid}/screenshot").json()["value"]
        assert base64.b64decode(shot).startswith(b"\x89PNG")
        assert http.delete(f"/session/{sid}").status_code == 200


@pytest.mark.parametrize("method,path,body,status,error", [
    ("GET", "/session/nope/source", None, 404, "invalid session id"),
    ("GET", "/nothing/here", None, 404, "unknown command"),
    ("POST", "/session", {"capabilities": {"alwaysMatch": {"appium:udid": "ghost"}}}, 500,
     "session not created"),
    ("POST", "/session", {"capabilities": {"alwaysMatch": {"platformName": "iOS",
                                                           "appium:udid": "u-pixel"}}}, 500,
     "session not created"),
    ("POST", "/session", {"desiredCapabilities": {}}, 400, "invalid argument"),
])
def test_w3c_errors(rig: Rig, method: str, path: str, body: object, status: int,
                    error: str) -> None:
    response = httpx.request(method, rig.url + path, json=body)
    assert response.status_code == status
    value = response.json()["value"]
    assert value["error"] == error and value["message"]


def test_w3c_errors_inside_a_session(rig: Rig) -> None:
    caps = {"capabilities": {"alwaysMatch": {"appium:udid": "u-pixel"}}}
    with httpx.Client(base_url=rig.url) as http:
        sid = http.post("/session", json=caps).json()["value"]["sessionId"]
        missing = http.post(f"/session/{sid}/element", json={"using": "id", "value": "x"})
        assert missing.status_code == 404 and missing.json()["value"]["error"] == "no such element"
        bad = http.post(f"/session/{sid}/element", json={"using": "magic", "value": "x"})
        assert bad.json()["value"]["error"] == "invalid selector"
        unknown = http.post(f"/session/{sid}/execute/sync",
                            json={"script": "mobile: flyToTheMoon", "args": [{}]})
        assert unknown.json()["value"]["error"] == "unsupported operation"
        shell = http.post(f"/session/{sid}/execute/sync",
                          json={"script": "mobile: shell", "args": [{}]})
        assert shell.status_code == 400
        renamed = http.post(f"/session/{sid}/execute/sync",  # not a UiAutomator2 method
                            json={"script": "mobile: getDeviceInfo", "args": []})
        assert renamed.json()["value"]["error"] == "unsupported operation"
        assert "did you mean 'mobile: deviceInfo'" in renamed.json()["value"]["message"]
        extra = http.post(f"/session/{sid}/execute/sync",
                          json={"script": "mobile: pressKey", "args": [{"keyCode": 6}]})
        assert extra.json()["value"]["error"] == "invalid argument"
        http.delete(f"/session/{sid}")
        gone = http.get(f"/session/{sid}/screenshot")
        assert gone.json()["value"]["error"] == "invalid session id"


def test_sim_control_routes_ring_hang_up_and_set_state(rig: Rig) -> None:
    with httpx.Client(base_url=rig.url) as http:
        rung = http.post("/sim/handsets/u-pixel/ring",
                         json={"number": "+12025550100", "name": "ACME", "label": "Spam Risk"})
        assert rung.status_code == 200
        call_id = rung.json()["call_id"]
        state = http.get("/sim/handsets/pixel").json()
        assert state["call_state"] == 1 and state["call_id"] == call_id
        busy = http.post("/sim/handsets/pixel/ring", json={"number": "+12025550111"})
        assert busy.json()["value"]["error"] == "unsupported operation"
        assert http.post("/sim/handsets/pixel/hangup").status_code == 200
        assert http.get("/sim/handsets/pixel").json()["call_state"] == 0

        assert http.post("/sim/handsets/pixel/state",
                         json={"inService": False, "battery": 0.2}).status_code == 200
        bad = http.post("/sim/handsets/pixel/state", json={"colour": "red"})
        assert bad.status_code == 400 and "colour" in bad.json()["value"]["message"]
        missing = http.get("/sim/handsets/nobody")
        assert missing.status_code == 404
    handset = AppiumHandset(rig.spec("pixel"), poll_interval_s=0.05)
    try:
        health = handset.health()
        assert health.in_service is False and health.battery_pct == pytest.approx(20.0)
    finally:
        handset.close()


def test_a_carrier_app_overlay_is_seen_in_the_capture() -> None:
    from tests.sim.backend import SimBackend

    app = "com.tmobile.services.nameid"
    backend = SimBackend()
    try:
        spec = backend.spec()
        handset = backend.handset(spec, spam_apps=[app])
        handset.prepare()
        screen = CallScreen("+12025550102", "NORTHWIND BANK", overlay="Scam Likely",
                            overlay_app=app)
        assert backend.handsets[spec.id].ring("c-overlay", screen)
        assert handset.wait_for_incoming(time.monotonic() + 5) is not None
        frame = handset.capture(frames=1)[0]
        assert frame.overlay == app
        assert f'package="{app}"' in (frame.page_source or "")
    finally:
        backend.close()


class _CountingApp(WebDriverApp):
    """The virtual farm's Appium face, counting the `mobile: shell` requests it answers."""

    shells = 0

    def execute(self, sid: str, body: Any) -> Any:
        if isinstance(body, dict) and body.get("script") == "mobile: shell":
            self.shells += 1
        return super().execute(sid, body)


def test_arming_reads_and_cleans_in_one_shell_request() -> None:
    """The telephony registry, Do Not Disturb and our numbers' call-log entries take one
    `mobile: shell` round trip (`;`-separated, as the phone's sh runs it), and still do their
    work: Do Not Disturb switched off, the call log cleared."""
    spec = _spec("pixel", Platform.ANDROID, DialerKind.GOOGLE, "+12025550181")
    phone = SimHandset(spec, HandsetSim(settings={"zen_mode": "1"}))
    phone.state.call_log.append("+12025550100")
    app = _CountingApp({spec.id: phone}, TruthLog())
    server = WebDriverServer(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    handset = AppiumHandset(dataclasses.replace(spec, appium_url=server.url),
                            watch_numbers=["+12025550100"])  # fmt: skip
    try:
        handset.prepare()  # a new session: reads what only a person changes, too
        first = app.shells
        settings = dict(handset.prepare())
        assert app.shells - first == 1
        assert settings["dnd"] == "0"  # switched off at the first arming
        assert settings["call_log"] == "cleared entries from 1 number(s)"
        assert phone.state.call_log == []
        phone.set_setting("zen_mode", "1")
        phone.state.call_log.append("+12025550100")
        assert dict(handset.prepare())["dnd"] == "0 (was 1, switched off)"
        assert phone.state.call_log == []
    finally:
        handset.close()
        server.shutdown()
        server.server_close()


def test_arming_a_locked_iphone_looks_for_no_banner_an_unlocked_one_does(rig: Rig) -> None:
    """A call reaching a locked iPhone is full screen: arming a phone found locked asks its
    active app, not a screenshot. Found unlocked (in use), a banner call left over is found
    on the screenshot and declined."""
    phone = rig.handsets["iphone"]
    handset = AppiumHandset(rig.spec("iphone"), poll_interval_s=0.05, end_timeout_s=3.0)
    try:
        handset.prepare(DisplayState.LOCKED)
        shots = phone.state.screenshots
        handset.prepare(DisplayState.IN_USE)
        assert phone.state.screenshots == shots  # found locked: no banner possible
        phone.ring("left-over", CALL)  # in use: a banner, missing from the page source
        handset.prepare(DisplayState.LOCKED)
        assert phone.state.screenshots > shots
        assert rig.declined == [("left-over", "iphone")]
        assert phone.ringing is None
    finally:
        handset.close()
