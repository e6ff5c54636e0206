"""The pydantic shape of the store and evidence keys of `ringcheck.yaml`.

`ProjectModel` inherits these fields, and `read_store_settings` validates with them whenever
a value is not plain text (a number, a list, an `evidence_s3:` mapping, an empty evidence
location), so both paths refuse a value with the same words. Kept apart from
`robot.config.store_settings` so that commands which only read results build no pydantic
model for a project file whose store keys are plain text.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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
