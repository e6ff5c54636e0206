"""Evidence files beside the report: safe names, safe sources, small inline thumbnails.

Artifact paths come from the store and the files from handsets, so neither is trusted:
sources must resolve inside the artifacts folder, and names in the evidence folder are
chosen here from the attempt id (never from screen text or the stored file name).
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol, runtime_checkable

from PIL import Image, UnidentifiedImageError

from reports import thumbnail_cache
from reports.model import Evidence
from robot.store.present import files_in, present_in

log = logging.getLogger(__name__)

_EXTENSIONS = {
    "screenshot": {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".webp": ".webp"},
    "page_source": {".xml": ".xml", ".html": ".xml", ".json": ".json", ".txt": ".txt"},
    "sip_trace": {".txt": ".txt", ".log": ".txt", ".sip": ".txt", ".pcap": ".pcap"},
}
_DEFAULT_EXT = {"screenshot": ".bin", "page_source": ".txt", "sip_trace": ".txt"}

THUMB_WIDTH_PX = 96
THUMB_HEIGHT_PX = 200


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """A file to copy: `source` relative to the artifacts folder, `name` in the evidence one."""

    source: str
    name: str


def evidence_name(attempt_id: int, kind: str, source: str) -> str:
    """`attempt-42-screenshot.png`: only the id and a whitelisted extension survive."""
    suffix = PurePosixPath(source.replace("\\", "/")).suffix.lower()
    ext = _EXTENSIONS[kind].get(suffix, _DEFAULT_EXT[kind])
    return f"attempt-{int(attempt_id)}-{kind.replace('_', '-')}{ext}"


def files_of(evidence: Evidence) -> list[EvidenceFile]:
    """The files of one attempt's evidence, named for the evidence folder."""
    out: list[EvidenceFile] = []
    for kind in ("screenshot", "page_source", "sip_trace"):
        source = getattr(evidence, kind)
        if source:
            out.append(EvidenceFile(source, evidence_name(evidence.attempt_id, kind, source)))
    return out


def resolve_artifact(artifacts_dir: Path, relative: str) -> Path | None:
    """The file for a stored artifact path, or None if it is missing or escapes the folder."""
    root = artifacts_dir.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root):
        log.warning("artifact path %r leaves the artifacts folder; not used", relative)
        return None
    return candidate if candidate.is_file() else None


class EvidenceSource(Protocol):
    """Where the report reads evidence from (`robot.store.evidence.EvidenceStore` satisfies
    it: a local folder or an S3 bucket, so a report built on any host has its screenshots)."""

    def exists(self, name: str) -> bool: ...

    def present(self, names: Iterable[str]) -> set[str]:
        """Which of `names` are there, looked up together (thousands per report)."""
        ...

    def open(self, name: str) -> BinaryIO: ...


class FolderSource:
    """Evidence in a local folder; names that leave it are never read."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def exists(self, name: str) -> bool:
        return resolve_artifact(self._folder, name) is not None

    def present(self, names: Iterable[str]) -> set[str]:
        return present_in(self._folder.resolve(), names, self.exists)

    def files(self, names: Iterable[str]) -> dict[str, Path]:
        return files_in(self._folder.resolve(), names, self.exists)

    def open(self, name: str) -> BinaryIO:
        path = resolve_artifact(self._folder, name)
        if path is None:
            raise FileNotFoundError(name)
        return path.open("rb")


@runtime_checkable
class LocalEvidence(Protocol):
    """Evidence on this host's disk: files can be copied by path (a folder; not a bucket)."""

    def files(self, names: Iterable[str]) -> dict[str, Path]: ...


def as_source(value: Path | EvidenceSource | None) -> EvidenceSource | None:
    """A folder path becomes a `FolderSource`; a store is used as it is."""
    if isinstance(value, str | os.PathLike):
        return FolderSource(Path(value))
    return value


def read_evidence(source: EvidenceSource, name: str) -> bytes | None:
    """The bytes of one evidence name, or None (missing, refused, unreadable: logged)."""
    try:
        with source.open(name) as handle:
            return handle.read()
    except Exception as exc:  # a missing or refused file leaves the report without it
        log.warning("evidence %r not read: %s", name, exc)
        return None


