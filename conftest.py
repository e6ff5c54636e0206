"""Shared fixtures for the whole suite."""

from __future__ import annotations

import pytest

from tests.support.peers import need

__all__ = ["need"]


@pytest.fixture
def project_tmp(tmp_path, monkeypatch):
    """A clean current folder with no RINGCHECK_* variables leaking in from the shell."""
    for name in list(__import__("os").environ):
        if name.startswith("RINGCHECK_") and name != "RINGCHECK_REQUIRE_PEERS":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
