"""What is on the phone behind a heads-up card or banner: a chat list, a map, a video, a
keyboard, the home screen, or the lock screen with its big clock and notification stack.

All of it is text and shapes a reader must ignore: other people's names, other numbers.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from tests.screen.families import content
from tests.screen.families.paint import RGB, avatar, blobs, font, gradient, status_bar, text


def chat(img: Image.Image, rnd: random.Random, family: str, s: float, dark: bool) -> None:
    bg: RGB = (18, 18, 20) if dark else (255, 255, 255)
    fg: RGB = (235, 235, 240) if dark else (25, 25, 28)
    muted: RGB = (150, 150, 158) if dark else (110, 110, 118)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, img.width, img.height), fill=bg)
    status_bar(draw, rnd, img.width, fg, family, s)
    text(
        draw,
        (int(48 * s), int(150 * s)),
        rnd.choice(("Chats", "Messages", "Inbox")),
        family,
        int(56 * s),
        fg,
        bold=True,
    )
    y = int(260 * s)
    people = rnd.sample(content.CHAT_PEOPLE, 8)
    while y < img.height - int(200 * s):
        person = people[(y // 7) % len(people)]
        avatar(
            img,
            rnd,
            int(100 * s),
            y + int(60 * s),
            int(52 * s),
            rnd.choice(("letter", "photo", "silhouette")),
            person[0],
            family,
        )
        text(draw, (int(180 * s), y + int(35 * s)), person, family, int(40 * s), fg, bold=True)
        text(
            draw,
            (int(180 * s), y + int(88 * s)),
            rnd.choice(content.CHAT_SNIPPETS),
            family,
            int(34 * s),
            muted,
        )
        text(
            draw,
            (img.width - int(40 * s), y + int(35 * s)),
            f"{rnd.randrange(1, 12)}:{rnd.randrange(0, 60):02d} PM",
            family,
            int(28 * s),
            muted,
            anchor="rm",
        )
        y += int(150 * s)


def maps(img: Image.Image, rnd: random.Random, family: str, s: float, dark: bool) -> None:
    draw = ImageDraw.Draw(img)
    land: RGB = (36, 40, 46) if dark else (236, 232, 223)
    draw.rectangle((0, 0, img.width, img.height), fill=land)
    for _ in range(5):  # parks and water
        x, y = rnd.randrange(0, img.width), rnd.randrange(0, img.height)
        w, h = rnd.randrange(150, 500), rnd.randrange(150, 500)
        colour = rnd.choice(((170, 218, 170), (160, 200, 240))) if not dark else (40, 70, 60)
        draw.rectangle((x, y, x + int(w * s), y + int(h * s)), fill=colour)
    road: RGB = (80, 84, 92) if dark else (255, 255, 255)
    for _ in range(9):
        if rnd.random() < 0.5:
            y = rnd.randrange(0, img.height)
            draw.line(
                (0, y, img.width, y + rnd.randrange(-200, 200)),
                fill=road,
                width=int(rnd.choice((14, 22, 30)) * s),
            )
        else:
            x = rnd.randrange(0, img.width)
            draw.line(
                (x, 0, x + rnd.randrange(-200, 200), img.height),
                fill=road,
                width=int(rnd.choice((14, 22, 30)) * s),
            )
    draw.line(
        (0, int(img.height * 0.55), img.width, int(img.height * 0.5)),
        fill=(250, 200, 60),
        width=int(28 * s),
    )
    label: RGB = (200, 200, 205) if dark else (90, 90, 96)
    for street in rnd.sample(content.STREETS, 6):
        text(
            draw,
            (
                rnd.randrange(40, img.width - 300),
                rnd.randrange(int(img.height * 0.1), int(img.height * 0.9)),
            ),
            street,
            family,
            int(30 * s),
            label,
        )
    cx, cy = img.width // 2, int(img.height * 0.6)
    draw.ellipse(
        (cx - 30 * s, cy - 30 * s, cx + 30 * s, cy + 30 * s),
        fill=(66, 133, 244),
        outline=(255, 255, 255),
        width=int(6 * s),
    )
    status_bar(draw, rnd, img.width, (20, 20, 20) if not dark else (240, 240, 240), family, s)
    bar_y = int(img.height * 0.9)
    draw.rounded_rectangle(
        (int(40 * s), bar_y, img.width - int(40 * s), bar_y + int(120 * s)),
        radius=int(60 * s),
        fill=(255, 255, 255) if not dark else (50, 50, 56),
    )
    text(
        draw,
        (int(110 * s), bar_y + int(60 * s)),
        "Search here",
        family,
        int(38 * s),
        (110, 110, 118),
    )


def video(img: Image.Image, rnd: random.Random, family: str, s: float, dark: bool) -> None:
    del dark
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, img.width, img.height), fill=(0, 0, 0))
    frame = Image.new("RGB", (img.width, int(img.height * 0.4)), (30, 30, 30))
    blobs(frame, rnd, 9, 12)
    top = int(img.height * 0.08) if rnd.random() < 0.5 else int(img.height * 0.3)
    img.paste(frame, (0, top))
    draw.rectangle(
        (0, top + frame.height - int(8 * s), int(img.width * rnd.random()), top + frame.height),
        fill=(230, 30, 30),
    )
    text(
        draw,
        (int(40 * s), top + frame.height - int(70 * s)),
        rnd.choice(content.VIDEO_CAPTIONS),
        family,
        int(40 * s),
        (255, 255, 255),
    )
    text(
        draw,
        (int(40 * s), top + frame.height + int(80 * s)),
        rnd.choice(content.VIDEO_CAPTIONS),
        family,
        int(44 * s),
        (240, 240, 240),
        bold=True,
    )
    text(
        draw,
        (int(40 * s), top + frame.height + int(150 * s)),
        f"{rnd.randrange(2, 900)}K views · {rnd.randrange(1, 11)} days ago",
        family,
        int(32 * s),
        (170, 170, 170),
    )
    status_bar(draw, rnd, img.width, (240, 240, 240), family, s)


def keyboard(img: Image.Image, rnd: random.Random, family: str, s: float, dark: bool) -> None:
    chat(img, rnd, family, s, dark)
    draw = ImageDraw.Draw(img)
    kb_top = int(img.height * 0.62)
    key_bg: RGB = (50, 50, 54) if dark else (255, 255, 255)
    draw.rectangle(
        (0, kb_top, img.width, img.height), fill=(28, 28, 30) if dark else (210, 213, 219)
    )
    rows = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    key_w = img.width // 10
    for r, keys in enumerate(rows):
        offset = (img.width - len(keys) * key_w) // 2
        for i, key in enumerate(keys):
            x0 = offset + i * key_w + int(6 * s)
            y0 = kb_top + int((30 + r * 150) * s)
            draw.rounded_rectangle(
                (x0, y0, x0 + key_w - int(12 * s), y0 + int(120 * s)),
                radius=int(12 * s),
                fill=key_bg,
            )
            text(
                draw,
                (x0 + (key_w - int(12 * s)) // 2, y0 + int(60 * s)),
                key,
                family,
                int(48 * s),
                (240, 240, 240) if dark else (20, 20, 20),
                anchor="mm",
            )
    field_y = kb_top - int(130 * s)
    draw.rounded_rectangle(
        (int(30 * s), field_y, img.width - int(30 * s), field_y + int(100 * s)),
        radius=int(50 * s),
        fill=key_bg,
    )
    text(
        draw,
        (int(80 * s), field_y + int(50 * s)),
        "Type a message",
        family,
        int(36 * s),
        (140, 140, 140),
    )


def home(img: Image.Image, rnd: random.Random, family: str, s: float, dark: bool) -> None:
    gradient(img, (30, 60, 110) if not dark else (15, 15, 25), (130, 70, 140))
    draw = ImageDraw.Draw(img)
    size = int(150 * s)
    for row in range(5):
        for col in range(4):
            x = int((80 + col * 250) * s)
            y = int(img.height * 0.2) + row * int(300 * s)
            colour = tuple(rnd.randrange(40, 250) for _ in range(3))
            draw.rounded_rectangle((x, y, x + size, y + size), radius=size // 4, fill=colour)
            text(
                draw,
                (x + size // 2, y + size + int(30 * s)),
                rnd.choice(("Maps", "Photos", "Mail", "Clock", "Notes", "Bank", "Music")),
                family,
                int(28 * s),
                (255, 255, 255),
                anchor="mm",
            )
    status_bar(draw, rnd, img.width, (255, 255, 255), family, s)


BACKDROPS = {"chat": chat, "maps": maps, "video": video, "keyboard": keyboard, "home": home}


def lock_screen(img: Image.Image, rnd: random.Random, family: str, s: float, clock_y: float) -> int:
    """Wallpaper, a big clock and the date at `clock_y`, and a stack of notifications under
    them; returns the row where the notification stack ends."""
    gradient(
        img,
        tuple(rnd.randrange(0, 120) for _ in range(3)),
        tuple(rnd.randrange(60, 200) for _ in range(3)),
    )
    blobs(img, rnd, 5, 40)
    draw = ImageDraw.Draw(img)
    status_bar(draw, rnd, img.width, (255, 255, 255), family, s)
    y = int(img.height * clock_y)
    clock = f"{rnd.randrange(1, 13)}:{rnd.randrange(0, 60):02d}"
    box = text(
        draw,
        (img.width // 2, y),
        clock,
        family,
        int(rnd.randrange(170, 260) * s),
        (255, 255, 255),
        bold=rnd.random() < 0.5,
        anchor="mm",
    )
    date = text(
        draw,
        (img.width // 2, box[3] + int(50 * s)),
        rnd.choice(content.DATES),
        family,
        int(40 * s),
        (255, 255, 255),
        anchor="mm",
    )
    y = date[3] + int(60 * s)
    for app, title, body in rnd.sample(content.LOCK_NOTES, rnd.randrange(2, 4)):
        panel = (int(30 * s), y, img.width - int(30 * s), y + int(190 * s))
        draw.rounded_rectangle(panel, radius=int(36 * s), fill=(235, 235, 240))
        draw.rounded_rectangle(
            (panel[0] + int(30 * s), y + int(30 * s), panel[0] + int(80 * s), y + int(80 * s)),
            radius=int(12 * s),
            fill=tuple(rnd.randrange(40, 220) for _ in range(3)),
        )
        text(
            draw, (panel[0] + int(100 * s), y + int(55 * s)), app, family, int(28 * s), (90, 90, 96)
        )
        text(
            draw,
            (panel[2] - int(30 * s), y + int(55 * s)),
            "now",
            family,
            int(28 * s),
            (90, 90, 96),
            anchor="rm",
        )
        text(
            draw,
            (panel[0] + int(30 * s), y + int(110 * s)),
            title,
            family,
            int(36 * s),
            (20, 20, 22),
            bold=True,
        )
        text(
            draw,
            (panel[0] + int(30 * s), y + int(155 * s)),
            body,
            family,
            int(34 * s),
            (40, 40, 44),
        )
        y = panel[3] + int(20 * s)
    return y


__all__ = ["BACKDROPS", "font", "lock_screen"]
