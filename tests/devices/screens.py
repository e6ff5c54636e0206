"""Phone screens for the fake driver: an idle home screen and incoming-call screens (PNG at a
phone's aspect ratio plus the page source a dialer would expose), written to files the test
plugin serves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from PIL import Image, ImageDraw

from devices.profiles import profile_for
from robot.domain.model import DialerKind

WIDTH, HEIGHT = 540, 1200
LAUNCHER = ("com.google.android.apps.nexuslauncher", ".NexusLauncherActivity")


@dataclass(frozen=True)
class Screen:
    xml: Path
    png: Path

    def png_bytes(self) -> bytes:
        return self.png.read_bytes()


def _png(
    path: Path, lines: list[str], background: tuple[int, int, int], banner: bool = False
) -> Path:
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    if banner:  # an iOS call banner: a dark card with red decline and green accept discs
        draw.rounded_rectangle((15, 60, WIDTH - 15, 180), radius=30, fill=(36, 36, 38))
        draw.ellipse((WIDTH - 170, 90, WIDTH - 110, 150), fill=(235, 69, 58))
        draw.ellipse((WIDTH - 90, 90, WIDTH - 30, 150), fill=(48, 209, 88))
    for index, line in enumerate(lines):
        draw.text((40, 80 + 60 * index), line, fill=(255, 255, 255))
    image.save(path, format="PNG")
    return path


def idle_screen(folder: Path) -> Screen:
    xml = folder / "idle.xml"
    xml.write_text(
        f'<app width="{WIDTH}" height="{HEIGHT}">'
        f'<android.widget.FrameLayout id="launcher" package="{LAUNCHER[0]}" text="Home"/></app>'
    )
    return Screen(xml=xml, png=_png(folder / "idle.png", ["12:00"], (20, 40, 90)))


def ringing_screen(
    folder: Path, dialer: DialerKind, name: str, number: str, label: str, heads_up: bool = False
) -> Screen:
    """The incoming-call screen of `dialer`, with the caller info at its resource-ids."""
    profile = profile_for(dialer)
    nodes = []
    if profile.resource_ids:
        for key, text in (("name", name), ("number", number), ("label", label), ("decline", "")):
            rid = profile.resource_id(key)
            tag = "android.widget.Button" if key == "decline" else "android.widget.TextView"
            nodes.append(
                f"<{tag} id={quoteattr(str(rid))} resource-id={quoteattr(str(rid))} "
                f"text={quoteattr(text or 'Decline')}/>"
            )
    else:  # iOS: buttons by accessibility id (the localized label)
        decline = profile.decline_label("en-US")
        nodes.append(f'<XCUIElementTypeStaticText id="name" name={quoteattr(name)}/>')
        nodes.append(
            f"<XCUIElementTypeButton id={quoteattr(decline)} name={quoteattr(decline)} "
            f"label={quoteattr(decline)}/>"
        )
    xml = folder / f"ringing-{dialer.value}.xml"
    xml.write_text(f'<app width="{WIDTH}" height="{HEIGHT}">{"".join(nodes)}</app>')
    png = _png(folder / f"ringing-{dialer.value}.png", [label, name, number], (10, 10, 10),
               banner=heads_up and not profile.resource_ids)  # fmt: skip
    return Screen(xml=xml, png=png)
