"""pytest plugin for QA engineers who keep their checks in pytest (entry point `pytest11`).

    def test_retail_line_is_verified_on_tmobile(ringcheck):
        result = ringcheck.call("+12025550101", carrier="tmobile")
        assert result.verified and not result.spam_label

The `ringcheck` fixture works on the project of `--ringcheck-project DIR` (or
RINGCHECK_PROJECT, or the current folder) and on the farm of `--ringcheck-farm READY_FILE`
(or RINGCHECK_FARM); without a farm file but with a `sim:` section in the project, the
virtual farm is started once for the session and stopped after it. Each call goes the way
`ringcheck run` goes (`prepare`, then `run_planned`): its result lands in the store, and the
pytest report of the test names every call's screenshot. Loading the plugin costs nothing:
ringcheck itself is imported only when a test asks for the fixture.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from robot.config.project import Project
    from robot.domain.model import Attempt, Attestation
    from robot.domain.scenario import Scenario
    from robot.wiring import FarmEndpoints

PROJECT_ENV = "RINGCHECK_PROJECT"
FARM_ENV = "RINGCHECK_FARM"
_RESULTS = pytest.StashKey[list["CallResult"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ringcheck", "ringcheck test calls")
    group.addoption(
        "--ringcheck-project",
        metavar="DIR",
        help=f"ringcheck project folder (default: ${PROJECT_ENV}, else the current folder)",
    )
    group.addoption(
        "--ringcheck-farm",
        metavar="READY_FILE",
        help=f"ready file of a running farm (default: ${FARM_ENV}; else the project's "
        "virtual farm is started for the session)",
    )


@dataclass(frozen=True)
class CallResult:
    """What one test call showed, in the words a test asserts on."""

    attempt: Attempt
    screenshot: Path | None

    @property
    def delivery(self) -> str:
        return self.attempt.delivery.value if self.attempt.delivery else "interrupted"

    @property
    def delivered(self) -> bool:
        return self.delivery == "delivered"

    @property
    def blocked(self) -> bool:
        return self.delivery == "blocked"

    @property
    def name(self) -> str | None:
        return self.attempt.reading.name if self.attempt.reading else None

    @property
    def spam_label(self) -> str | None:
        return self.attempt.reading.spam_label if self.attempt.reading else None

    @property
    def verified(self) -> bool:
        reading = self.attempt.reading
        return reading is not None and reading.verified.value == "yes"

    @property
    def passed(self) -> bool:
        """Every expectation of the number (name, no label, delivered or blocked) held."""
        return self.attempt.verdict is not None and self.attempt.verdict.passed

    @property
    def warnings(self) -> tuple[str, ...]:
        verdict = self.attempt.verdict
        return tuple(c.reason for c in verdict.checks if c.state.value == "warn") if verdict else ()

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.attempt.verdict.reasons if self.attempt.verdict else ()

    def describe(self) -> str:
        shown = f"name={self.name!r} label={self.spam_label!r} verified={self.verified}"
        where = f"{self.attempt.number} -> {self.attempt.handset_id} ({self.attempt.carrier})"
        error = f" error={self.attempt.error}" if self.attempt.error else ""
        return f"{where}: {self.delivery} {shown} screenshot={self.screenshot}{error}"

    def __repr__(self) -> str:  # what pytest prints when an assertion on a result fails
        return f"CallResult({self.describe()})"


@dataclass
class RingcheckSession:
    """The project and farm of a pytest session (the farm process, when we started it)."""

    project: Project
    farm: FarmEndpoints | None
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    @classmethod
    def open(cls, config: pytest.Config) -> RingcheckSession:
        from robot.config.project import load_project
        from robot.demo import DemoPaths, FarmProcess
        from robot.wiring import FarmEndpoints

        folder = config.getoption("ringcheck_project") or os.environ.get(PROJECT_ENV) or "."
        project = load_project(Path(folder))
        session = cls(project, None)
        ready = config.getoption("ringcheck_farm") or os.environ.get(FARM_ENV)
        if ready:
            session.farm = FarmEndpoints.read(Path(ready))
        elif project.sim:
            paths = DemoPaths(project.project_dir)
            session._stack.enter_context(FarmProcess(paths))
            session.farm = FarmEndpoints.read(paths.ready_file)
        return session

    def close(self) -> None:
        self._stack.close()


class Ringcheck:
    """The `ringcheck` fixture: places test calls for one test."""

    def __init__(self, session: RingcheckSession, test_name: str) -> None:
        self.session = session
        self.project = session.project
        self.scenario_name = "pytest-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")
        self.results: list[CallResult] = []

    def call(
        self,
        number: str,
        *,
        carrier: str | None = None,
        handset: str | None = None,
        attest: Attestation | str | None = None,
        ring_timeout_s: float = 20.0,
    ) -> CallResult:
        """One test call from `number` (E.164, tag or brand naming one number) to a handset
        of `carrier` (id or name) or to `handset`; signed as its trunk is set up unless
        `attest` names a level ("none" for unsigned)."""
        from robot.wiring import prepare, run_planned

        scenario = self._scenario(number, carrier, handset, attest, ring_timeout_s)
        prepared = prepare(self.project, scenario, farm=self.session.farm)
        one = replace(prepared, calls=prepared.calls[:1])
        made: list[Attempt] = []  # in full: a run's summary keeps no reading or SIP record
        summary = run_planned(
            self.project, one, farm=self.session.farm, trigger="pytest", listeners=[made.append]
        )
        if not made:
            raise RuntimeError(f"no call was made: {'; '.join(summary.errors) or 'unknown'}")
        result = CallResult(made[-1], self._screenshot(made[-1]))
        self.results.append(result)
        return result

    def _scenario(
        self,
        number: str,
        carrier: str | None,
        handset: str | None,
        attest: Attestation | str | None,
        ring_timeout_s: float,
    ) -> Scenario:
        from robot.domain.model import Attestation
        from robot.domain.scenario import (
            CallOptions,
            DnoChoice,
            HandsetSelector,
            NumberSelector,
            Scenario,
        )
        from robot.errors import UsageError
        from robot.selectors import resolve_carrier, resolve_numbers

        numbers = resolve_numbers([number], self.project, option="number")
        if len(numbers) != 1:
            raise UsageError(f"call({number!r}) places one call, but it names {len(numbers)} "
                             f"numbers: {', '.join(numbers)}")  # fmt: skip
        carriers = (resolve_carrier(carrier, self.project, "carrier"),) if carrier else ()
        signing: dict[str, Any] = {"signing_from_trunk": True}
        if attest is not None:
            level = None if str(attest).lower() == "none" else Attestation(str(attest).upper())
            signing = {"signings": (level,)}
        return Scenario(
            name=self.scenario_name,
            numbers=NumberSelector(numbers=numbers, do_not_originate=DnoChoice.INCLUDE),
            handsets=HandsetSelector(carriers=carriers, ids=(handset,) if handset else ()),
            call=CallOptions(capture_after_s=1.0, ring_timeout_s=ring_timeout_s, frames=1,
                             **signing),
        )  # fmt: skip

    def _screenshot(self, attempt: Attempt) -> Path | None:
        if attempt.artifacts.screenshot is None:
            return None
        return Path(self.project.artifacts_dir) / attempt.artifacts.screenshot


@pytest.fixture(scope="session")
def ringcheck_session(pytestconfig: pytest.Config) -> Iterator[RingcheckSession]:
    session = RingcheckSession.open(pytestconfig)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def ringcheck(ringcheck_session: RingcheckSession, request: pytest.FixtureRequest) -> Ringcheck:
    fixture = Ringcheck(ringcheck_session, request.node.name)
    request.node.stash[_RESULTS] = fixture.results
    return fixture


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Every call of the test, with its screenshot path, in the test's report (and as JUnit
    properties), so a failing check points straight at the evidence."""
    report = yield
    results = item.stash.get(_RESULTS, None)
    if results and call.when == "call":
        report.sections.append(("ringcheck calls", "\n".join(r.describe() for r in results)))
        for r in results:  # JUnit XML takes them from the test's last (teardown) report
            item.user_properties.append(("ringcheck_screenshot", str(r.screenshot or "")))
    return report
