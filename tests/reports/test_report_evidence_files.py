"""Evidence files: names come from attempt ids, sources must stay inside the artifacts folder."""

from __future__ import annotations

import base64
import dataclasses
from datetime import timedelta
from pathlib import Path

from reports.build import build_report
from reports.evidence import FolderSource, Thumbnailer, evidence_name, resolve_artifact
from reports.render import render_html
from robot.cli.report_cmd import copy_evidence
from robot.domain.model import Artifacts, Run, RunStatus
from robot.store.results import SqlResultStore
from tests.reports import factory


def test_names_ignore_the_stored_file_name() -> None:
    assert evidence_name(7, "screenshot", "../../x<script>.PNG") == "attempt-7-screenshot.png"
    assert evidence_name(7, "page_source", "a/b/c.exe") == "attempt-7-page-source.txt"
    assert evidence_name(7, "sip_trace", "t.pcap") == "attempt-7-sip-trace.pcap"


def test_sources_outside_the_artifacts_folder_are_refused(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    (tmp_path / "secret.txt").write_text("password")
    (artifacts / "ok.png").write_bytes(b"x")
    assert resolve_artifact(artifacts, "../secret.txt") is None
    assert resolve_artifact(artifacts, str(tmp_path / "secret.txt")) is None
    assert resolve_artifact(artifacts, "missing.png") is None
    assert resolve_artifact(artifacts, "ok.png") == (artifacts / "ok.png").resolve()


def test_report_neither_links_nor_copies_escaping_paths(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    store = SqlResultStore(f"sqlite:///{tmp_path / 'r.db'}", artifacts_dir=artifacts)
    try:
        run = store.start_run(
            Run("x", "manual", factory.WEEK.start + timedelta(hours=1), RunStatus.RUNNING)
        )
        good = factory.make_attempt(run.id or 0, factory.NUMBERS[0], "AT&T", 9, 0, artifacts)
        assert good.artifacts.screenshot is not None
        (tmp_path / "secret.png").write_bytes((artifacts / good.artifacts.screenshot).read_bytes())
        store.record_attempt(good)
        bad = factory.make_attempt(run.id or 0, factory.NUMBERS[1], "AT&T", 9, 0, None)
        store.record_attempt(
            dataclasses.replace(bad, artifacts=Artifacts("../secret.png", "/etc/passwd"))
        )
        report = build_report(store, factory.WEEK, artifacts_dir=artifacts, now=factory.NOW)
    finally:
        store.close()
    html = render_html(report, evidence_rel="ev")
    assert "secret" not in html and "passwd" not in html
    copied = copy_evidence(report, artifacts, tmp_path / "out" / "ev")
    assert copied == 3  # the good attempt's screenshot, page source and SIP trace
    assert sorted(p.name for p in (tmp_path / "out" / "ev").iterdir()) == sorted(
        f"attempt-1-{k}" for k in ("screenshot.png", "page-source.xml", "sip-trace.txt")
    )


def test_present_names_files_inside_the_folder_only(tmp_path: Path) -> None:
    from robot.store.artifacts import ArtifactStore

    artifacts = tmp_path / "artifacts"
    (artifacts / "2026" / "11" / "23").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("password")
    (artifacts / "2026" / "11" / "23" / "a.png").write_bytes(b"x")
    (artifacts / "2026" / "11" / "23" / "in.png").symlink_to(
        artifacts / "2026" / "11" / "23" / "a.png"
    )
    (artifacts / "2026" / "11" / "23" / "out.png").symlink_to(tmp_path / "secret.txt")
    (artifacts / "2026" / "up").symlink_to(tmp_path)
    asked = [
        "2026/11/23/a.png",
        "2026/11/23/in.png",
        "2026/11/23/out.png",
        "2026/11/23/missing.png",
        "2026/11/23",
        "2026/up/secret.txt",
        "../secret.txt",
        str(tmp_path / "secret.txt"),
        "2026/11/23/..",
        "",
    ]
    expected = {"2026/11/23/a.png", "2026/11/23/in.png"}
    assert ArtifactStore(artifacts).present(asked) == expected
    assert FolderSource(artifacts).present(asked) == expected
    assert {n for n in asked if ArtifactStore(artifacts).exists(n)} == expected
    real = (artifacts / "2026" / "11" / "23" / "a.png").resolve()
    assert ArtifactStore(artifacts).files(asked) == dict.fromkeys(expected, real)


def test_thumbnails_are_kept_by_content_and_found_again(tmp_path: Path) -> None:
    import io

    from PIL import Image

    artifacts, cache = tmp_path / "artifacts", tmp_path / "cache"
    artifacts.mkdir()
    for name, colour in (("a.png", "navy"), ("same-as-a.png", "navy"), ("b.png", "teal")):
        buffer = io.BytesIO()
        Image.new("RGB", (1080, 2400), colour).save(buffer, "PNG")
        (artifacts / name).write_bytes(buffer.getvalue())
    first = Thumbnailer(artifacts, cache_dir=cache).many(["a.png", "same-as-a.png", "b.png"])
    kept = sorted(cache.rglob("*.jpg"))
    assert len(kept) == 2  # one per distinct screen, not per name
    assert first["a.png"] == first["same-as-a.png"] != first["b.png"]
    assert Thumbnailer(artifacts).many(["a.png"]) == {"a.png": first["a.png"]}  # as made anew
    # a later report reads the kept thumbnail instead of decoding the screen again
    for path in kept:
        path.write_bytes(b"kept:" + path.name.encode())
    again = Thumbnailer(artifacts, cache_dir=cache).many(["same-as-a.png", "b.png"])
    assert {base64.b64decode(uri.split(",", 1)[1])[:5] for uri in again.values()} == {b"kept:"}
    # a screen whose bytes changed is made anew, not taken from the cache
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 2400), "maroon").save(buffer, "PNG")
    (artifacts / "b.png").write_bytes(buffer.getvalue())
    changed = Thumbnailer(artifacts, cache_dir=cache).many(["b.png"])["b.png"]
    assert changed == Thumbnailer(artifacts).many(["b.png"])["b.png"]
    assert len(sorted(cache.rglob("*.jpg"))) == 3
