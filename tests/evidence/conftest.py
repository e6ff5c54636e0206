"""An S3-compatible server per test module, with the credentials the robot reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.s3_peer import S3_CREDENTIALS, S3Server, s3_server


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


@pytest.fixture
def s3_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return dict(S3_CREDENTIALS)
