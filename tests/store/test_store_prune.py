"""Pruning removes old attempts, their evidence files and runs left empty; nothing newer."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

from robot.domain.model import Artifacts
from robot.store import ArtifactKind, open_store
from tests.store import factory


def test_prune_deletes_old_attempts_and_their_files(store_url: str, tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    store = open_store(store_url, artifacts_dir=artifacts)
    assert store.artifacts is not None
    old_run = store.start_run(factory.run(at=factory.T0 - timedelta(days=120)))
    new_run = store.start_run(factory.run(at=factory.T0))
    assert old_run.id is not None and new_run.id is not None

    def with_evidence(run_id: int, days_ago: int) -> int:
        dialed = factory.T0 - timedelta(days=days_ago)
        attempt = store.record_attempt(factory.simple(run_id, "+12025550100", "att", dialed))
        assert store.artifacts is not None and attempt.id is not None
        shot = store.artifacts.write(attempt, ArtifactKind.SCREENSHOT, b"png")
        store.artifacts.write(attempt, ArtifactKind.SCREENSHOT, b"frame 2", frame=2)
        page = store.artifacts.write(attempt, ArtifactKind.PAGE_SOURCE, "<xml/>")
        store.record_attempt(
            dataclasses.replace(attempt, artifacts=Artifacts(screenshot=shot, page_source=page))
        )
        return attempt.id

    old_id = with_evidence(old_run.id, 120)
    kept_id = with_evidence(new_run.id, 1)
    store.finish_run(old_run)  # a run still running is never pruned
    result = store.prune(factory.T0 - timedelta(days=90))

    assert (result.attempts, result.runs, result.files) == (1, 1, 3)
    assert store.attempt(old_id) is None
    assert store.run(old_run.id) is None
    kept = store.attempt(kept_id)
    assert kept is not None and kept.artifacts.screenshot is not None
    assert (artifacts / kept.artifacts.screenshot).is_file()
    remaining = sorted(p.name for p in artifacts.rglob("*") if p.is_file())
    assert remaining == [
        f"attempt{kept_id}-page_source.xml",
        f"attempt{kept_id}-screenshot-2.png",
        f"attempt{kept_id}-screenshot.png",
    ]
    assert not (artifacts / "2026" / "07").exists()  # emptied folders are removed too
    store.close()