class Thumbnailer:
    """Small JPEG data: URIs for inline thumbnails, cached per evidence name and, with a
    `cache_dir`, on disk by the content's hash: a screen decodes once, whichever report or
    name shows it again (this week's "before" is last week's "after"; PNG decoding of a
    phone-sized screen is most of a thumbnail's cost)."""

    def __init__(
        self, source: Path | EvidenceSource, quality: int = 55, cache_dir: Path | None = None
    ) -> None:
        found = as_source(source)
        assert found is not None
        self._source = found
        self._quality = quality
        self._cache: dict[str, str | None] = {}
        self._cache_dir = cache_dir

    def many(self, relatives: Iterable[str]) -> dict[str, str]:
        """Thumbnails of several files at once; decoding runs in threads (Pillow drops the GIL)."""
        todo = list(dict.fromkeys(relatives))
        workers = max(1, min(8, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            uris = list(pool.map(self.data_uri, todo))
        return {rel: uri for rel, uri in zip(todo, uris, strict=True) if uri}

    def data_uri(self, relative: str) -> str | None:
        if relative not in self._cache:
            data = read_evidence(self._source, relative)
            self._cache[relative] = None if data is None else self._cached(relative, data)
        return self._cache[relative]

    def _cached(self, name: str, data: bytes) -> str | None:
        if self._cache_dir is None:
            return self._make(name, data)
        path = thumbnail_cache.entry(
            self._cache_dir, hashlib.sha256(data).hexdigest(), self._variant
        )
        kept = thumbnail_cache.read(path)
        if kept is not None:
            return _JPEG_URI + base64.b64encode(kept).decode("ascii")
        uri = self._make(name, data)  # not made yet (or unreadable): make it
        if uri is not None:
            thumbnail_cache.keep(path, base64.b64decode(uri[len(_JPEG_URI) :]))
        return uri

    @property
    def _variant(self) -> str:
        """What else decides the thumbnail's bytes, so a change of size or quality misses."""
        return f"{THUMB_WIDTH_PX}x{THUMB_HEIGHT_PX}q{self._quality}"

    def _make(self, name: str, data: bytes) -> str | None:
        try:
            with _opened(data) as image:
                # JPEG decodes at reduced size (draft); shrink before converting, so the
                # full-size screen is never copied (PNG decoding is most of the cost).
                image.draft("RGB", (THUMB_WIDTH_PX * 2, THUMB_HEIGHT_PX * 2))
                source = image.convert("RGB") if image.mode in ("P", "1") else image
                source.thumbnail((THUMB_WIDTH_PX, THUMB_HEIGHT_PX))
                thumb = source.convert("RGB")
                buffer = io.BytesIO()
                thumb.save(buffer, "JPEG", quality=self._quality, optimize=True)
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
            log.warning("no thumbnail for %s: %s", PurePosixPath(name).name, exc)
            return None
        return _JPEG_URI + base64.b64encode(buffer.getvalue()).decode("ascii")


_JPEG_URI = "data:image/jpeg;base64,"


def _opened(data: bytes) -> Image.Image:
    """The picture to shrink. A plain 8-bit RGB PNG (what handsets send) is decoded by the
    screen reader's libspng decoder: the same pixels, so the same thumbnail, for a quarter
    less CPU than Pillow's decoder (31 -> 24 ms a phone screen); Pillow takes the rest."""
    from robot.screen.png import PNG_SIGNATURE, decode_plain_png  # numpy: on a cache miss

    if data[:8] == PNG_SIGNATURE:
        pixels = decode_plain_png(data)
        if pixels is not None:
            return Image.fromarray(pixels)
    return Image.open(io.BytesIO(data))


def unique_files(groups: Iterable[Evidence | None]) -> list[EvidenceFile]:
    """Every evidence file referenced by the report, once each."""
    seen: dict[str, EvidenceFile] = {}
    for evidence in groups:
        if evidence is None:
            continue
        for item in files_of(evidence):
            seen.setdefault(item.name, item)
    return list(seen.values())
