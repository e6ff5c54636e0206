"""The written report opened in real headless Chromium (Debian `chromium` via Playwright).

Checks what a reader relies on: the matrix, the changes and the gallery are visible, every
thumbnail decodes, hostile screen text shows as text and runs nothing, the console stays
clean and the page asks for nothing beyond its own file and data: URIs. A full-page
screenshot is written for a person to look at (kept at $RINGCHECK_REPORT_SHOT if set).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

from reports.build import build_report
from reports.render import render_html
from robot.cli.report_cmd import copy_evidence
from tests.reports import factory
from tests.reports.filled import Filled
from tests.support.peers import need

pytestmark = pytest.mark.chromium

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _refuse(dialog: Dialog, seen: list[str]) -> None:
    """An alert() would mean screen text ran as code: note it and close it."""
    seen.append(dialog.message)
    dialog.dismiss()


def write_report(filled: Filled, out: Path) -> Path:
    """What `ringcheck report` writes, with the test's inventory (numbers, handsets)."""
    report = build_report(
        filled.store,
        factory.WEEK,
        inventory=factory.INVENTORY,
        artifacts_dir=filled.artifacts,
        now=factory.NOW,
    )
    out.mkdir()
    path = out / "ringcheck-2026-W48.html"
    path.write_text(render_html(report, evidence_rel="evidence"), encoding="utf-8")
    assert copy_evidence(report, filled.artifacts, out / "evidence") > 0
    return path


def test_report_reads_well_in_headless_chromium(filled_sqlite: Filled, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    need("chromium", chromium is not None)
    need("playwright", importlib.util.find_spec("playwright") is not None, "pip install playwright")
    from playwright.sync_api import sync_playwright

    path = write_report(filled_sqlite, tmp_path / "out")
    shot = tmp_path / "report.png"
    console: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: _refuse(d, dialogs))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri(), wait_until="load")

            for selector in ("#headline .card", "table.changes", "table.matrix", ".gallery li"):
                assert page.locator(selector).first.is_visible(), selector
            assert page.locator("table.matrix tbody tr").count() == len(factory.NUMBERS)
            assert page.locator("table.changes tbody tr").count() == 6
            assert page.locator(".charts svg").count() == len(factory.CARRIERS)
            # Hostile screen text is on the page as text, and created no element.
            assert page.get_by_text(factory.XSS_NAME).first.is_visible()
            assert page.get_by_text(factory.XSS_LABEL).first.is_visible()
            assert page.locator("img[onerror], script, svg[onload]").count() == 0
            widths = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
            assert widths and all(w > 0 for w in widths)
            hrefs = page.eval_on_selector_all(
                "a[href^='evidence/']", "els => els.map(e => e.getAttribute('href'))"
            )
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()

    assert dialogs == []
    assert errors == []
    assert [m for m in console if m.startswith(("error", "warning"))] == []
    assert all(u.startswith(("file://", "data:")) for u in requests), requests
    assert hrefs and all((path.parent / h).is_file() for h in hrefs)
    assert shot.stat().st_size > 50_000
    keep = os.environ.get("RINGCHECK_REPORT_SHOT")
    if keep:
        shutil.copyfile(shot, keep)
