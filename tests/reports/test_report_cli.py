"""`ringcheck report` and `ringcheck evidence` as a user types them, on the filled store."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from robot.cli.app import app
from robot.errors import UsageError
from tests.reports import factory
from tests.reports.filled import Filled

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

Invoke = Callable[..., Result]
HREF = re.compile(r'href="([^"#][^"]*)"')


@pytest.fixture
def run(filled_sqlite: Filled, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    for name in ("RINGCHECK_STORE_URL", "RINGCHECK_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, ["--project", str(filled_sqlite.project_dir), *args])

    return invoke


def test_report_writes_html_and_evidence_beside_it(run: Invoke, tmp_path: Path) -> None:
    result = run("report", "--week", "2026-W48", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    page = tmp_path / "ringcheck-2026-W48.html"
    assert f"wrote {page}" in result.output
    html = page.read_text(encoding="utf-8")
    links = HREF.findall(html)
    assert links and all(link.startswith("ringcheck-2026-W48-evidence/") for link in links)
    assert all((tmp_path / link).is_file() for link in links)
    names = [p.name for p in (tmp_path / "ringcheck-2026-W48-evidence").iterdir()]
    assert names and all(
        re.fullmatch(r"attempt-\d+-(screenshot\.png|page-source\.xml|sip-trace\.txt)", n)
        for n in names
    )
    assert "<script>alert(1)</script>" not in html


def test_report_prunes_thumbnails_no_recent_report_used(
    run: Invoke, filled_sqlite: Filled, tmp_path: Path
) -> None:
    """The thumbnail cache keeps what reports use and cannot grow forever."""
    cache = filled_sqlite.project_dir / ".ringcheck" / "cache" / "thumbnails"
    assert run("report", "--week", "2026-W48", "--out", str(tmp_path)).exit_code == 0
    used = sorted(cache.rglob("*.jpg"))
    assert used
    stale = cache / "00" / ("0" * 64 + "-96x200q55.jpg")
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"a screen no report showed for months")
    months_ago = time.time() - 100 * 86400
    for path in (stale, *used):
        os.utime(path, (months_ago, months_ago))
    result = run("report", "--week", "2026-W48", "--out", str(tmp_path / "again"))
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert sorted(cache.rglob("*.jpg")) == used  # used again: stamped, so kept
    assert all(p.stat().st_mtime > months_ago for p in used)


@pytest.mark.parametrize(("fmt", "suffix"), [("csv", "matrix.csv"), ("json", "matrix.json")])
def test_report_exports_the_matrix(run: Invoke, tmp_path: Path, fmt: str, suffix: str) -> None:
    result = run(
        "report",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-29",
        "--format",
        fmt,
        "--out",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    written = tmp_path / f"ringcheck-2026-W48-{suffix}"
    text = written.read_text(encoding="utf-8")
    if fmt == "json":
        cells = json.loads(text)["cells"]
        assert len(cells) == len(factory.NUMBERS) * len(factory.CARRIERS)
    else:
        assert text.count("\n") == len(factory.NUMBERS) * len(factory.CARRIERS) + 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--week", "2026-W48", "--since", "2026-11-01"), "either --week or --since"),
        (("--until", "2026-11-01"), "needs a --since"),
        (("--since", "2026-11-08", "--until", "2026-11-01"), "is not after --since"),
        (("--format", "pdf"), "choose one of html, csv, json"),
        (("--since", "48"), "ISO week"),
    ],
)
def test_report_usage_errors_say_what_to_type(
    run: Invoke, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    result = run("report", *args, "--out", str(tmp_path))
    assert isinstance(result.exception, UsageError)
    assert words in str(result.exception)
    assert result.exception.exit_code == 2


def test_evidence_bundle_for_a_disputed_label(run: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "dispute.zip"
    result = run(
        "evidence", "+12025550106", "--carrier", "AT&T",
        "--from", "2026-11-16", "--to", "2026-11-29", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        summary = archive.read("summary.html").decode()
        markdown = archive.read("summary.md").decode()
        records = json.loads(archive.read("attempts.json"))
    assert {"summary.html", "summary.md", "attempts.json"} <= names
    files = {n for n in names if n.startswith("files/")}
    assert len(records) == 6  # two weeks × three calls
    assert len(files) == 6 * 3  # screenshot, page source and SIP trace each
    assert all(f"files/attempt-{r['id']}-screenshot.png" in files for r in records)
    assert "<script>alert(1)</script>" not in summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary
    assert "<script>" not in markdown and "<img" not in markdown
    # The summary groups what the calls showed: clean in W47, labelled in W48.
    assert '| AT&T | labelled | "&gt;&lt;img src=x onerror=alert(1)&gt; |' in markdown
    assert "| AT&T | verified | — |" in markdown
    assert "What the calls showed" in summary
    assert {r["carrier"] for r in records} == {"AT&T"}
    assert all(r["dialed_at"].startswith("2026-11-") for r in records)


def test_evidence_for_a_block_names_the_redress_contact(run: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "block.zip"
    result = run("evidence", "+12025550103", "--carrier", "Verizon", "--out", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        markdown = archive.read("summary.md").decode()
        summary = archive.read("summary.html").decode()
    assert "- TNS Call Guardian, Analytics Redress, +18005550123," in markdown
    assert "| Verizon | blocked | — | 608 | 3 |" in markdown
    assert "https://redress.example/&lt;b&gt;dispute&lt;/b&gt;" in summary


def test_evidence_for_a_number_never_called(run: Invoke, tmp_path: Path) -> None:
    result = run("evidence", "+19995550000", "--out", str(tmp_path / "x.zip"))
    assert isinstance(result.exception, UsageError)
    assert "no test calls from +19995550000" in str(result.exception)
    assert not (tmp_path / "x.zip").exists()


def test_report_links_each_screen_to_the_console_with_a_public_url(
    filled_sqlite: Filled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project with `public_url`: each screen of the report links to its attempt's page in
    the console (`public_url/attempts/ID`), the attempt being one the store really holds."""
    for name in ("RINGCHECK_STORE_URL", "RINGCHECK_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES, project)
    (project / ".ringcheck").symlink_to(filled_sqlite.project_dir / ".ringcheck")
    with (project / "ringcheck.yaml").open("a", encoding="utf-8") as config:
        config.write("public_url: https://ringcheck.example.com/\n")
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(
        app, ["--project", str(project), "report", "--week", "2026-W48", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = (out / "ringcheck-2026-W48.html").read_text(encoding="utf-8")
    linked = re.findall(r'href="https://ringcheck\.example\.com/attempts/(\d+)"', html)
    assert linked, "no screen links to the console"
    for attempt_id in {int(i) for i in linked}:
        assert filled_sqlite.store.attempt(attempt_id) is not None
