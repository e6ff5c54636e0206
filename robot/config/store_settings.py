"""Where a project keeps its results and evidence: the `store:`, `evidence:` (or `artifacts:`)
and `evidence_s3:` keys of `ringcheck.yaml`, read on their own.

Commands that only read the store (`results list`, `report`, `evidence`) need these four keys
and nothing else; reading them alone spares those commands the whole project (trunks, numbers
files, the farm file, phone-number parsing), and a mistake in a numbers file does not hide the
results already recorded. `load_project` reads the same keys through the same functions, so
the two cannot disagree.

Plain text values (the usual `store: sqlite:///...`, `evidence: shots`) are taken as they are,
without building the pydantic model (`robot.config.store_keys`), which with its plugin lookup
is a tenth of the start-up of `results list`; any other value is validated by the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from robot.config.secrets import check_no_secrets
from robot.config.yamlsrc import YamlDoc, load_yaml
from robot.store.evidence import S3_SCHEME, S3Location, S3Settings

PROJECT_FILE = "ringcheck.yaml"
DEFAULT_STORE = ".ringcheck/results.db"
DEFAULT_EVIDENCE = ".ringcheck/artifacts"
STORE_KEYS = ("store", "artifacts", "evidence", "evidence_s3")
"""The fields of `robot.config.store_keys.StoreKeys` (a test holds the two together)."""


class S3Keys(Protocol):
    """`evidence_s3:` as validated."""

    @property
    def endpoint_url(self) -> str | None: ...

    @property
    def region(self) -> str | None: ...

    @property
    def link_expiry_s(self) -> int: ...


class StoreKeyValues(Protocol):
    """The store keys as validated: a `StoreKeys` (or the project model, which extends it),
    or `PlainStoreKeys` when every value is plain text."""

    @property
    def store(self) -> str | None: ...

    @property
    def artifacts(self) -> str | None: ...

    @property
    def evidence(self) -> str | None: ...

    @property
    def evidence_s3(self) -> S3Keys | None: ...


@dataclass(frozen=True, slots=True)
class PlainStoreKeys:
    """Store keys whose values are text (or left out): what `StoreKeys` makes of them too."""

    store: str | None = None
    artifacts: str | None = None
    evidence: str | None = None
    evidence_s3: None = None


def plain_store_keys(data: Mapping[str, Any]) -> PlainStoreKeys | None:
    """The keys of `data` when `StoreKeys` would take every value as it is: text or nothing,
    a non-empty evidence location, no `evidence_s3:`. None for anything else, which goes to
    the pydantic model (its coercions and its error messages stay the only ones)."""

    def text(key: str, *, empty: bool = True) -> bool:
        value = data.get(key)
        return value is None or (type(value) is str and (empty or value != ""))

    if not (text("store") and text("artifacts") and text("evidence", empty=False)):
        return None
    if data.get("evidence_s3") is not None:
        return None
    return PlainStoreKeys(data.get("store"), data.get("artifacts"), data.get("evidence"))


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """The store URL (its `${ENV}` references kept) and where the evidence is; paths absolute."""

    store_url: str
    artifacts_dir: Path  # the local evidence folder (unused when evidence_url is S3)
    evidence_url: str | None = None  # s3://bucket/prefix, or None for the local folder
    evidence_s3: S3Settings = field(default_factory=S3Settings)


def settings_of(keys: StoreKeyValues, doc: YamlDoc, root: Path) -> StoreSettings:
    """The settings the keys say, checked against each other; paths resolved under `root`."""
    return StoreSettings(
        store_url=_store_url(keys.store, root),
        artifacts_dir=resolve(root, _evidence_folder(keys, doc)),
        evidence_url=_evidence_url(keys, doc),
        evidence_s3=_s3_settings(keys),
    )


def read_store_settings(project_file: Path) -> StoreSettings:
    """The store settings of `project_file` alone: its other keys are not checked here
    (`config check` and the commands that use them do that), but a secret written anywhere
    in the file is refused as `load_project` refuses it."""
    doc = load_yaml(project_file)
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise doc.error((), "expected `key: value` settings", "see examples/ringcheck.yaml")
    check_no_secrets(doc, skip=("sim",))
    data = {k: v for k, v in doc.data.items() if k in STORE_KEYS}
    keys: StoreKeyValues | None = plain_store_keys(data)
    if keys is None:
        from robot.config.store_keys import StoreKeys
        from robot.config.validate import validate

        keys = validate(StoreKeys, doc, data)
    return settings_of(keys, doc, project_file.parent.resolve())


def resolve(root: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


def _store_url(value: str | None, root: Path) -> str:
    """Default SQLite file in the project; relative SQLite paths are made project-relative."""
    if value is None:
        return f"sqlite:///{root / DEFAULT_STORE}"
    scheme, sep, rest = value.partition(":///")
    if sep and scheme.startswith("sqlite") and rest and not rest.startswith("/"):
        return f"{scheme}:///{root / rest}"
    return value


def _evidence_folder(keys: StoreKeyValues, doc: YamlDoc) -> str:
    if keys.artifacts is not None and keys.evidence is not None:
        raise doc.error(
            ("artifacts",),
            "both `artifacts:` and `evidence:` say where evidence goes",
            "keep `evidence:` (a folder or s3://bucket/prefix) and remove `artifacts:`",
        )
    value = keys.evidence or keys.artifacts or DEFAULT_EVIDENCE
    return DEFAULT_EVIDENCE if value.startswith(S3_SCHEME) else value


def _evidence_url(keys: StoreKeyValues, doc: YamlDoc) -> str | None:
    value = keys.evidence
    if value is None or "://" not in value:
        if keys.evidence_s3 is not None:
            raise doc.error(
                ("evidence_s3",),
                "`evidence_s3:` is set but evidence goes to a folder",
                "set `evidence: s3://bucket/prefix`, or remove `evidence_s3:`",
            )
        return None
    try:
        return str(S3Location.parse(value))
    except ValueError as exc:
        raise doc.error(
            ("evidence",),
            f'"{value}" is not an evidence location: {exc}',
            "use a folder (relative to the project) or s3://bucket/prefix",
        ) from None


def _s3_settings(keys: StoreKeyValues) -> S3Settings:
    s3 = keys.evidence_s3
    if s3 is None:
        return S3Settings()
    return S3Settings(
        endpoint_url=s3.endpoint_url, region=s3.region, link_expiry_s=s3.link_expiry_s
    )
