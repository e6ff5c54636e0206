"""The virtual farm's Appium face: one W3C WebDriver HTTP endpoint for every simulated handset,
picked by `appium:udid` in the session's capabilities, plus the ground-truth routes
(`GET /sim/calls`, `/sim/calls/<call-id>`, `/sim/live`) on the same server.

It implements what `AppiumHandset` uses and answers everything else with W3C error JSON
(`unknown command`, `invalid session id`, `no such element`, ...), so a robot that works here
fails the same way it would against a real Appium server.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote

from devices.sim import mobile
from devices.sim.elements import Element, InvalidSelector, find, screen_key
from devices.sim.handset import SimHandset
from devices.sim.screen import CallScreen
from robot.domain.model import DialerKind

log = logging.getLogger(__name__)
ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
STATUS = {"invalid session id": 404, "no such element": 404, "unknown command": 404,
           "stale element reference": 404, "invalid argument": 400, "invalid selector": 400,
           "session not created": 500, "unknown method": 405, "unsupported operation": 500,
           "unknown error": 500}


class W3CError(Exception):
    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


@dataclass
class Session:
    id: str
    handset: SimHandset
    capabilities: dict[str, Any]
    elements: dict[str, Element] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


class Truth(Protocol):
    """What the ground-truth routes read (implemented by `devices.sim.truth.TruthLog`)."""

    def calls(self) -> list[dict[str, Any]]: ...

    def live(self) -> int: ...


def udid_of(handset: SimHandset) -> str:
    caps = dict(handset.spec.capabilities)
    return str(caps.get("appium:udid") or caps.get("udid") or handset.id)


class WebDriverApp:
    """Routes and sessions; the HTTP handler only parses and serialises."""

    def __init__(self, handsets: Mapping[str, SimHandset], truth: Truth) -> None:
        self.by_udid: dict[str, SimHandset] = {}
        for handset in handsets.values():
            self.by_udid[udid_of(handset)] = handset
            self.by_udid.setdefault(handset.id, handset)
        self.truth = truth
        self.sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = []
        for method, pattern, handler in (
            ("GET", r"/status", self.status),
            ("POST", r"/session", self.new_session),
            ("GET", r"/sessions", self.list_sessions),
            ("DELETE", r"/session/([^/]+)", self.delete_session),
            ("GET", r"/session/([^/]+)", self.get_session),
            ("GET", r"/session/([^/]+)/screenshot", self.screenshot),
            ("GET", r"/session/([^/]+)/source", self.source),
            ("POST", r"/session/([^/]+)/element", self.find_one),
            ("POST", r"/session/([^/]+)/elements", self.find_all),
            ("GET", r"/session/([^/]+)/element/([^/]+)/text", self.element_text),
            ("GET", r"/session/([^/]+)/element/([^/]+)/attribute/([^/]+)", self.element_attr),
            ("GET", r"/session/([^/]+)/element/([^/]+)/rect", self.element_rect),
            ("GET", r"/session/([^/]+)/element/([^/]+)/displayed", self.element_displayed),
            ("POST", r"/session/([^/]+)/element/([^/]+)/click", self.element_click),
            ("POST", r"/session/([^/]+)/execute/sync", self.execute),
            ("GET", r"/session/([^/]+)/timeouts", self.timeouts),
            ("POST", r"/session/([^/]+)/timeouts", self.set_timeouts),
            ("GET", r"/session/([^/]+)/window/rect", self.window_rect),
            ("GET", r"/session/([^/]+)/appium/settings", self.get_settings),
            ("POST", r"/session/([^/]+)/appium/settings", self.update_settings),
            ("GET", r"/sim/calls", self.sim_calls),
            ("GET", r"/sim/calls/([^/]+)", self.sim_call),
            ("GET", r"/sim/live", self.sim_live),
            ("GET", r"/sim/handsets/([^/]+)", self.handset_state),
            ("POST", r"/sim/handsets/([^/]+)/state", self.set_handset_state),
            ("POST", r"/sim/handsets/([^/]+)/ring", self.ring_handset),
            ("POST", r"/sim/handsets/([^/]+)/hangup", self.hang_up_handset),
        ):
            self._routes.append((method, re.compile(f"^(?:/wd/hub)?{pattern}/?$"), handler))

    def add(self, handset: SimHandset) -> None:
        """Serve one more handset (tests build handsets on the fly)."""
        with self._lock:
            self.by_udid[udid_of(handset)] = handset
            self.by_udid.setdefault(handset.id, handset)

    def dispatch(self, method: str, path: str, body: Any, query: dict[str, list[str]]) -> Any:
        known_path = False
        for verb, pattern, handler in self._routes:
            match = pattern.match(path)
            if match is None:
                continue
            known_path = True
            if verb == method:
                if handler in (self.sim_calls,):
                    return handler(query)
                groups = [unquote(g) for g in match.groups()]
                return handler(*groups, body) if method == "POST" else handler(*groups)
        what = f"{method} {path}"
        if known_path:
            raise W3CError("unknown method", f"{what} is not a supported method for this route")
        raise W3CError("unknown command", f"{what} is not a command the virtual farm knows")

    # --- sessions ---------------------------------------------------------------------------

    def status(self) -> Any:
        return {"ready": True, "message": "ringcheck virtual farm",
                "build": {"version": "ringcheck-sim"}}

    def new_session(self, body: Any) -> Any:
        caps = _capabilities(body)
        udid = caps.get("appium:udid") or caps.get("udid")
        handset = self.by_udid.get(str(udid)) if udid else None
        if handset is None:
            raise W3CError("session not created",
                           f"no simulated handset with appium:udid {udid!r} "
                           f"(known: {', '.join(sorted(self.by_udid))})")
        platform = str(caps.get("platformName") or handset.spec.platform.value).lower()
        if platform != handset.spec.platform.value:
            raise W3CError("session not created",
                           f"handset {handset.id} is {handset.spec.platform.value}, "
                           f"not {platform}")
        session = Session(uuid.uuid4().hex, handset, {**caps, "platformName":
                                                     handset.spec.platform.value})
        with self._lock:
            self.sessions[session.id] = session
        return {"sessionId": session.id, "capabilities": session.capabilities}

    def list_sessions(self) -> Any:
        with self._lock:
            return [{"id": s.id, "capabilities": s.capabilities} for s in self.sessions.values()]

    def _session(self, sid: str) -> Session:
        with self._lock:
            session = self.sessions.get(sid)
        if session is None:
            raise W3CError("invalid session id", f"session {sid} does not exist or was deleted")
        return session

    def get_session(self, sid: str) -> Any:
        return self._session(sid).capabilities

    def delete_session(self, sid: str) -> Any:
        self._session(sid)
        with self._lock:
            self.sessions.pop(sid, None)
        return None

    def timeouts(self, sid: str) -> Any:
        self._session(sid)
        return {"implicit": 0, "pageLoad": 300000, "script": 30000}

    def set_timeouts(self, sid: str, body: Any) -> Any:
        self._session(sid)
        return None

    def window_rect(self, sid: str) -> Any:
        drawn = self._session(sid).handset.screen()
        return {"x": 0, "y": 0, "width": drawn.width, "height": drawn.height}

    # --- screen -----------------------------------------------------------------------------

    def screenshot(self, sid: str) -> Any:
        """The PNG, with the faults a real phone shows: slow captures, sessions lost."""
        session = self._session(sid)
        state = session.handset.state
        state.screenshots += 1
        faults = state.faults
        if faults.get("screenshotDelayMs"):
            time.sleep(float(faults["screenshotDelayMs"]) / 1000.0)
        times = faults.get("loseSessionTimes")
        after = faults.get("loseSessionAfterScreenshots")
        if after is not None and state.screenshots > int(after) and (times is None or times > 0):
            if times is not None:
                faults["loseSessionTimes"] = int(times) - 1
            with self._lock:
                self.sessions.pop(sid, None)
            raise W3CError("invalid session id", "sim fault: the session was lost mid-capture")
        return base64.b64encode(session.handset.screen().png).decode("ascii")

    def source(self, sid: str) -> Any:
        return self._session(sid).handset.page_source()

    def _find(self, sid: str, body: Any) -> tuple[Session, list[Element]]:
        session = self._session(sid)
        if not isinstance(body, dict) or not isinstance(body.get("using"), str) \
                or not isinstance(body.get("value"), str):
            raise W3CError("invalid argument", "find element needs `using` and `value` strings")
        try:
            return session, find(session.handset, body["using"], body["value"])
        except InvalidSelector as exc:
            raise W3CError("invalid selector", str(exc)) from None

    def _ref(self, session: Session, element: Element) -> dict[str, str]:
        eid = uuid.uuid4().hex
        with self._lock:
            session.elements[eid] = element
        return {ELEMENT_KEY: eid, "ELEMENT": eid}

    def find_one(self, sid: str, body: Any) -> Any:
        session, found = self._find(sid, body)
        if not found:
            raise W3CError("no such element", f"no element matches {body['using']}="
                           f"{body['value']!r} on the current screen")
        return self._ref(session, found[0])

    def find_all(self, sid: str, body: Any) -> Any:
        session, found = self._find(sid, body)
        return [self._ref(session, element) for element in found]

    def _element(self, sid: str, eid: str) -> tuple[Session, Element]:
        session = self._session(sid)
        with self._lock:
            element = session.elements.get(eid)
        if element is None:
            raise W3CError("no such element", f"element {eid} is not known in this session")
        if element.screen_key != screen_key(session.handset):
            raise W3CError("stale element reference",
                           f"element {eid} is no longer on screen (the screen changed)")
        return session, element

    def element_text(self, sid: str, eid: str) -> Any:
        return self._element(sid, eid)[1].node.text

    def element_attr(self, sid: str, eid: str, name: str) -> Any:
        session, element = self._element(sid, eid)
        return element.attribute(name, session.handset.ios)

    def element_displayed(self, sid: str, eid: str) -> Any:
        self._element(sid, eid)
        return True

    def element_rect(self, sid: str, eid: str) -> Any:
        box = self._element(sid, eid)[1].node.box
        return {"x": box[0], "y": box[1], "width": box[2] - box[0], "height": box[3] - box[1]}

    def element_click(self, sid: str, eid: str, body: Any) -> Any:
        session, element = self._element(sid, eid)
        handset = session.handset
        stale = int(handset.state.faults.get("staleClicks") or 0)
        if stale > 0:
            handset.state.faults["staleClicks"] = stale - 1
            handset.note("click stale")
            raise W3CError("stale element reference", "sim fault: the screen redrew")
        ring = handset.ringing
        if element.node.key == "decline" and ring is not None and not ring.heads_up \
                and handset.spec.dialer is DialerKind.SAMSUNG:
            handset.note(f"click {element.resource_id} ignored (One UI declines by a swipe)")
            return None
        handset.note(f"click {element.resource_id or element.node.text}")
        if element.node.key == "decline":
            handset.decline()
        elif element.node.key == "clear_notifications":
            handset.clear_notifications()
        return None

    def get_settings(self, sid: str) -> Any:
        return dict(self._session(sid).settings)

    def update_settings(self, sid: str, body: Any) -> Any:
        """UiAutomator2 settings such as `enableMultiWindows` (kept per session)."""
        session = self._session(sid)
        values = body.get("settings") if isinstance(body, dict) else None
        if not isinstance(values, dict):
            raise W3CError("invalid argument", "settings must be given as {settings: {...}}")
        session.settings.update(values)
        session.handset.note("settings " + ", ".join(f"{k}={v}" for k, v in values.items()))
        return None

    def execute(self, sid: str, body: Any) -> Any:
        session = self._session(sid)
        if not isinstance(body, dict) or not isinstance(body.get("script"), str):
            raise W3CError("invalid argument", "execute needs a `script` string")
        args = body.get("args") or []
        def element(eid: str) -> Element | None:
            with self._lock:
                return session.elements.get(eid)

        try:
            return mobile.execute(session.handset, body["script"], list(args), element)
        except mobile.UnknownCommand as exc:
            raise W3CError("unsupported operation", str(exc)) from None
        except mobile.BadArgument as exc:
            raise W3CError("invalid argument", str(exc)) from None

    # --- ground truth -----------------------------------------------------------------------

    def sim_calls(self, query: dict[str, list[str]]) -> Any:
        calls = self.truth.calls()
        wanted = query.get("call_id")
        if wanted:
            calls = [c for c in calls if c.get("call_id") in wanted]
        return calls

    def sim_call(self, call_id: str) -> Any:
        for call in self.truth.calls():
            if call.get("call_id") == call_id:
                return call
        raise W3CError("no such element", f"no call with Call-ID {call_id}")

    def sim_live(self) -> Any:
        return {"live": self.truth.live()}

    # --- handset control (tests and demos drive phones without SIP) --------------------------

    def _handset(self, hid: str) -> SimHandset:
        with self._lock:
            handset = self.by_udid.get(hid)
        if handset is None:
            raise W3CError("no such element", f"no simulated handset {hid!r}")
        return handset

    def handset_state(self, hid: str) -> Any:
        handset = self._handset(hid)
        ring = handset.ringing
        return {"id": handset.id, "call_state": handset.call_state(),
                "call_id": ring.call_id if ring else None, "log": list(handset.state.log),
                "foreground": list(handset.foreground())}

    def set_handset_state(self, hid: str, body: Any) -> Any:
        if not isinstance(body, dict):
            raise W3CError("invalid argument", "state must be a JSON object")
        try:
            self._handset(hid).set_state(**body)
        except KeyError as exc:
            raise W3CError("invalid argument", str(exc)) from None
        return None

    def ring_handset(self, hid: str, body: Any) -> Any:
        """Ring without SIP: `{number, name?, label?, verified?, heads_up?, call_id?}`."""
        if not isinstance(body, dict) or not isinstance(body.get("number"), str):
            raise W3CError("invalid argument", "ring needs at least a `number`")
        call_id = str(body.get("call_id") or f"manual-{uuid.uuid4().hex[:12]}")
        screen = CallScreen(number=body["number"], name=body.get("name") or None,
                            label=body.get("label") or None,
                            verified=bool(body.get("verified")))
        heads_up = body.get("heads_up")
        if not self._handset(hid).ring(call_id, screen, None if heads_up is None else
                                       bool(heads_up)):
            raise W3CError("unsupported operation", f"handset {hid} is already in a call")
        return {"call_id": call_id}

    def hang_up_handset(self, hid: str, body: Any) -> Any:
        handset = self._handset(hid)
        ring = handset.ringing
        if ring is not None:
            handset.end(ring.call_id)
        return None


def _capabilities(body: Any) -> dict[str, Any]:
    """W3C `capabilities.alwaysMatch` merged with the first `firstMatch` entry."""
    if not isinstance(body, dict):
        raise W3CError("invalid argument", "the new-session body must be a JSON object")
    caps = body.get("capabilities")
    if not isinstance(caps, dict):
        raise W3CError("invalid argument", "missing W3C `capabilities`")
    merged = dict(caps.get("alwaysMatch") or {})
    first = caps.get("firstMatch") or [{}]
    if isinstance(first, list) and first and isinstance(first[0], dict):
        merged.update(first[0])
    return merged
