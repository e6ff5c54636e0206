"""Evidence files and weekly reports as HTTP responses.

Evidence is found by attempt id and kind only; the stored relative path is resolved by the
store's artifacts interface, which refuses anything outside the artifacts folder. Files are
streamed with the content type of their kind, never sniffed, and sandboxed: a page source is
XML written by a handset, so a browser opening it must not run anything it holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, BinaryIO

from starlette.responses import Response, StreamingResponse

from reports.build import build_report
from reports.evidence import evidence_name
from reports.period import Period
from reports.render import render_html
from robot.cli.report_cmd import inventory_of
from robot.errors import StoreError
from robot.store.artifacts import ArtifactKind
from robot.web.errors import ApiError

if TYPE_CHECKING:
    from robot.web.console import Console

CHUNK_BYTES = 64 * 1024
SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
REPORT_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
REPORT_EVIDENCE = "/reports/evidence"
_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".xml": "application/xml",
    ".html": "text/plain; charset=utf-8",  # a dump of a web view: shown, never rendered
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".log": "text/plain; charset=utf-8",
    ".sip": "text/plain; charset=utf-8",
    ".pcap": "application/vnd.tcpdump.pcap",
}
_DEFAULT_TYPE = {
    ArtifactKind.SCREENSHOT: "application/octet-stream",
    ArtifactKind.PAGE_SOURCE: "text/plain; charset=utf-8",
    ArtifactKind.SIP_TRACE: "text/plain; charset=utf-8",
}


def kind_of(value: str) -> ArtifactKind:
    try:
        return ArtifactKind(value.replace("-", "_"))
    except ValueError:
        kinds = ", ".join(k.value for k in ArtifactKind)
        raise ApiError(404, f"no evidence kind {value!r} (kinds: {kinds})") from None


def content_type(kind: ArtifactKind, relative: str) -> str:
    suffix = PurePosixPath(relative.replace("\\", "/")).suffix.lower()
    return _TYPES.get(suffix, _DEFAULT_TYPE[kind])


def open_evidence(console: Console, attempt_id: int, kind: ArtifactKind) -> tuple[BinaryIO, str]:
    """The evidence file of an attempt, open for reading, and its stored relative name."""
    attempt = console.store.attempt(attempt_id)
    if attempt is None:
        raise ApiError(404, f"no attempt {attempt_id} in the store")
    relative = getattr(attempt.artifacts, kind.value)
    if not relative:
        raise ApiError(404, f"attempt {attempt_id} has no {kind.value.replace('_', ' ')}")
    artifacts = console.store.artifacts
    if artifacts is None:
        raise ApiError(503, "the store has no artifacts folder configured")
    try:
        return artifacts.open(relative), relative
    except StoreError as exc:  # a stored path that leaves the folder: never followed
        raise ApiError(404, f"evidence of attempt {attempt_id} is not available: {exc}") from None
    except OSError:
        raise ApiError(
            404,
            f"the {kind.value.replace('_', ' ')} of attempt {attempt_id} is gone from the "
            "artifacts folder (pruned?)",
        ) from None


def evidence_response(console: Console, attempt_id: int, kind: ArtifactKind) -> Response:
    handle, relative = open_evidence(console, attempt_id, kind)
    name = evidence_name(attempt_id, kind.value, relative)

    def chunks() -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk

    return StreamingResponse(
        chunks(),
        media_type=content_type(kind, relative),
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Content-Security-Policy": SANDBOX,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        },
    )


def read_text(console: Console, attempt_id: int, kind: ArtifactKind, limit: int) -> str | None:
    """An evidence file as text for a page (cut at `limit` characters), or None."""
    try:
        handle, _ = open_evidence(console, attempt_id, kind)
    except ApiError:
        return None
    with handle:
        data = handle.read(limit * 4 + 4)
    text = data.decode("utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + "\n… (cut; open the file for the rest)"


class ReportCache:
    """Weekly reports rendered for the console, kept while the week gets no new attempt."""

    def __init__(self, size: int = 4) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, int | None], str] = OrderedDict()
        self._lock = threading.Lock()

    def html(self, console: Console, period: Period) -> str:
        last = console.reads.last_attempt_between(period.start, period.end)
        if last is None:
            raise ApiError(
                404,
                f"no attempts in {period.label}: nothing to report (weeks with attempts: "
                "GET /api/reports)",
            )
        key = (period.label, last)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        artifacts = console.store.artifacts
        report = build_report(
            console.store,
            period,
            inventory=inventory_of(console.project()),
            artifacts_dir=artifacts,  # a folder or a bucket: one interface
            now=datetime.now(UTC),
        )
        html = render_html(
            report, evidence_rel=REPORT_EVIDENCE, attempt_url=lambda n: f"/attempts/{n}"
        )
        with self._lock:
            self._items[key] = html
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return html


def report_evidence(console: Console, name: str) -> Response:
    """`/reports/evidence/attempt-42-screenshot.png`, as the report links it."""
    stem = PurePosixPath(name).stem
    parts = stem.split("-", 2)
    if len(parts) != 3 or parts[0] != "attempt" or not parts[1].isdigit():
        raise ApiError(404, f"no report evidence named {name!r}")
    return evidence_response(console, int(parts[1]), kind_of(parts[2]))
