"""The one printing helper every CLI output goes through (`robot.cli.printable`)."""

from __future__ import annotations

import io
import json
import re

from rich.table import Table

from robot.cli.printable import SafeConsole, cell, markup_safe, printable, safe_json
from tests.hostile.conftest import assert_no_raw_controls

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eknaB\x00[bold]x[/bold][/nope]\r\nend"


def _render(*things: object) -> str:
    out = io.StringIO()
    console = SafeConsole(
        file=out, force_terminal=True, color_system="truecolor", width=200, highlight=False
    )
    for thing in things:
        console.print(thing)
    return out.getvalue()


def test_printable_is_one_visible_line() -> None:
    text = printable(HOSTILE)
    assert "\n" not in text and "\\x1b" in text and "\\u202e" in text and "\\x9b" in text
    assert_no_raw_controls(text)


def test_json_stays_json_and_inert() -> None:
    text = safe_json({"name": HOSTILE, "ok": "Société Générale 诈骗"})
    assert json.loads(text)["name"] == HOSTILE
    assert "Société Générale 诈骗" in text  # readable text is kept as it is
    assert_no_raw_controls(text.replace("\n", ""))


def test_tables_cells_and_markup_from_data() -> None:
    table = Table("name")
    table.add_row(cell(HOSTILE))
    rendered = _render(table, f"[yellow]note:[/] {markup_safe(HOSTILE)}")
    # Rich's own colour codes are there (a terminal), the data's codes are not
    assert "\x1b[33m" in rendered
    visible = re.sub("\x1b\\[[0-9;]*m", "", rendered)
    assert "[/nope]" in visible and "\\x1b]0;pwned" in visible
    assert_no_raw_controls(visible)


def test_the_console_escapes_what_a_call_site_forgot() -> None:
    rendered = _render("plain " + HOSTILE.replace("[", "("))
    assert "\\x1b]0;pwned" in rendered
    assert "\x1b]0" not in rendered and "\x9b" not in rendered and "\u202e" not in rendered
