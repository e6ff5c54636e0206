"""Evidence files: names chosen by the store, no escape from the folder, no half-written files."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from robot.domain.model import Attempt
from robot.errors import StoreError
from robot.store import ArtifactKind, ArtifactStore
from tests.store import factory


def _attempt(attempt_id: int = 7, run_id: int = 3) -> Attempt:
    return dataclasses.replace(factory.full_attempt(run_id), id=attempt_id)


def test_names_come_from_ids_and_date_only(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    hostile = dataclasses.replace(
        _attempt(),
        number="../../etc/passwd",
        carrier="../x",
        handset_id="/root",
    )
    rel = store.write(hostile, ArtifactKind.SCREENSHOT, b"\x89PNG fake")
    assert rel == "2026/11/23/run3/attempt7-screenshot.png"
    assert (tmp_path / rel).read_bytes() == b"\x89PNG fake"
    assert store.write(hostile, ArtifactKind.PAGE_SOURCE, "<hierarchy/>").endswith(
        "attempt7-page_source.xml"
    )
    frame = store.write(hostile, ArtifactKind.SCREENSHOT, b"2", frame=2)
    assert frame == "2026/11/23/run3/attempt7-screenshot-2.png"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "attempt7-page_source.xml",
        "attempt7-screenshot-2.png",
        "attempt7-screenshot.png",
    ]


def test_attempt_needs_an_id_first(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no id"):
        ArtifactStore(tmp_path).write(factory.full_attempt(1), ArtifactKind.SIP_TRACE, "INVITE")


@pytest.mark.parametrize("bad", ["../outside.png", "/etc/passwd", "a/../../b", ""])
def test_paths_escaping_the_root_are_refused(tmp_path: Path, bad: str) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    with pytest.raises(StoreError):
        store.resolve(bad)


def test_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "artifacts"
    root.mkdir()
    (root / "2026").symlink_to(tmp_path)
    with pytest.raises(StoreError, match="escapes"):
        ArtifactStore(root).resolve("2026/secret.txt")


def test_rewrite_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    rel = store.write(_attempt(), ArtifactKind.SCREENSHOT, b"first version, longer")
    store.write(_attempt(), ArtifactKind.SCREENSHOT, b"second")
    assert (tmp_path / rel).read_bytes() == b"second"
    assert not [p for p in tmp_path.rglob(".tmp-*")]


_FULL_DISK = """
import dataclasses, json, sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from robot.domain.model import Attempt
from robot.errors import StoreError
from robot.store import ArtifactKind, ArtifactStore
from tests.store import factory
root = Path({root!r})
store = ArtifactStore(root)
attempt = dataclasses.replace(factory.full_attempt(3), id=7)
try:
    store.write(attempt, ArtifactKind.SCREENSHOT, b"x" * 1_000_000)
    outcome = "written"
except StoreError as exc:
    outcome = str(exc)
files = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]
print(json.dumps({{"outcome": outcome, "files": files}}))
"""


def test_full_disk_is_a_clear_error_and_leaves_no_partial_file(tmp_path: Path) -> None:
    """A real full disk: a 64 KiB tmpfs in a private mount namespace (needs root + unshare)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed")
    root = tmp_path / "tiny"
    root.mkdir()
    repo = str(Path(__file__).resolve().parents[2])
    script = _FULL_DISK.format(repo=repo, root=str(root))
    command = f'mount -t tmpfs -o size=64k tmpfs {root} && exec {sys.executable} -c "$0"'
    proc = subprocess.run(
        [unshare, "-m", "sh", "-c", command, script], capture_output=True, text=True, timeout=60
    )
    if proc.returncode != 0 and ("mount" in proc.stderr or "unshare" in proc.stderr):
        pytest.skip(f"cannot mount a small tmpfs here: {proc.stderr.strip()[:200]}")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert "disk" in result["outcome"] and "full" in result["outcome"], result
    assert "ringcheck results prune" in result["outcome"]
    assert result["files"] == []
