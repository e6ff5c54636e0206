"""The thumbnail cache on disk: one small JPEG per screenshot content hash, kept while used.

A thumbnail is stamped (its modification time) each time a report uses it, and one unused
for `KEEP_UNUSED` is deleted when a report is written, so the cache holds what recent reports
show (this week's "after" is next week's "before") and cannot grow forever. Deleting any of
it is always safe: a report that needs a thumbnail again makes it anew.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from robot.atomic_file import write_atomic

log = logging.getLogger(__name__)

KEEP_UNUSED = timedelta(weeks=8)


def entry(cache_dir: Path, digest: str, variant: str) -> Path:
    """Where the thumbnail of the content `digest` (sha256 hex) in `variant` is kept."""
    return cache_dir / digest[:2] / f"{digest}-{variant}.jpg"


def read(path: Path) -> bytes | None:
    """The kept thumbnail, stamped as used now; None when it is not there (or unreadable)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        os.utime(path)
    except OSError as exc:  # a read-only cache still serves; it is only pruned sooner
        log.debug("thumbnail cache entry not stamped (%s): %s", path, exc)
    return data


def keep(path: Path, data: bytes) -> None:
    """Keep a thumbnail for next time; a cache that cannot be written only costs time."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        log.debug("thumbnail cache not written (%s): %s", path.parent, exc)


def prune(cache_dir: Path, *, unused_for: timedelta = KEEP_UNUSED, now: float | None = None) -> int:
    """Delete the entries of `cache_dir` unused for longer than `unused_for` (and any file
    left there half-written); returns how many went. Only the cache's own two-level layout is
    walked: nothing outside `cache_dir`, no link followed."""
    cutoff = (time.time() if now is None else now) - unused_for.total_seconds()
    removed = 0
    try:
        folders = [d for d in os.scandir(cache_dir) if d.is_dir(follow_symlinks=False)]
    except OSError:
        return 0  # no cache yet
    for folder in folders:
        try:
            with os.scandir(folder.path) as entries:
                for item in entries:
                    if item.is_file(follow_symlinks=False) and (
                        item.stat(follow_symlinks=False).st_mtime < cutoff
                    ):
                        os.unlink(item.path)
                        removed += 1
        except OSError as exc:  # removed meanwhile by another report, or not ours to touch
            log.debug("thumbnail cache folder %s not pruned: %s", folder.path, exc)
    if removed:
        log.info("thumbnail cache: removed %d thumbnail(s) unused for %s", removed, unused_for)
    return removed
