"""Where a project keeps its results and evidence: the `store:`, `evidence:` (or `artifacts:`)
and `evidence_s3:` keys of `ringcheck.yaml`, read on their own.

Commands that only read the store (`results list`, `report`, `evidence`) need these four keys
and nothing else; reading them alone spares those commands the whole project (trunks, numbers
files, the farm file, phone-number parsing), and a mistake in a numbers file does not hide the
results already recorded. `load_project` reads the same keys through the same functions, so
the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from robot.config.secrets import check_no_secrets
from robot.config.validate import validate
from robot.config.yamlsrc import YamlDoc, load_yaml
from robot.store.evidence import S3_SCHEME, S3Location, S3Settings

PROJECT_FILE = "ringcheck.yaml"
DEFAULT_STORE = ".ringcheck/results.db"
DEFAULT_EVIDENCE = ".ringcheck/artifacts"


class EvidenceS3Model(BaseModel):
    """How to reach an S3-compatible evidence bucket; credentials come from the environment."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    endpoint_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/\S*)?$")
    region: str | None = Field(default=None, pattern=r"^[a-z0-9-]+$")
    link_expiry_s: int = Field(default=7 * 24 * 3600, ge=60, le=7 * 24 * 3600)


class StoreKeys(BaseModel):
    """The store and evidence keys of `ringcheck.yaml` (the project model adds the rest)."""

    model_config = ConfigDict(frozen=True, coerce_numbers_to_str=True)

    store: str | None = None
    artifacts: str | None = None
    # screenshots, page sources, SIP traces: a folder (default .ringcheck/artifacts) or
    # `s3://bucket/prefix` (any S3-compatible service; `evidence_s3:` says how to reach it)
    evidence: str | None = Field(default=None, min_length=1)
    evidence_s3: EvidenceS3Model | None = None


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """The store URL (its `${ENV}` references kept) and where the evidence is; paths absolute."""

    store_url: str
    artifacts_dir: Path  # the local evidence folder (unused when evidence_url is S3)
    evidence_url: str | None = None  # s3://bucket/prefix, or None for the local folder
    evidence_s3: S3Settings = field(default_factory=S3Settings)


def settings_of(keys: StoreKeys, doc: YamlDoc, root: Path) -> StoreSettings:
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
    data = {k: v for k, v in doc.data.items() if k in StoreKeys.model_fields}
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


def _evidence_folder(keys: StoreKeys, doc: YamlDoc) -> str:
    if keys.artifacts is not None and keys.evidence is not None:
        raise doc.error(
            ("artifacts",),
            "both `artifacts:` and `evidence:` say where evidence goes",
            "keep `evidence:` (a folder or s3://bucket/prefix) and remove `artifacts:`",
        )
    value = keys.evidence or keys.artifacts or DEFAULT_EVIDENCE
    return DEFAULT_EVIDENCE if value.startswith(S3_SCHEME) else value


def _evidence_url(keys: StoreKeys, doc: YamlDoc) -> str | None:
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


def _s3_settings(keys: StoreKeys) -> S3Settings:
    s3 = keys.evidence_s3
    if s3 is None:
        return S3Settings()
    return S3Settings(
        endpoint_url=s3.endpoint_url, region=s3.region, link_expiry_s=s3.link_expiry_s
    )
