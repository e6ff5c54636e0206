"""Page sources that match a rendered screen, as the real automation drivers report them.

Android (UiAutomator2): a `<hierarchy>` of widget classes with `resource-id`, `text` and
`bounds`, using the dialer's real resource-ids from dialers.yaml. iOS (XCUITest): SpringBoard
or InCallService elements; the call's name and number are usually not exposed at all, only
the buttons, so the iOS source carries the Decline/Accept buttons and nothing of the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from devices.profiles import profile_for
from devices.sim.screen import Node
from robot.domain.model import DialerKind

_ANDROID_ATTRS = (
    'checkable="false" checked="false" enabled="true" focusable="false" focused="false" '
    'long-clickable="false" password="false" scrollable="false" selected="false" '
    'displayed="true"'
)


def _bounds(box: tuple[int, int, int, int]) -> str:
    return f"[{box[0]},{box[1]}][{box[2]},{box[3]}]"


def android_source(nodes: Sequence[Node], dialer: DialerKind, package: str, width: int,
                   height: int, heads_up: bool = False,
                   overlay_package: str | None = None) -> str:
    """UiAutomator2 XML for a screen; resource-ids only where the dialer has them."""
    ids = dict(profile_for(dialer).resource_ids) if not heads_up else {}
    if heads_up:
        package = "com.android.systemui"
    lines = [
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
        f'<hierarchy index="0" class="hierarchy" rotation="0" width="{width}" '
        f'height="{height}">',
        f'  <android.widget.FrameLayout index="0" package="{package}" '
        f'class="android.widget.FrameLayout" text="" resource-id="" clickable="false" '
        f'{_ANDROID_ATTRS} bounds="[0,0][{width},{height}]">',
    ]
    for index, node in enumerate(nodes):
        cls = {"button": "android.widget.Button", "image": "android.widget.ImageView"}.get(
            node.kind, "android.widget.TextView"
        )
        rid = ids.get(node.key, "")
        desc = node.text if node.kind != "text" else ""
        owner = overlay_package if node.key == "overlay_label" and overlay_package else package
        lines.append(
            f'    <{cls} index="{index}" package="{owner}" class="{cls}" '
            f"text={quoteattr(node.text if node.kind == 'text' else '')} "
            f"resource-id={quoteattr(rid)} content-desc={quoteattr(desc)} "
            f'clickable="{str(node.clickable).lower()}" {_ANDROID_ATTRS} '
            f'bounds="{_bounds(node.box)}" />'
        )
    lines += ["  </android.widget.FrameLayout>", "</hierarchy>"]
    return "\n".join(lines) + "\n"


def _ios_element(kind: str, name: str, box: tuple[int, int, int, int], scale: float,
                 indent: str) -> str:
    """XCUITest reports points, not pixels: divide by the screen scale."""
    x, y = int(box[0] / scale), int(box[1] / scale)
    w, h = int((box[2] - box[0]) / scale), int((box[3] - box[1]) / scale)
    label = quoteattr(name)
    return (
        f'{indent}<XCUIElementType{kind} type="XCUIElementType{kind}" name={label} '
        f'label={label} enabled="true" visible="true" accessible="true" x="{x}" y="{y}" '
        f'width="{w}" height="{h}" index="0"/>'
    )


def ios_source(nodes: Sequence[Node], bundle: str, width: int, height: int,
               scale: float = 3.0) -> str:
    """XCUITest XML: the app, a window, and only the buttons of the call UI."""
    w, h = int(width / scale), int(height / scale)
    app_name = "InCallService" if bundle == "com.apple.InCallService" else "SpringBoard"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<AppiumAUT>",
        f'  <XCUIElementTypeApplication type="XCUIElementTypeApplication" name="{app_name}" '
        f'label="{app_name}" enabled="true" visible="true" accessible="false" x="0" y="0" '
        f'width="{w}" height="{h}" index="0">',
        f'    <XCUIElementTypeWindow type="XCUIElementTypeWindow" enabled="true" '
        f'visible="true" accessible="false" x="0" y="0" width="{w}" height="{h}" index="0">',
    ]
    for node in nodes:
        if node.kind == "button":
            lines.append(_ios_element("Button", node.text, node.box, scale, "      "))
    lines += ["    </XCUIElementTypeWindow>", "  </XCUIElementTypeApplication>", "</AppiumAUT>"]
    return "\n".join(lines) + "\n"
