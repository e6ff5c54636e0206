"""The console in real headless Chromium (Debian's `chromium`, driven by Playwright), against
`ringcheck serve --web-only` and the virtual farm, as a QA engineer uses it: sign in with a
token, start the smoke scenario, watch the Now page reach "completed" without reloading, open
a call's evidence. A viewer sees no Start button and is refused. Hostile caller names and
labels from the farm stay text, and the browser console stays clean."""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

import httpx
import pytest

from robot.domain.access import Role
from tests.reports.test_report_browser import CHROMIUM_ARGS
from tests.support.peers import need
from tests.web.conftest import HOSTILE_NUMBER, FarmConsole

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.chromium, pytest.mark.slow]

RUN_DONE_MS = 240_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    need("chromium", chromium is not None)
    need("playwright", importlib.util.find_spec("playwright") is not None, "pip install playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Watched:
    """A page whose console messages, errors, dialogs and navigations are recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.navigations: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on(
            "framenavigated",
            lambda f: self.navigations.append(f.url) if f == page.main_frame else None,
        )

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(str(getattr(dialog, "message", "")))
        dialog.dismiss()  # type: ignore[attr-defined]

    def sign_in(self, base: str, token: str) -> None:
        self.page.goto(f"{base}/now")
        self.page.fill("#token", token)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{base}/now")
        self.console.clear()  # the sign-in page itself answers 401, which Chromium logs

    def assert_clean(self) -> None:
        assert self.dialogs == [], self.dialogs
        assert self.errors == [], self.errors
        noisy = [m for m in self.console if m.startswith(("error", "warning"))]
        assert noisy == [], noisy
        injected = "img[onerror], img[src='x'], svg[onload], script:not([src='/static/console.js'])"
        assert self.page.locator(injected).count() == 0


def _seed_with_hostile_call(console: FarmConsole) -> int:
    """A seed whose sampled smoke plan calls the hostile number on T-Mobile."""
    with console.client(Role.VIEWER) as client:
        for seed in range(200):
            plan = client.get("/api/scenarios/smoke/plan", params={"seed": seed}).json()
            if any(c["number"] == HOSTILE_NUMBER and c["carrier"] == "sim-tmobile"
                   for c in plan["calls"]):  # fmt: skip
                return seed
    raise AssertionError("no seed plans a call to the hostile number")


def test_trigger_watch_and_open_the_evidence(farm_console: FarmConsole, browser: Browser) -> None:
    base = farm_console.url
    seed = _seed_with_hostile_call(farm_console)
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        watched = Watched(context.new_page())
        page = watched.page
        watched.sign_in(base, farm_console.tokens.operator)

        page.goto(f"{base}/scenarios/smoke?seed={seed}")
        assert page.locator("#plan tbody tr").count() == 10
        page.click("#trigger button[type=submit]")
        page.wait_for_url(re.compile(r"/now\?started=\d+"))
        run_id = int(re.search(r"started=(\d+)", page.url).group(1))  # type: ignore[union-attr]
        landed = len(watched.navigations)

        row = page.locator(f"#run-{run_id}")
        page.wait_for_selector(f"#run-{run_id}[data-status='running']", timeout=30_000)
        page.wait_for_selector(f"#run-{run_id}[data-status='completed']", timeout=RUN_DONE_MS)
        assert len(watched.navigations) == landed, "the Now page reloaded"
        assert "10 of 10 calls" in row.inner_text()
        assert page.locator("#handsets img").count() > 0  # the latest screen of each handset

        row.locator("a").first.click()
        page.wait_for_url(f"{base}/runs/{run_id}")
        hostile = page.locator("#run-attempts tr", has_text=HOSTILE_NUMBER).filter(
            has_text="sim-tmobile"
        )
        hostile.locator("a").first.click()
        page.wait_for_url(re.compile(r"/attempts/\d+$"))
        shot = page.locator("#screenshot")
        shot.wait_for()
        page.wait_for_function("document.getElementById('screenshot').complete")
        assert shot.evaluate("img => img.naturalWidth") > 300
        attempt_id = int(page.url.rsplit("/", 1)[1])
        with farm_console.client(Role.VIEWER) as client:
            read = client.get(f"/api/attempts/{attempt_id}").json()
            raw = client.get(read["evidence"]["page_source"]).text
        ocr = read["reading"]["raw_text"]
        assert "<" in ocr and "script" in ocr, ocr  # what the farm showed was read as markup
        assert page.locator("details pre").first.text_content() == ocr  # shown as text
        assert page.locator("pre.trace").last.text_content() == raw  # the file, as text
        shown = [v for v in (read["name"], read["spam_label"]) if v]
        for value in shown:  # whatever OCR made of the hostile text is on the page as text
            assert page.get_by_text(value, exact=False).count() > 0, value

        # Matrix → the cell's calls → the evidence viewer, by clicking as a person does
        page.goto(f"{base}/matrix")
        cell = f"/attempts?number={quote_plus(HOSTILE_NUMBER)}&carrier=sim-tmobile"
        page.locator(f'#matrix a.cell[href="{cell}"]').click()
        page.wait_for_url(f"{base}{cell}")
        calls = page.locator("table.attempts tbody tr")
        assert calls.count() > 0 and calls.filter(has_text="sim-tmobile").count() == calls.count()
        calls.first.locator("a").first.click()
        page.wait_for_url(re.compile(r"/attempts/\d+$"))
        page.wait_for_function("document.getElementById('screenshot').complete")
        assert page.locator("#screenshot").evaluate("img => img.naturalWidth") > 300
        ladder = page.locator("table.ladder tbody tr")
        assert ladder.filter(has_text="INVITE").count() > 0, ladder.all_inner_texts()
        watched.assert_clean()
    finally:
        context.close()


def test_a_viewer_has_no_start_button_and_is_refused(
    farm_console: FarmConsole, browser: Browser
) -> None:
    base = farm_console.url
    context = browser.new_context()
    try:
        watched = Watched(context.new_page())
        page = watched.page
        watched.sign_in(base, farm_console.tokens.viewer)
        page.goto(f"{base}/scenarios/smoke")
        assert page.locator("#plan tbody tr").count() > 0  # a viewer may preview
        assert page.locator("#trigger").count() == 0
        assert page.get_by_role("button", name=re.compile("Start")).count() == 0
        page.goto(f"{base}/now")
        assert page.get_by_role("button", name="Cancel").count() == 0
        page.goto(f"{base}/handsets")
        assert page.get_by_role("button", name="Disable").count() == 0
        csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        watched.assert_clean()
    finally:
        context.close()
    # the same session, forging the form the button would have sent: refused
    with httpx.Client(base_url=base, cookies=cookies) as forged:
        refused = forged.post("/scenarios/smoke/run", data={"csrf": csrf or ""})
    assert refused.status_code == 403
    with farm_console.client(Role.VIEWER) as api:
        assert api.post("/api/runs", json={"scenario": "smoke"}).status_code == 403
