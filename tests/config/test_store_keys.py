"""The store keys of `ringcheck.yaml` read without pydantic agree with the pydantic model.

`read_store_settings` takes plain text values as they are and sends anything else to
`StoreKeys`; these tests hold the two together, so the fast path can never accept a value the
model refuses or read one differently.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from robot.config.store_keys import StoreKeys
from robot.config.store_settings import STORE_KEYS, plain_store_keys

CASES: list[dict[str, Any]] = [
    {},
    {"store": "sqlite:///.ringcheck/results.db"},
    {"store": "postgresql+psycopg://rc:${RC_DB_PW}@db/rc", "evidence": "s3://bucket/prefix"},
    {"store": None, "artifacts": None, "evidence": None, "evidence_s3": None},
    {"artifacts": "shots", "evidence": "evidence"},
    {"store": ""},
    {"artifacts": ""},
    {"evidence": ""},
    {"evidence": " "},
    {"store": 5},
    {"store": 2.5},
    {"store": True},
    {"artifacts": ["a", "b"]},
    {"evidence": {"folder": "x"}},
    {"evidence_s3": {"region": "eu-west-1"}},
    {"evidence_s3": {"region": "EU"}},
    {"evidence_s3": "s3://bucket"},
    {"evidence_s3": {}},
]


def test_the_plain_keys_are_the_fields_of_the_model() -> None:
    assert set(STORE_KEYS) == set(StoreKeys.model_fields)


@pytest.mark.parametrize("data", CASES, ids=repr)
def test_plain_values_are_read_as_the_model_reads_them(data: dict[str, Any]) -> None:
    plain = plain_store_keys(data)
    try:
        model = StoreKeys.model_validate(data)
    except ValidationError:
        assert plain is None  # refused by the model: its message is the one people see
        return
    if plain is None:  # not plain text: the model decides (numbers, mappings)
        return
    assert (plain.store, plain.artifacts, plain.evidence, plain.evidence_s3) == (
        model.store,
        model.artifacts,
        model.evidence,
        model.evidence_s3,
    )


def test_the_common_shapes_need_no_model() -> None:
    """What example projects and `ringcheck demo` write is read without pydantic."""
    for data in CASES[:5]:
        assert plain_store_keys(data) is not None, data
