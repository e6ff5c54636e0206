"""Evidence files (screenshots, page sources, SIP traces) under a local folder: the default
`EvidenceStore` (see `robot.store.evidence` for the interface and the S3 one).

The store chooses every file name from the attempt's date, run id and attempt id; nothing read
off a screen or passed by a caller becomes part of a path, so hostile caller names cannot write
outside the folder. Files are written to a temporary name and renamed, so a crash or a full disk
never leaves half a screenshot that a report would show as evidence.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from robot.atomic_file import write_atomic
from robot.domain.model import Attempt
from robot.errors import StoreError
from robot.store.evidence import EvidenceMissing, evidence_name
from robot.store.present import files_in, present_in


class ArtifactKind(enum.StrEnum):
    SCREENSHOT = "screenshot"
    PAGE_SOURCE = "page_source"
    SIP_TRACE = "sip_trace"


SUFFIX = {
    ArtifactKind.SCREENSHOT: ".png",
    ArtifactKind.PAGE_SOURCE: ".xml",
    ArtifactKind.SIP_TRACE: ".txt",
}
CONTENT_TYPE = {
    ArtifactKind.SCREENSHOT: "image/png",
    ArtifactKind.PAGE_SOURCE: "application/xml",
    ArtifactKind.SIP_TRACE: "text/plain; charset=utf-8",
}


class ArtifactStore:
    """Writes, finds and deletes the evidence files of attempts under one root folder."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    @property
    def where(self) -> str:
        return str(self.root)

    def relative_name(self, attempt: Attempt, kind: ArtifactKind, frame: int = 0) -> str:
        """`YYYY/MM/DD/run<run>/attempt<id>-<kind>[-<frame>].<ext>`, from ids and UTC date only."""
        return evidence_name(attempt, kind, frame)

    def exists(self, name: str) -> bool:
        try:
            return self.resolve(name).is_file()
        except StoreError:
            return False

    def present(self, names: Iterable[str]) -> set[str]:
        """The names that are files in the folder, each folder resolved once (see
        `robot.store.present`)."""
        return present_in(self.root, names, self.exists)

    def files(self, names: Iterable[str]) -> dict[str, Path]:
        """The path on this host of each of `names` that is in the folder (as `present`), for
        copying many at once without opening each through Python."""
        return files_in(self.root, names, self.exists)

    def url_for(self, name: str) -> str | None:
        """A local folder has no link of its own (a console serves `open(name)`)."""
        self.resolve(name)
        return None

    def locate(self, name: str) -> str:
        return str(self.resolve(name))

    def write(
        self, attempt: Attempt, kind: ArtifactKind, data: bytes | str, *, frame: int = 0
    ) -> str:
        """Store `data` for the attempt; returns the path relative to the root."""
        relative = self.relative_name(attempt, kind, frame)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        self._write_atomic(self.resolve(relative), payload, relative)
        return relative

    def resolve(self, relative: str) -> Path:
        """The absolute path of a stored name; refuses anything that would leave the root."""
        candidate = Path(relative)
        if candidate.is_absolute() or not relative or "\x00" in relative:
            raise StoreError(f"artifact path {relative!r} must be relative to {self.root}")
        path = (self.root / candidate).resolve()
        if path != self.root and self.root not in path.parents:
            raise StoreError(f"artifact path {relative!r} escapes the artifacts folder {self.root}")
        return path

    def open(self, relative: str) -> BinaryIO:
        """Read a stored evidence file; refuses names that would leave the folder
        (`StoreError`), and raises `EvidenceMissing` (a FileNotFoundError) for one that is
        gone (pruned)."""
        path = self.resolve(relative)
        if not path.is_file():
            raise EvidenceMissing(f"evidence {relative} is not in {self.root}")
        return path.open("rb")

    def delete_attempt_files(self, attempt_id: int, known: list[str]) -> int:
        """Delete the files of one attempt (its recorded paths and sibling frames); count them."""
        deleted = 0
        folders: set[Path] = set()
        for relative in known:
            try:
                folders.add(self.resolve(relative).parent)
            except StoreError:
                continue  # a path we did not write: never follow it
        for folder in folders:
            for path in folder.glob(f"attempt{int(attempt_id)}-*"):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    deleted += 1
            self._remove_empty_parents(folder)
        return deleted

    def _remove_empty_parents(self, folder: Path) -> None:
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return  # not empty (or gone): stop climbing
            folder = folder.parent

    def _write_atomic(self, path: Path, payload: bytes, relative: str) -> None:
        try:
            write_atomic(path, payload, durable=True)
        except OSError as exc:
            raise StoreError(self._explain(exc, relative)) from exc

    def _explain(self, exc: OSError, relative: str) -> str:
        if exc.errno == errno.ENOSPC:
            return (
                f"cannot write evidence {relative}: the disk holding {self.root} is full"
                " (free space or prune old results: ringcheck results prune --older-than 90d)"
            )
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"cannot write evidence {relative}: no permission to write in {self.root}"
        return f"cannot write evidence {relative} under {self.root}: {exc.strerror or exc}"
