"""Evidence files: names come from attempt ids, sources must stay inside the artifacts folder."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

from reports.build import build_report
from reports.evidence import evidence_name, resolve_artifact
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
