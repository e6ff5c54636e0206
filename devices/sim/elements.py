"""Finding elements on a simulated screen the way UiAutomator2 and XCUITest do.

Strategies: `id` (Android resource-id), `accessibility id` (content-desc / iOS name),
`xpath` (evaluated on the same page source the client can read, with ElementTree's XPath
subset) and a minimal `-android uiautomator` (`resourceId`, `text`, `description`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from devices.profiles import profile_for
from devices.sim.handset import SimHandset
from devices.sim.screen import Node


class InvalidSelector(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Element:
    """A found node plus the call it belongs to (a new screen makes it stale)."""

    node: Node
    resource_id: str
    screen_key: str | None

    def cls(self, ios: bool) -> str:
        if ios:
            return "XCUIElementTypeButton" if self.node.kind == "button" else \
                "XCUIElementTypeStaticText"
        return {"button": "android.widget.Button", "image": "android.widget.ImageView"}.get(
            self.node.kind, "android.widget.TextView")

    def attribute(self, name: str, ios: bool) -> str | None:
        node = self.node
        values = {
            "resource-id": self.resource_id,
            "resourceId": self.resource_id,
            "text": node.text if node.kind == "text" else "",
            "content-desc": node.text if node.kind != "text" else "",
            "contentDescription": node.text if node.kind != "text" else "",
            "name": node.text,
            "label": node.text,
            "value": node.text if ios else None,
            "class": self.cls(ios),
            "className": self.cls(ios),
            "type": self.cls(ios),
            "bounds": f"[{node.box[0]},{node.box[1]}][{node.box[2]},{node.box[3]}]",
            "clickable": str(node.clickable).lower(),
            "enabled": "true",
            "displayed": "true",
            "visible": "true",
        }
        return values.get(name)


def screen_key(handset: SimHandset) -> str | None:
    ring = handset.ringing
    if ring is not None:
        return ring.call_id
    return SHADE_KEY if handset.state.shade else None


def _shade_nodes(handset: SimHandset) -> list[Element]:
    """The open notification shade's "Clear all" button, while there is something to clear."""
    button = profile_for(handset.spec.dialer).resource_id("clear_notifications")
    state = handset.state
    if handset.ios or not state.shade or not state.notifications or not button:
        return []
    drawn = handset.screen()
    box = (drawn.width // 2 - 150, drawn.height - 300, drawn.width // 2 + 150, drawn.height - 200)
    return [Element(Node("clear_notifications", "Clear all", box, kind="button"), button,
                    SHADE_KEY)]  # fmt: skip


SHADE_KEY = "shade"


def _visible_nodes(handset: SimHandset) -> list[Element]:
    """Nodes the driver can see: iOS exposes only buttons of the call UI."""
    key = screen_key(handset)
    if key is None:
        return _shade_nodes(handset)
    ids = {} if handset.ios else dict(profile_for(handset.spec.dialer).resource_ids)
    ring = handset.ringing
    if ring is not None and ring.heads_up:
        ids = {}
    found = []
    for node in handset.screen().nodes:
        if handset.ios and node.kind != "button":
            continue
        found.append(Element(node, ids.get(node.key, ""), key))
    return found


_UI_SELECTOR = re.compile(r'\.(resourceId|text|description)\("((?:[^"\\]|\\.)*)"\)')


def find(handset: SimHandset, using: str, value: str) -> list[Element]:
    """Every element `using`/`value` selects, in screen order."""
    nodes = _visible_nodes(handset)
    if using == "id":
        return [e for e in nodes if e.resource_id and
                (e.resource_id == value or e.resource_id.endswith(f":id/{value}"))]
    if using == "accessibility id":
        return [e for e in nodes if e.node.text == value and (handset.ios or
                                                                e.node.kind != "text")]
    if using == "-android uiautomator":
        parts = _UI_SELECTOR.findall(value)
        if not parts:
            raise InvalidSelector(f"unsupported UiSelector: {value}")
        found = nodes
        for what, wanted in parts:
            attr = {"resourceId": "resource-id", "text": "text",
                    "description": "content-desc"}[what]
            found = [e for e in found if e.attribute(attr, handset.ios) == wanted]
        return found
    if using == "xpath":
        return _xpath(handset, nodes, value)
    if using == "class name":
        return [e for e in nodes if e.cls(handset.ios) == value]
    raise InvalidSelector(f"locator strategy `{using}` is not supported by the virtual farm")


def _xpath(handset: SimHandset, nodes: list[Element], path: str) -> list[Element]:
    try:
        root = ET.fromstring(handset.page_source().encode())
    except ET.ParseError as exc:  # our own XML: a bug, but say so as a W3C error
        raise InvalidSelector(f"page source is not XML: {exc}") from None
    query = "." + path if path.startswith("/") else path
    query = query.replace('"', "'")
    try:
        hits = root.findall(query)
    except SyntaxError as exc:
        raise InvalidSelector(f"unsupported XPath {path!r}: {exc}") from None
    found: list[Element] = []
    for hit in hits:
        bounds, name = hit.get("bounds"), hit.get("name")
        for element in nodes:
            if element in found:
                continue
            if bounds is not None and element.attribute("bounds", False) == bounds:
                found.append(element)
                break
            if bounds is None and name is not None and element.node.text == name:
                found.append(element)
                break
    return found
