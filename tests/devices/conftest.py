"""Fixtures for the device tests: the real Appium 3 server (npm) with the fake driver and our
plugin, and a `farm_backend` the handset suite is parametrized over (see backends.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.devices.appium_peer import AppiumServer, appium_available, start_appium, stop_appium
from tests.devices.backends import BACKENDS, AppiumFakeBackend, FarmBackend
from tests.support.peers import need


@pytest.fixture(scope="session")
def appium_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppiumServer]:
    need("appium", appium_available(), "run `npm ci` in the repo root")
    server = start_appium(tmp_path_factory.mktemp("appium"))
    try:
        yield server
    finally:
        stop_appium(server)


@pytest.fixture(params=BACKENDS)
def farm_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FarmBackend]:
    if request.param == "appium-fake":
        backend = AppiumFakeBackend(request.getfixturevalue("appium_server"), tmp_path)
        try:
            yield backend
        finally:
            backend.close()
    else:  # pragma: no cover - a backend named in BACKENDS without a branch here
        raise AssertionError(f"unknown farm backend {request.param}")
