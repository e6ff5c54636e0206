"""Where evidence lives: one interface for a local folder and S3-compatible object storage.

Workers write screenshots, page sources and SIP traces; reports, evidence bundles, alerts and
the web console read them. They all go through `EvidenceStore`, so a report built on one host
reads what a worker on another wrote. Names are chosen by the store from ids and dates only
(`evidence_name`), never from screen text, and a name that would leave the store is refused
whichever backend holds it.

    evidence: .ringcheck/artifacts         # a folder (the default), relative to the project
    evidence: s3://ringcheck-evidence/prod # a bucket and a key prefix (any S3-compatible service)

Links for people: a local folder has none (`url_for` is None: a console streams `open(name)`);
S3 gives presigned URLs that expire. boto3 is imported only when S3 is configured.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from robot.domain.model import Attempt
from robot.errors import StoreError

if TYPE_CHECKING:
    from robot.store.artifacts import ArtifactKind

log = logging.getLogger(__name__)

S3_SCHEME = "s3://"
DEFAULT_LINK_EXPIRY_S = 7 * 24 * 3600
"""SigV4 presigned URLs last at most seven days."""


class EvidenceMissing(FileNotFoundError):
    """The named evidence is not (or no longer) in the store: pruned, or never written."""


class EvidenceStore(Protocol):
    """Evidence of attempts, by the names the store chose (`Attempt.artifacts`)."""

    @property
    def where(self) -> str:
        """For messages: the folder or `s3://bucket/prefix` (never a secret)."""
        ...

    def write(
        self, attempt: Attempt, kind: ArtifactKind, data: bytes | str, *, frame: int = 0
    ) -> str:
        """Store `data` for the attempt; returns its name."""
        ...

    def open(self, name: str) -> BinaryIO:
        """The stored bytes as a stream (close it; `with` does); `EvidenceMissing` when the
        name is not there, `StoreError` for a name that would leave the store."""
        ...

    def exists(self, name: str) -> bool: ...

    def present(self, names: Iterable[str]) -> set[str]:
        """Which of `names` are in the store: one look per folder, not one per name (a report
        checks thousands)."""
        ...

    def url_for(self, name: str) -> str | None:
        """A link a person can follow (presigned for S3), or None (a local folder)."""
        ...

    def locate(self, name: str) -> str:
        """Where a person finds it: a path on this host, or `s3://bucket/key`."""
        ...

    def delete_attempt_files(self, attempt_id: int, known: list[str]) -> int:
        """Delete the evidence of one attempt (its names and sibling frames); count them."""
        ...


def evidence_name(attempt: Attempt, kind: ArtifactKind, frame: int = 0) -> str:
    """`YYYY/MM/DD/run<run>/attempt<id>-<kind>[-<frame>].<ext>`, from ids and UTC date only."""
    from robot.store.artifacts import SUFFIX, ArtifactKind

    if attempt.id is None:
        raise StoreError("record the attempt before writing its evidence (it has no id yet)")
    day = attempt.times.dialed_at.astimezone(UTC)
    frame_part = f"-{int(frame)}" if frame else ""
    value = ArtifactKind(kind)
    return (
        f"{day:%Y/%m/%d}/run{int(attempt.run_id)}/"
        f"attempt{int(attempt.id)}-{value.value}{frame_part}{SUFFIX[value]}"
    )


def checked_name(name: str, where: str) -> PurePosixPath:
    """A stored name as a relative POSIX path; refuses anything that could leave the store."""
    if not name or "\x00" in name or "\\" in name:
        raise StoreError(f"evidence name {name!r} is not one the store wrote ({where})")
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", "") for part in name.split("/")):
        raise StoreError(f"evidence name {name!r} escapes the evidence store {where}")
    return path


@dataclass(frozen=True, slots=True)
class S3Location:
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """`s3://bucket/prefix` (prefix optional); raises ValueError naming the problem."""
        if not url.startswith(S3_SCHEME):
            raise ValueError("an S3 location starts with s3://")
        bucket, _, prefix = url[len(S3_SCHEME) :].partition("/")
        if not bucket or not _valid_bucket(bucket):
            raise ValueError(
                f"`{bucket}` is not a bucket name (3-63 lower-case letters, digits, `-`, `.`)"
            )
        prefix = prefix.strip("/")
        if any(part in ("..", ".") for part in prefix.split("/")):
            raise ValueError("the key prefix may not hold `.` or `..` parts")
        return cls(bucket, prefix)

    def __str__(self) -> str:
        return f"{S3_SCHEME}{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


def _valid_bucket(name: str) -> bool:
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    return 3 <= len(name) <= 63 and set(name) <= allowed and name[0] not in "-."


@dataclass(frozen=True, slots=True)
class S3Settings:
    """How to reach the bucket: credentials come from the environment (boto3's usual chain:
    AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, an instance role), never from files."""

    endpoint_url: str | None = None  # an S3-compatible service (MinIO, Ceph, ...)
    region: str | None = None
    link_expiry_s: int = DEFAULT_LINK_EXPIRY_S


class S3EvidenceStore:
    """Evidence as objects under `s3://bucket/prefix/<name>`; one client, thread-safe."""

    def __init__(self, location: S3Location, client: Any, *, link_expiry_s: int) -> None:
        self._location = location
        self._client = client
        self._expiry_s = link_expiry_s

    @property
    def where(self) -> str:
        return str(self._location)

    def _key(self, name: str) -> str:
        path = checked_name(name, self.where)
        return f"{self._location.prefix}/{path}" if self._location.prefix else str(path)

    def write(
        self, attempt: Attempt, kind: ArtifactKind, data: bytes | str, *, frame: int = 0
    ) -> str:
        from robot.store.artifacts import CONTENT_TYPE, ArtifactKind

        name = evidence_name(attempt, kind, frame)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        self._call(
            f"cannot write evidence {name}",
            lambda: self._client.put_object(
                Bucket=self._location.bucket,
                Key=self._key(name),
                Body=payload,
                ContentType=CONTENT_TYPE[ArtifactKind(kind)],
            ),
        )
        return name

    def open(self, name: str) -> BinaryIO:
        key = self._key(name)
        response = self._call(
            f"cannot read evidence {name}",
            lambda: self._client.get_object(Bucket=self._location.bucket, Key=key),
            missing=name,
        )
        return io.BufferedReader(_Body(response["Body"]))

    def exists(self, name: str) -> bool:
        try:
            key = self._key(name)
        except StoreError:
            return False
        try:
            self._call(
                f"cannot look up evidence {name}",
                lambda: self._client.head_object(Bucket=self._location.bucket, Key=key),
                missing=name,
            )
        except EvidenceMissing:
            return False
        return True

    def present(self, names: Iterable[str]) -> set[str]:
        """One listing per folder holding several of the names (a request per thousand
        objects), a HEAD for a name alone in its folder."""
        by_folder: dict[str, list[tuple[str, str]]] = {}
        for name in set(names):
            try:
                key = self._key(name)
            except StoreError:
                continue
            by_folder.setdefault(key.rpartition("/")[0], []).append((name, key))
        found: set[str] = set()
        for folder, items in by_folder.items():
            if len(items) < 3:
                found.update(name for name, _ in items if self.exists(name))
                continue
            keys = self._keys_under(f"{folder}/" if folder else "")
            found.update(name for name, key in items if key in keys)
        return found

    def _keys_under(self, prefix: str) -> set[str]:
        keys: set[str] = set()
        paginator = self._client.get_paginator("list_objects_v2")

        def listing() -> None:
            for page in paginator.paginate(Bucket=self._location.bucket, Prefix=prefix):
                keys.update(item["Key"] for item in page.get("Contents", []))

        self._call("cannot list evidence", listing)
        return keys

    def url_for(self, name: str) -> str | None:
        key = self._key(name)
        url = self._call(
            f"cannot sign a link to evidence {name}",
            lambda: self._client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self._location.bucket, "Key": key},
                ExpiresIn=self._expiry_s,
            ),
        )
        return str(url)

    def locate(self, name: str) -> str:
        return f"{S3_SCHEME}{self._location.bucket}/{self._key(name)}"

    def delete_attempt_files(self, attempt_id: int, known: list[str]) -> int:
        folders = set()
        for name in known:
            try:
                folders.add(self._key(name).rsplit("/", 1)[0])
            except StoreError:
                continue  # a name we did not write: never follow it
        deleted = 0
        bucket = self._location.bucket
        for folder in folders:
            prefix = f"{folder}/attempt{int(attempt_id)}-"
            what = f"cannot delete evidence of attempt {attempt_id}"

            def listing(prefix: str = prefix) -> Any:
                return self._client.list_objects_v2(Bucket=bucket, Prefix=prefix)

            for item in self._call(what, listing).get("Contents", []):

                def delete(key: str = item["Key"]) -> Any:
                    return self._client.delete_object(Bucket=bucket, Key=key)

                self._call(what, delete)
                deleted += 1
        return deleted

    def _call(self, what: str, action: Callable[[], Any], *, missing: str | None = None) -> Any:
        """Run one S3 request; botocore's errors become ours, naming the bucket only."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return action()
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            if missing is not None and code in ("404", "NoSuchKey", "NotFound"):
                raise EvidenceMissing(f"evidence {missing} is not in {self.where}") from None
            message = str(error.get("Message") or code or exc)
            raise StoreError(f"{what} in {self.where}: {code} {message}".strip()) from None
        except BotoCoreError as exc:
            raise StoreError(f"{what} in {self.where}: {exc}") from None


class _Body(io.RawIOBase):
    """An S3 object's body as a raw stream, so readers get an ordinary binary file."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


def open_s3_evidence(url: str, settings: S3Settings) -> S3EvidenceStore:
    """An S3 evidence store for `s3://bucket/prefix`; checks the bucket answers."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise StoreError("evidence in S3 needs boto3: pip install 'ringcheck[s3]'") from None
    location = S3Location.parse(url)
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=settings.endpoint_url,
        region_name=settings.region,
        config=Config(retries={"max_attempts": 4, "mode": "standard"}, max_pool_connections=32),
    )
    return S3EvidenceStore(location, client, link_expiry_s=settings.link_expiry_s)
