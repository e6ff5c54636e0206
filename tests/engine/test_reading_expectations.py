"""What the engine tells the screen reader: how the screen was taken and the logo to compare,
never the name the scenario expects (reading is blind)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from robot.clock import SystemClock
from robot.domain.model import (
    DialerKind,
    Handset,
    Number,
    Platform,
    Reading,
    Surface,
    Tristate,
)
from robot.domain.scenario import CallOptions, Scenario, plan
from robot.engine.environment import Environment
from robot.engine.run import execute_run
from robot.store.results import SqlResultStore, open_store
from tests.engine.fakes import Behaviour, FakeHandset, FakeNetwork, FakeReader

PIXEL = Handset(
    "pixel",
    Platform.ANDROID,
    DialerKind.GOOGLE,
    "sim-tmobile",
    "+12025550181",
    "http://127.0.0.1:1",
)
FAST = CallOptions(capture_after_s=0.0, ring_timeout_s=1.0, frames=2)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlResultStore]:
    store = open_store(f"sqlite:///{tmp_path / 'results.db'}", artifacts_dir=tmp_path / "art")
    yield store
    store.close()


def run_one(
    number: Number, reader: FakeReader, store: SqlResultStore, *, heads_up: bool = False
) -> Reading | None:
    network = FakeNetwork()
    network.behaviours = {number.e164: Behaviour("ring", b"frame")}
    handset = FakeHandset(PIXEL.msisdn, heads_up=heads_up)
    network.handsets = {handset.msisdn: handset}
    assert store.artifacts is not None
    env = Environment(
        dialer=network,
        handset_for=lambda spec: handset,
        reader=reader,
        store=store,
        evidence=store.artifacts,
        clock=SystemClock(),
        leases=store.leases,
        lease_holder="test-run",
    )
    scenario = Scenario(name="logo", call=FAST)
    summary = execute_run(env, scenario, plan(scenario, [number], [PIXEL]))
    [attempt] = summary.attempts
    assert not network.live, "a call was left up"
    stored = store.attempt(attempt.id or 0)
    assert stored is not None
    return stored.reading


def test_logo_file_reaches_the_reader_and_the_expected_name_does_not(
    tmp_path: Path, store: SqlResultStore
) -> None:
    logo = tmp_path / "northwind.png"
    logo.write_bytes(b"\x89PNG the brand's logo")
    number = Number("+12025550101", "Northwind Bank", logo_file=str(logo))
    shown = Reading(name="NORTHWIND BANK", verified=Tristate.YES, logo=True, logo_matches=True)
    reader = FakeReader({b"frame": shown})
    reading = run_one(number, reader, store)
    assert reader.requests, "the screen was never read"
    assert {r.expected_logo for r in reader.requests} == {logo.read_bytes()}
    assert all("Northwind" not in repr(r) for r in reader.requests)
    assert {(r.dialer, r.languages, r.surface_hint) for r in reader.requests} == {
        (DialerKind.GOOGLE, ("en-US",), Surface.FULL_SCREEN)
    }
    assert reading is not None and reading.logo_matches is True
    [stored] = store.attempts()
    assert stored.reading is not None and stored.reading.logo_matches is True


def test_without_a_logo_file_no_logo_is_expected(store: SqlResultStore) -> None:
    number = Number("+12025550101", "Northwind Bank")
    reader = FakeReader({b"frame": Reading(name="NORTHWIND BANK")})
    reading = run_one(number, reader, store)
    assert {r.expected_logo for r in reader.requests} == {None}
    assert reading is not None and reading.logo_matches is None


def test_a_vanished_logo_file_is_a_screen_reading_error(
    tmp_path: Path, store: SqlResultStore
) -> None:
    gone = tmp_path / "deleted.png"
    number = dataclasses.replace(Number("+12025550101", "Northwind Bank"), logo_file=str(gone))
    reader = FakeReader({b"frame": Reading(name="NORTHWIND BANK")})
    run_one(number, reader, store)
    [stored] = store.attempts()
    assert stored.error is not None and "expected logo" in stored.error
    assert reader.requests == []


def test_a_heads_up_ring_reaches_the_reader_as_a_hint(store: SqlResultStore) -> None:
    number = Number("+12025550101", "Northwind Bank")
    reader = FakeReader({b"frame": Reading(name="NORTHWIND BANK")})
    run_one(number, reader, store, heads_up=True)
    assert {r.surface_hint for r in reader.requests} == {Surface.HEADS_UP}
