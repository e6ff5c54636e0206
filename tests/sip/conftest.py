"""Shared SIP fixtures: one dialer (a small pool of pjsua2 processes) for the contract tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from robot.sip import Pjsua2Dialer
from tests.sip.sipp_peer import SippUas, start_uas
from tests.support.peers import need


@pytest.fixture(scope="session")
def dialer() -> Iterator[Pjsua2Dialer]:
    need("sipp", shutil.which("sipp") is not None, "install the Debian package sip-tester")
    with Pjsua2Dialer(concurrency=4, hangup_grace_s=4.0,
                      environ={"RINGCHECK_SIP_PASSWORD": "s3cret", "TRUNK_PW": "s3cret",
                               "WRONG_PW": "nope"}) as d:
        yield d


@pytest.fixture
def sipp(tmp_path: Path) -> Iterator[Callable[..., SippUas]]:
    """Start SIPp UASes for one test; every one still running at teardown is killed."""
    started: list[SippUas] = []

    def start(scenario: str, **options: Any) -> SippUas:
        uas = start_uas(scenario, tmp_path, **options)
        started.append(uas)
        return uas

    yield start
    for uas in started:
        uas.stop()
