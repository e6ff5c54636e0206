"""One running virtual farm (carriers are real pjsua2 processes) shared by the sim tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from devices.sim.build import farm_from_project
from devices.sim.farm import Ready, SimFarm
from tests.sim.support import write_project
from tests.support.peers import wait_until


@pytest.fixture(scope="session")
def sim_project(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, ec.EllipticCurvePrivateKey]:
    folder = tmp_path_factory.mktemp("simproject")
    return folder, write_project(folder)


@pytest.fixture(scope="session")
def running_farm(sim_project: tuple[Path, ec.EllipticCurvePrivateKey]) -> Iterator[SimFarm]:
    farm = farm_from_project(sim_project[0])
    farm.start()
    yield farm
    farm.stop()


@pytest.fixture
def farm(running_farm: SimFarm) -> Iterator[SimFarm]:
    """The shared farm; after each test it must have no call left up."""
    yield running_farm
    wait_until(lambda: running_farm.truth.live() == 0, 10, "zero live calls in the farm")
    assert all(h.ringing is None for h in running_farm.handsets.values())


@pytest.fixture
def ready(farm: SimFarm) -> Ready:
    return farm.ready()
