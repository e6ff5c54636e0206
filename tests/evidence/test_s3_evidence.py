"""Evidence in an S3-compatible bucket (moto's real HTTP server): written, read, linked,
pruned; and a report and an evidence bundle built in a third folder read their screenshots
from the bucket, with no local evidence folder at all."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest
from PIL import Image

from robot.errors import StoreError
from robot.store import open_store
from robot.store.artifacts import ArtifactKind
from robot.store.evidence import (
    EvidenceMissing,
    S3EvidenceStore,
    S3Settings,
    open_s3_evidence,
)
from robot.store.results import SqlResultStore
from tests.store import factory
from tests.support.s3_peer import S3_CREDENTIALS, S3Server


def _png(colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (540, 1200), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _bucket_store(
    s3: S3Server, bucket: str, tmp_path: Path
) -> tuple[S3EvidenceStore, SqlResultStore]:
    """A new bucket, its evidence under `prod/`, and a SQLite store writing to it."""
    s3.make_bucket(bucket)
    evidence = open_s3_evidence(
        f"s3://{bucket}/prod", S3Settings(endpoint_url=s3.endpoint_url, link_expiry_s=600)
    )
    return evidence, open_store(f"sqlite:///{tmp_path / 'r.db'}", evidence=evidence)


def test_round_trip_links_and_pruning(s3: S3Server, s3_env: dict[str, str], tmp_path: Path) -> None:
    evidence, store = _bucket_store(s3, "rc-round-trip", tmp_path)
    run = store.start_run(factory.run())
    attempt = store.record_attempt(factory.full_attempt(run.id or 0))
    png = _png()
    name = evidence.write(attempt, ArtifactKind.SCREENSHOT, png)
    second = evidence.write(attempt, ArtifactKind.SCREENSHOT, _png("red"), frame=1)
    trace = evidence.write(attempt, ArtifactKind.SIP_TRACE, "INVITE sip:+1 SIP/2.0\r\n")
    assert name.endswith(f"attempt{attempt.id}-screenshot.png")
    with evidence.open(name) as handle:
        assert handle.read() == png
    assert evidence.exists(second) and not evidence.exists(name + ".nope")
    assert evidence.locate(name) == f"s3://rc-round-trip/prod/{name}"
    # a presigned link works for anyone holding it, over plain HTTP, without credentials
    link = evidence.url_for(name)
    assert link is not None and "Signature" in link
    assert httpx.get(link, timeout=10).content == png
    head = s3.client().head_object(Bucket="rc-round-trip", Key=f"prod/{trace}")
    assert head["ContentType"].startswith("text/plain")

    with pytest.raises(StoreError, match="escapes"):
        evidence.open("../../other-bucket/secret.png")
    with pytest.raises(EvidenceMissing):
        evidence.open("2026/01/01/run1/attempt999-screenshot.png")

    assert evidence.delete_attempt_files(attempt.id or 0, [name]) == 3
    assert not evidence.exists(name) and not evidence.exists(trace)
    store.close()


def test_present_lists_a_folder_once_and_names_only_what_is_there(
    s3: S3Server, s3_env: dict[str, str], tmp_path: Path
) -> None:
    evidence, store = _bucket_store(s3, "rc-present", tmp_path)
    run = store.start_run(factory.run())
    attempt = store.record_attempt(factory.full_attempt(run.id or 0))
    names = [evidence.write(attempt, ArtifactKind.SCREENSHOT, _png(), frame=i) for i in range(4)]
    alone = store.record_attempt(
        factory.full_attempt(run.id or 0, dialed_at=factory.T0.replace(day=1))
    )
    lone = evidence.write(alone, ArtifactKind.SIP_TRACE, "INVITE")
    folder = names[0].rpartition("/")[0]
    asked = [*names, lone, f"{folder}/attempt999-screenshot.png", "../../other/secret.png", ""]
    assert evidence.present(asked) == {*names, lone}
    store.close()


def test_a_bucket_that_is_not_there_is_one_clear_error(
    s3: S3Server, s3_env: dict[str, str]
) -> None:
    evidence = open_s3_evidence("s3://rc-no-such-bucket", S3Settings(endpoint_url=s3.endpoint_url))
    with pytest.raises(StoreError) as caught:
        evidence.open("2026/01/01/run1/attempt1-screenshot.png")
    assert "s3://rc-no-such-bucket" in str(caught.value)
    assert S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in str(caught.value)


def _project(folder: Path, store_url: str, s3: S3Server) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ringcheck.yaml").write_text(
        f"store: {store_url}\n"
        "evidence: s3://rc-journey/evidence\n"
        f"evidence_s3: {{endpoint_url: '{s3.endpoint_url}'}}\n",
        encoding="utf-8",
    )
    return folder


def _cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    env.update(S3_CREDENTIALS)
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", "--project", str(folder), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_and_bundle_on_a_third_host_read_the_bucket(
    s3: S3Server, s3_env: dict[str, str], tmp_path: Path
) -> None:
    s3.make_bucket("rc-journey")
    store_url = f"sqlite:///{tmp_path / 'shared' / 'results.db'}"
    (tmp_path / "shared").mkdir()
    worker_host = _project(tmp_path / "site-worker", store_url, s3)
    from robot.config import load_project
    from robot.wiring import open_project_store

    store = open_project_store(load_project(worker_host))  # what a worker writes through
    assert store.artifacts is not None
    run = store.start_run(factory.run())
    attempt = store.record_attempt(factory.full_attempt(run.id or 0))
    png = _png("navy")
    shot = store.artifacts.write(attempt, ArtifactKind.SCREENSHOT, png)
    import dataclasses

    from robot.domain.model import Artifacts

    store.record_attempt(dataclasses.replace(attempt, artifacts=Artifacts(screenshot=shot)))
    store.close()

    third = _project(tmp_path / "analyst-laptop", store_url, s3)
    week = f"{factory.T0:%G-W%V}"
    report = _cli(third, "report", "--since", week, "--until", week, "--out", str(third / "out"))
    assert report.returncode == 0, report.stderr
    copied = list((third / "out").glob("*-evidence/*.png"))
    assert [p.read_bytes() for p in copied] == [png]
    assert "data:image/jpeg;base64," in next((third / "out").glob("*.html")).read_text()

    bundle = _cli(third, "evidence", attempt.number, "--out", str(third / "dispute.zip"))
    assert bundle.returncode == 0, bundle.stderr
    with zipfile.ZipFile(third / "dispute.zip") as archive:
        pngs = [n for n in archive.namelist() if n.endswith(".png")]
        assert [archive.read(n) for n in pngs] == [png]
    assert not (third / ".ringcheck" / "artifacts").exists()
    assert not (worker_host / ".ringcheck" / "artifacts").exists()

    # the web console on that third host streams the same screenshot from the bucket
    from robot.domain.access import Role
    from robot.web.server import parse_address
    from robot.web.serving import served_console

    project = load_project(third)
    console_store = open_project_store(project)
    try:
        with served_console(project, console_store, parse_address("127.0.0.1:0")) as served:
            _, token = served.console.tokens.create("vera", Role.VIEWER, created_by="test")
            shown = httpx.get(
                f"{served.url}/api/attempts/{attempt.id}/evidence/screenshot",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
    finally:
        console_store.close()
    assert shown.status_code == 200, shown.text
    assert shown.content == png and shown.headers["content-type"] == "image/png"
    assert not (third / ".ringcheck" / "artifacts").exists()
