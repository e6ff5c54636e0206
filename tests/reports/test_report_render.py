"""Rendering: screen text is untrusted and must land as text, in elements, attributes and SVG."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from pathlib import Path

from reports.build import build_report
from reports.model import CarrierTrend, CellState, Report, Totals, TrendPoint
from reports.render import render_html
from robot.store.results import SqlResultStore
from tests.reports import factory
from tests.reports.filled import Filled

HOSTILE_CARRIER = '"><svg onload=alert(2)>'


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_hostile_cnam_and_label_render_as_text(report: Report) -> None:
    html = render_html(report)
    assert factory.XSS_NAME not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    tags = parse(html)
    assert not [t for t, _ in tags if t == "script"]
    handlers = [(t, k) for t, attrs in tags for k in attrs if k.lower().startswith("on")]
    assert handlers == []
    sources = [attrs.get("src") or "" for t, attrs in tags if t == "img"]
    assert sources and all(s.startswith("data:image/jpeg;base64,") for s in sources)


def test_hostile_text_in_svg_and_attributes_is_escaped(report: Report) -> None:
    points = tuple(TrendPoint(f"W{i}", 3, 100.0, 0.0, 50.0) for i in range(3))
    hostile = dataclasses.replace(
        report,
        trends=(CarrierTrend(HOSTILE_CARRIER, points),),
        title='ACME <b>"weekly"</b>',
    )
    html = render_html(hostile, evidence_rel='ev" onclick="x')
    assert "<svg onload" not in html
    assert "&lt;svg onload=alert(2)&gt;" in html
    assert "<b>" not in html
    tags = parse(html)
    assert not [(t, k) for t, attrs in tags for k in attrs if k.lower().startswith("on")]
    titles = [t for t, _ in tags if t == "title"]
    assert len(titles) >= 2  # the page's and the chart's


def test_evidence_links_are_relative_and_named_by_attempt(report: Report) -> None:
    html = render_html(report, evidence_rel="ringcheck-2026-W48-evidence")
    links = [attrs["href"] or "" for t, attrs in parse(html) if t == "a" and "href" in attrs]
    files = [h for h in links if not h.startswith("#")]
    assert files
    assert all(h.startswith("ringcheck-2026-W48-evidence/attempt-") for h in files)
    assert not [h for h in links if "://" in h or h.startswith("//")]


def test_self_contained_and_small(report: Report) -> None:
    html = render_html(report)
    assert len(html.encode()) < 5_000_000
    for marker in ("http://", "https://", "@import", "url("):
        # The only URL allowed is the redress contact's, which is screen text shown as text.
        assert html.count(marker) <= html.count("https://redress.example"), marker
    for section in ("headline", "changes", "matrix", "trends", "gallery", "methodology"):
        assert f'id="{section}"' in html
    assert "@media print" in html


def test_an_empty_store_still_renders_a_readable_page(tmp_path: Path) -> None:
    store = SqlResultStore(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        report = build_report(store, factory.WEEK, inventory=factory.INVENTORY, now=factory.NOW)
    finally:
        store.close()
    assert report.totals == Totals()
    assert all(c.state is CellState.NOT_TESTED for c in report.matrix.cells())
    html = render_html(report)
    assert "No cell changed state since 2026-W47." in html
    assert "Not tested" in html and "no data before" in html


def test_carriers_show_the_names_people_know(report: Report) -> None:
    labelled = dataclasses.replace(report, carrier_labels={"AT&T": "AT&T Mobility (sim)"})
    html = render_html(labelled)
    assert '<th scope="col">AT&amp;T Mobility (sim)</th>' in html


def test_gallery_past_the_inline_budget_loads_screens_from_the_folder(
    filled_sqlite: Filled,
) -> None:
    report = build_report(
        filled_sqlite.store,
        factory.WEEK,
        inventory=factory.INVENTORY,
        artifacts_dir=filled_sqlite.artifacts,
        now=factory.NOW,
        gallery_inline_max=0,
    )
    html = render_html(report, evidence_rel="ev")
    gallery = html[html.index('id="gallery"') :]
    images = [a for t, a in parse(gallery) if t == "img"]
    assert len(images) == len(report.gallery())
    linked = [a for a in images if (a.get("src") or "").startswith("ev/attempt-")]
    assert linked and all(a.get("loading") == "lazy" and a.get("alt") for a in linked)
    # Changed cells keep their inline before/after screens.
    assert report.thumbnails and len(report.thumbnails) <= 2 * len(report.changes)


def test_screens_link_to_the_console_when_it_has_a_public_url(report: Report) -> None:
    plain = render_html(report, evidence_rel="ev")
    assert "/attempts/" not in plain
    linked = render_html(
        report, evidence_rel="ev", attempt_url=lambda n: f"https://rc.example/attempts/{n}"
    )
    links = {a.get("href") for tag, a in parse(linked) if tag == "a"}
    console = {h for h in links if h and h.startswith("https://rc.example/attempts/")}
    assert console and all(h.rsplit("/", 1)[1].isdigit() for h in console)
    assert any(h and h.startswith("ev/") for h in links)  # the offline copies stay linked
