"""The one path before a run (`robot.prepare.prepare_run`), with a fixed clock.

Handset state, daily budgets, quiet hours, disk and signing are decided here for `run`,
`serve`, `demo` and the pytest plugin alike.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from robot.config.project import Project, load_project
from robot.domain.model import Attempt, AttemptTimes, Attestation, Run, Signing
from robot.domain.scenario import (
    CallOptions,
    HandsetSelector,
    NumberSelector,
    QuietHours,
    Scenario,
)
from robot.engine.guards import RunRefused, check_disk, in_quiet_hours
from robot.errors import ConfigError, NoHandsetError
from robot.prepare import CallFilter, PreparedRun, prepare_run
from robot.store.results import SqlResultStore, open_store
from tests.engine.fakes import FakeAvailability, ManualClock

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 10:00 in New York, the project's zone
CLEAN = "+12025550101"
TMOBILE = ("pixel8-tmo", "iphone15-tmo")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(EXAMPLES, tmp_path / "project")
    return load_project(tmp_path / "project")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock) -> Iterator[SqlResultStore]:
    opened = open_store(
        f"sqlite:///{tmp_path / 'r.db'}", artifacts_dir=tmp_path / "art", clock=clock
    )
    yield opened
    opened.close()


def one_number(**kw: object) -> Scenario:
    return Scenario(name="probe", numbers=NumberSelector(numbers=(CLEAN,)), **kw)  # type: ignore[arg-type]


def prepare(
    project: Project,
    scenario: Scenario,
    store: SqlResultStore,
    clock: ManualClock,
    availability: FakeAvailability | None = None,
    **kw: object,
) -> PreparedRun:
    return prepare_run(
        project,
        scenario,
        availability=availability or FakeAvailability(),
        counter=store,
        clock=clock,
        **kw,  # type: ignore[arg-type]
    )


def handsets_of(prepared: PreparedRun) -> set[str]:
    return {c.handset.id for c in prepared.calls}


# --- handsets in service -------------------------------------------------------------------


def test_disabled_and_quarantined_handsets_are_left_out_and_named(project, store, clock) -> None:
    availability = FakeAvailability(disabled={"pixel8-tmo"}, quarantined={"iphone15-tmo"})
    prepared = prepare(project, one_number(), store, clock, availability)
    assert handsets_of(prepared) == {h.id for h in project.handsets} - set(TMOBILE)
    reasons = {s.handset_id: s.reason for s in prepared.handsets_skipped}
    assert "disabled" in reasons["pixel8-tmo"]
    assert "quarantined" in reasons["iphone15-tmo"]
    assert availability.probed == ["iphone15-tmo"]  # a recovery check before giving up on it


def test_a_quarantined_handset_that_passes_its_recovery_check_is_used(
    project, store, clock
) -> None:
    availability = FakeAvailability(quarantined={"iphone15-tmo"}, healthy_again={"iphone15-tmo"})
    prepared = prepare(project, one_number(), store, clock, availability)
    assert "iphone15-tmo" in handsets_of(prepared)
    assert prepared.handsets_skipped == ()


def test_a_dry_run_probes_nothing_and_still_names_what_it_leaves_out(project, store, clock) -> None:
    availability = FakeAvailability(quarantined={"iphone15-tmo"}, healthy_again={"iphone15-tmo"})
    prepared = prepare(project, one_number(), store, clock, availability, dry_run=True)
    assert availability.probed == []
    assert [s.handset_id for s in prepared.handsets_skipped] == ["iphone15-tmo"]


def test_no_handset_in_service_means_nothing_tested_exit_3(project, store, clock) -> None:
    everyone = {h.id for h in project.handsets}
    scenario = one_number(handsets=HandsetSelector(carriers=("sim-tmobile",)))
    with pytest.raises(NoHandsetError) as raised:
        prepare(project, scenario, store, clock, FakeAvailability(disabled=everyone))
    assert raised.value.exit_code == 3
    assert "pixel8-tmo" in str(raised.value) and "iphone15-tmo" in str(raised.value)
    dry = prepare(
        project, scenario, store, clock, FakeAvailability(disabled=everyone), dry_run=True
    )
    assert dry.calls == () and len(dry.handsets_skipped) == 2


def test_filters_by_number_and_carrier(project, store, clock) -> None:
    only = CallFilter(numbers=(CLEAN, "+12125550103"), carriers=("sim-att",))
    prepared = prepare(project, Scenario(name="all"), store, clock, only=only)
    assert {c.number.e164 for c in prepared.calls} == {CLEAN, "+12125550103"}
    assert {c.handset.carrier for c in prepared.calls} == {"sim-att"}


# --- daily budgets -------------------------------------------------------------------------


def _called(store: SqlResultStore, number: str, handset: str, at: datetime) -> None:
    run = store.start_run(Run("earlier", "manual", at))
    store.record_attempt(
        Attempt(run_id=run.id or 0, number=number, carrier="sim-tmobile",
                handset_id=handset, times=AttemptTimes(dialed_at=at))
    )  # fmt: skip


def test_daily_budgets_count_todays_calls_in_the_project_time_zone(project, store, clock) -> None:
    _called(store, CLEAN, "pixel8-tmo", NOW - timedelta(hours=2))  # 08:00 New York today
    _called(store, CLEAN, "pixel8-tmo", NOW - timedelta(hours=4))  # 06:00 today
    _called(
        store, CLEAN, "galaxy-s23-att", datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
    )  # 23:30 yesterday
    scenario = one_number(daily_budget_per_number=3)
    prepared = prepare(project, scenario, store, clock)
    assert len(prepared.calls) == 1  # 2 made today, 1 more allowed
    assert len(prepared.skipped) == len(project.handsets) - 1
    assert all(f"daily budget of 3 calls for number {CLEAN}" in s for s in prepared.skipped)

    per_handset = prepare(project, one_number(daily_budget_per_handset=2), store, clock)
    assert "pixel8-tmo" not in handsets_of(per_handset)
    assert "galaxy-s23-att" in handsets_of(per_handset)  # yesterday's call does not count


def test_a_run_entirely_over_budget_is_refused_with_its_reason(project, store, clock) -> None:
    _called(store, CLEAN, "pixel8-tmo", NOW - timedelta(minutes=5))
    with pytest.raises(RunRefused, match="daily budget"):
        prepare(project, one_number(daily_budget_per_number=1), store, clock)
    clock.at = NOW + timedelta(hours=14)  # 00:00 in New York: a new day, a new budget
    assert prepare(project, one_number(daily_budget_per_number=1), store, clock).calls


# --- quiet hours and disk ------------------------------------------------------------------

NIGHT = QuietHours("21:00", "08:00", "America/New_York")


@pytest.mark.parametrize(
    ("local", "quiet"),
    [("20:59", False), ("21:00", True), ("23:59", True), ("00:00", True), ("07:59", True),
     ("08:00", False), ("12:00", False)],
)  # fmt: skip
def test_quiet_hours_wrap_past_midnight(local: str, quiet: bool) -> None:
    hours, minutes = map(int, local.split(":"))
    moment = datetime(2026, 11, 27, hours, minutes, tzinfo=UTC) + timedelta(hours=5)  # EST
    assert in_quiet_hours(NIGHT, moment) is quiet


def test_quiet_hours_refuse_a_run_unless_ignored(project, store, clock) -> None:
    scenario = one_number(quiet_hours=NIGHT)
    assert prepare(project, scenario, store, clock).calls  # 10:00 in New York
    clock.at = datetime(2026, 11, 28, 3, 30, tzinfo=UTC)  # 22:30 in New York
    with pytest.raises(RunRefused, match="quiet hours"):
        prepare(project, scenario, store, clock)
    assert prepare(project, scenario, store, clock, ignore_quiet_hours=True).calls
    dry = prepare(project, scenario, store, clock, dry_run=True)
    assert dry.calls and dry.refusal is not None and "quiet hours" in dry.refusal


def test_a_run_without_disk_for_its_evidence_is_refused(tmp_path: Path) -> None:
    check_disk(tmp_path / "not-yet" / "artifacts", 10)  # a folder to be: its parent counts
    with pytest.raises(RunRefused, match="results prune"):
        check_disk(tmp_path, 10**12)


# --- signing -------------------------------------------------------------------------------


def with_signing(project: Project, level: Attestation) -> Project:
    trunk = dataclasses.replace(project.trunks[0], signing=Signing("k.pem", "https://x/c", level))
    return dataclasses.replace(project, trunks=(trunk,))


def test_without_a_signing_key_a_scenario_signs_as_its_trunk_is_set_up(
    project, store, clock
) -> None:
    default = one_number(call=CallOptions(signing_from_trunk=True))
    unsigned = prepare(project, default, store, clock)
    assert {c.attestation for c in unsigned.calls} == {None}
    signed = prepare(with_signing(project, Attestation.B), default, store, clock)
    assert {c.attestation for c in signed.calls} == {Attestation.B}


def test_signing_none_stays_unsigned_on_a_signing_trunk(project, store, clock) -> None:
    scenario = one_number(call=CallOptions(signings=(None,)))
    prepared = prepare(with_signing(project, Attestation.A), scenario, store, clock)
    assert {c.attestation for c in prepared.calls} == {None}


def test_a_level_on_a_trunk_without_key_is_refused_before_any_call(project, store, clock) -> None:
    scenario = one_number(call=CallOptions(signings=(Attestation.A,)))
    with pytest.raises(ConfigError) as raised:
        prepare(project, scenario, store, clock, dry_run=True)
    assert "trunk `sim` has no signing key" in str(raised.value)
    assert "signing: none" in str(raised.value)


def test_trunk_limits_that_shape_the_run_are_named(project, store, clock) -> None:
    prepared = prepare(project, Scenario(name="all"), store, clock)
    assert any(
        "trunk `sim` allows 4 concurrent calls and 6 handsets share it" in n for n in prepared.notes
    )
    slow = dataclasses.replace(project.trunks[0], cps=0.1)
    paced = prepare(
        dataclasses.replace(project, trunks=(slow,)), Scenario(name="all"), store, clock
    )
    assert any("0.1 calls/s" in n for n in paced.notes)
