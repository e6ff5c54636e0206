"""`ringcheck read-screen FILE...`: what a call screenshot shows, as a table or JSON lines.

Needs no project. Screens are read on every core (`--jobs`), results in the order given. A
file that cannot be read is reported on stderr as `FILE: reason` and the others are still
read; the exit code is then 1.
"""

from __future__ import annotations

import enum
import io
import sys
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from robot.cli.printable import cell, printable, safe_console, safe_json
from robot.domain.model import DialerKind, Reading, Tristate
from robot.errors import ScreenReadError, UsageError


class DialerChoice(enum.StrEnum):
    AUTO = "auto"
    GOOGLE = "google"
    SAMSUNG = "samsung"
    AOSP = "aosp"
    IOS = "ios"


def reading_json(file: str, reading: Reading, ms: float) -> dict[str, Any]:
    """The JSON object of one screen: `verified` is true/false, or null when not observable."""
    verified = {Tristate.YES: True, Tristate.NO: False}.get(reading.verified)
    return {
        "file": file,
        "name": reading.name,
        "number": reading.number,
        "spam_label": reading.spam_label,
        "spam_class": reading.spam_class.value if reading.spam_class else None,
        "verified": verified,
        "logo": bool(reading.logo),
        "call_reason": reading.call_reason,
        "confidence": dict(reading.confidence),
        "ms": round(ms, 1),
        "engine": reading.engine,
        "disagreements": [
            {"field": f, "screen": a, "page_source": b} for f, a, b in reading.disagreements
        ],
        "surface": reading.surface.value if reading.surface else None,
        "uncertain": list(reading.uncertain),
    }


def _table(rows: list[dict[str, Any]]) -> Table:
    table = Table(show_header=True, header_style="bold")
    columns = ("file", "surface", "name", "number", "spam_label", "verified", "logo")
    for column in (*columns, "call_reason", "uncertain", "ms"):
        table.add_column(column, overflow="fold")
    for row in rows:
        verified = {True: "yes", False: "no", None: "unknown"}[row["verified"]]
        table.add_row(  # text read off a screen is untrusted: plain, controls escaped
            cell(Path(row["file"]).name),
            cell(row["surface"]),
            cell(row["name"]),
            cell(row["number"]),
            cell(f"{row['spam_label']} ({row['spam_class']})" if row["spam_label"] else None),
            verified,
            "yes" if row["logo"] else "no",
            cell(row["call_reason"]),
            cell(", ".join(row["uncertain"])),
            f"{row['ms']:.0f}",
        )
    return table


def read_screen(
    files: list[Path] = typer.Argument(..., help="Screenshots (PNG/JPEG) to read."),
    dialer: DialerChoice = typer.Option(
        DialerChoice.AUTO, "--dialer", help="Dialer that drew the screen (auto: search it all)."
    ),
    lang: str = typer.Option(
        "auto",
        "--lang",
        help="The handset's locale (fr-CA, zh-TW), Tesseract packs (eng, fra+eng) or auto.",
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    page_source: Path | None = typer.Option(
        None, "--page-source", help="UiAutomator2 page source XML of the (single) screenshot."
    ),
    escalate: bool = typer.Option(
        False,
        "--escalate",
        help="Read lines Tesseract doubts (unsure names/numbers, Chinese/Japanese) again with "
        "RapidOCR (extra ocr-escalation), as a project's `screen: escalate: always`.",
    ),
    jobs: int = typer.Option(
        0, "--jobs", "-j", min=0, help="Screens read at once (0: one per core)."
    ),
) -> None:
    """Read surface, name, number, spam label, verified badge, logo and call reason off call
    screens; fields two readings disagree on are listed as uncertain."""
    from robot.screen.batch import BatchOptions, default_jobs, read_files

    if page_source is not None and len(files) != 1:
        raise typer.BadParameter("--page-source goes with exactly one FILE")
    xml = _page_source(page_source) if page_source is not None else None
    kind = None if dialer is DialerChoice.AUTO else DialerKind(dialer.value)
    languages = tuple(part for part in lang.split(",") if part)
    from robot.screen.langs import ladder
    from robot.screen.ocr import installed_languages

    ladder(languages, installed_languages(), strict=True)  # a typo is a usage error (exit 2)
    if escalate:
        from robot.screen.escalate import escalation_available

        if not escalation_available():
            raise UsageError("--escalate needs the `ocr-escalation` extra (rapidocr)")
    options = BatchOptions(kind, languages or ("auto",), xml, escalate)
    err = safe_console(stderr=True)
    rows: list[dict[str, Any]] = []
    failed = False
    paths = [str(f) for f in files]
    with Progress(
        TextColumn("reading screens"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=len(paths) < 2,
    ) as progress:
        task = progress.add_task("read", total=len(paths))
        for item in read_files(paths, options, jobs or default_jobs(), load=screenshot_bytes):
            progress.advance(task)
            if item.reading is None:
                failed = True
                progress.console.print(printable(f"{item.path}: {item.error}"), markup=False)
                continue
            row = reading_json(item.path, item.reading, item.ms)
            if as_json:
                sys.stdout.write(safe_json(row, indent=None) + "\n")
                sys.stdout.flush()
            else:
                rows.append(row)
    if rows:
        out = safe_console()
        if not out.is_terminal:
            out.width = 200  # a pipe or a file: keep every column readable
        out.print(_table(rows))
    if failed:
        raise typer.Exit(1)


MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PIXELS = 40_000_000
"""A phone or tablet screen is at most a few million pixels (2732 x 2048 is 5.6 M); anything
far larger is not a screenshot, and decoding it could take gigabytes (a decompression bomb)."""


def screenshot_bytes(file: Path | str) -> bytes:
    """The bytes of a screenshot, refused before decoding when the file or the picture its
    header announces is far larger than any phone screen."""
    file = Path(file)
    if file.stat().st_size > MAX_FILE_BYTES:
        raise ScreenReadError(f"larger than {MAX_FILE_BYTES // 2**20} MiB: not a screenshot")
    data = file.read_bytes()
    from PIL import Image, UnidentifiedImageError

    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # we judge the size here
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return data  # not an image Pillow knows: the reader says why
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    if width * height > MAX_PIXELS:
        raise ScreenReadError(
            f"{width}x{height} pixels is larger than any phone screen"
            f" (at most {MAX_PIXELS:,} pixels)"
        )
    return data


def _page_source(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(f"--page-source {path}: larger than {MAX_FILE_BYTES // 2**20} MiB")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--page-source {path}: file not found") from None
    except UnicodeDecodeError:
        raise UsageError(f"--page-source {path}: not UTF-8 text (a page source is XML)") from None
    except (OSError, RuntimeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"--page-source {path}: cannot read ({reason})") from None


def register(app: typer.Typer) -> None:
    app.command("read-screen")(read_screen)
