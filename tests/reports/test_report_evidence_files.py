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


def test_a_thumbnail_is_the_same_whichever_decoder_reads_the_screen(tmp_path: Path) -> None:
    """Plain RGB PNGs go through libspng, the rest through Pillow; the JPEG bytes are those
    of Pillow's own decode, so a report does not change with the decoder."""
    import io

    from PIL import Image, ImageDraw

    def pillow_thumbnail(data: bytes) -> str:
        with Image.open(io.BytesIO(data)) as image:
            source = image.convert("RGB") if image.mode in ("P", "1") else image
            source.thumbnail((96, 200))
            out = io.BytesIO()
            source.convert("RGB").save(out, "JPEG", quality=55, optimize=True)
        return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")

    screen = Image.new("RGB", (1080, 2400), "white")
    draw = ImageDraw.Draw(screen)
    draw.rectangle((60, 300, 1020, 420), fill="darkred")
    draw.text((80, 900), "Scam Likely +1 202 555 0100", fill="black")
    for name, picture in (
        ("plain.png", screen),
        ("alpha.png", screen.convert("RGBA")),
        ("palette.png", screen.convert("P")),
    ):
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        (tmp_path / name).write_bytes(buffer.getvalue())
    made = Thumbnailer(tmp_path).many(["plain.png", "alpha.png", "palette.png"])
    for name, uri in made.items():
        assert uri == pillow_thumbnail((tmp_path / name).read_bytes()), name


def test_the_thumbnail_cache_keeps_what_was_used_lately(tmp_path: Path) -> None:
    import os
    import time
    from datetime import timedelta

    from reports import thumbnail_cache

    cache = tmp_path / "cache"
    now = time.time()
    fresh = thumbnail_cache.entry(cache, "ab" * 32, "96x200q55")
    old = thumbnail_cache.entry(cache, "cd" * 32, "96x200q55")
    used_again = thumbnail_cache.entry(cache, "ce" * 32, "96x200q55")
    for path in (fresh, old, used_again):
        thumbnail_cache.keep(path, b"jpeg")
    for path in (old, used_again):
        os.utime(path, (now - 60 * 86400, now - 60 * 86400))
    assert thumbnail_cache.read(used_again) == b"jpeg"  # a report showed it: stamped
    assert thumbnail_cache.prune(cache, unused_for=timedelta(days=30), now=now) == 1
    assert sorted(p.name for p in cache.rglob("*.jpg")) == sorted(
        p.name for p in (fresh, used_again)
    )
    assert thumbnail_cache.prune(tmp_path / "no-cache-yet") == 0
