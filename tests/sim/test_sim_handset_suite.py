"""The devices issue's handset suite (tests/devices/test_handset*.py), run unchanged against the
virtual farm: every test there that takes a `farm_backend` gets a `SimBackend` here."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.sim.backend import SimBackend

try:
    from tests.devices import test_handset, test_handset_errors
except ImportError:  # the devices suite is not in this checkout
    SUITE: list[Callable[..., Any]] = []
else:
    SUITE = [
        function
        for module in (test_handset, test_handset_errors)
        for name, function in sorted(vars(module).items())
        if name.startswith("test_") and callable(function)
        and list(inspect.signature(function).parameters) == ["farm_backend"]
    ]


@pytest.fixture
def sim_backend() -> Iterator[SimBackend]:
    backend = SimBackend()
    yield backend
    backend.close()


def test_the_suite_was_found() -> None:
    assert len(SUITE) >= 10, "the devices handset suite moved: update this file"


@pytest.mark.parametrize("case", SUITE, ids=lambda f: f.__name__)
def test_handset_suite_against_the_virtual_farm(case: Callable[[SimBackend], None],
                                                sim_backend: SimBackend) -> None:
    case(sim_backend)
