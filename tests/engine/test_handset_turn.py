"""The handset's turn in an attempt, against fakes: each ring tied to our call, foreign calls
dismissed and recorded on their own (never judged), display states and settings kept."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import pytest

from robot.clock import SystemClock
from robot.domain.caller import CallerMatch, match_caller
from robot.domain.model import (
    CheckState,
    Delivery,
    DialerKind,
    DisplayState,
    Handset,
    LabelSource,
    Number,
    Platform,
    Reading,
    Tristate,
)
from robot.domain.scenario import CallOptions, Scenario, plan
from robot.engine.environment import Environment
from robot.engine.run import execute_run
from robot.ports import ReadRequest
from robot.store.results import open_store
from tests.engine.fakes import Behaviour, FakeHandset, FakeNetwork, FakeReader

OURS = Number("+12025550101", "Northwind Bank")
PIXEL = Handset("pixel", Platform.ANDROID, DialerKind.GOOGLE, "sim-tmobile", "+12025550181",
                "http://127.0.0.1:1")  # fmt: skip
IPHONE = dataclasses.replace(PIXEL, id="iphone", platform=Platform.IOS, dialer=DialerKind.IOS)
FAST = CallOptions(capture_after_s=0.0, ring_timeout_s=2.0, frames=1)


@pytest.mark.parametrize(
    "seen,match",
    [
        ("+12025550101", CallerMatch.OURS),
        ("2025550101", CallerMatch.OURS),
        ("(202) 555-0101", CallerMatch.OURS),
        ("12025550101", CallerMatch.OURS),
        ("+1 202-555-0101", CallerMatch.OURS),
        ("+12025550199", CallerMatch.FOREIGN),
        ("5550101", CallerMatch.FOREIGN),  # too short to be our national number
        ("", CallerMatch.FOREIGN),  # withheld: we always present a number
        ("Private number", CallerMatch.FOREIGN),
        ("Unbekannt", CallerMatch.FOREIGN),  # withheld, as a German phone says it
        ("非通知", CallerMatch.FOREIGN),
        (None, CallerMatch.UNKNOWN),
        ("NORTHWIND BANK", CallerMatch.UNKNOWN),
    ],
)
def test_match_caller_table(seen: str | None, match: CallerMatch) -> None:
    assert match_caller("+12025550101", seen) is match


@pytest.fixture
def store(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path / 'results.db'}", artifacts_dir=tmp_path / "art")
    yield store
    store.close()


def _env(store, handset: FakeHandset, readings: dict[bytes, Reading]) -> Environment:
    network = FakeNetwork()
    network.behaviours = {OURS.e164: Behaviour("ring", b"ours")}
    network.handsets = {handset.msisdn: handset}
    assert store.artifacts is not None
    return Environment(
        dialer=network, handset_for=lambda spec: handset, reader=FakeReader(readings),
        store=store, evidence=store.artifacts, clock=SystemClock(),
    )  # fmt: skip


OUR_SCREEN = Reading(name="NORTHWIND BANK", number="+1 202-555-0101", verified=Tristate.YES)


def test_a_foreign_call_is_dismissed_recorded_apart_and_ours_is_judged(store) -> None:
    handset = FakeHandset(PIXEL.msisdn, foreign=[("+13125550177", b"foreign")])
    env = _env(store, handset, {b"ours": OUR_SCREEN, b"foreign": Reading(name="SPAMMER")})
    scenario = Scenario(name="s", call=FAST)
    summary = execute_run(env, scenario, plan(scenario, [OURS], [PIXEL]))

    assert handset.dismissed == ["+13125550177"]
    stored = store.attempts(run_id=summary.run.id)
    foreign = [a for a in stored if a.delivery is Delivery.FOREIGN_CALL]
    ours = [a for a in stored if a.delivery is Delivery.DELIVERED]
    assert len(foreign) == 1 and len(ours) == 1
    assert foreign[0].verdict is None and "+13125550177" in (foreign[0].error or "")
    assert (store.artifacts.root / foreign[0].artifacts.screenshot).read_bytes() == b"foreign"
    assert ours[0].verdict is not None and ours[0].verdict.passed
    assert ours[0].reading is not None and ours[0].reading.name == "NORTHWIND BANK"
    assert ours[0].settings == (("dnd", "0"),) and foreign[0].settings == (("dnd", "0"),)


def test_ios_screen_number_decides_and_an_unreadable_one_is_uncertain(store) -> None:
    handset = FakeHandset(IPHONE.msisdn, says_number=False,
                          foreign=[("+13125550177", b"foreign")])  # fmt: skip
    readings = {b"foreign": Reading(name="SPAMMER", number="+1 312-555-0177"),
                b"ours": Reading(name="NORTHWIND BANK", verified=Tristate.YES)}  # no number
    env = _env(store, handset, readings)
    scenario = Scenario(name="s", call=FAST)
    summary = execute_run(env, scenario, plan(scenario, [OURS], [IPHONE]))

    deliveries = sorted(a.delivery.value for a in store.attempts(run_id=summary.run.id)
                        if a.delivery)  # fmt: skip
    assert deliveries == ["delivered", "foreign_call"]
    ours = summary.attempts[0]
    assert ours.verdict is not None and not ours.verdict.passed
    assert ours.verdict.outcome is CheckState.UNCERTAIN
    assert any(c.expectation == "caller" for c in ours.verdict.checks)


def test_display_states_are_an_axis_stored_per_attempt(store) -> None:
    handset = FakeHandset(PIXEL.msisdn)
    env = _env(store, handset, {b"ours": OUR_SCREEN})
    scenario = Scenario(name="s", call=dataclasses.replace(
        FAST, displays=(DisplayState.LOCKED, DisplayState.IN_USE)))  # fmt: skip
    calls = plan(scenario, [OURS], [PIXEL])
    assert [c.display_state for c in calls] == [DisplayState.LOCKED, DisplayState.IN_USE]
    summary = execute_run(env, scenario, calls)
    assert handset.prepared == [DisplayState.LOCKED, DisplayState.IN_USE]
    stored = store.attempts(run_id=summary.run.id)
    assert sorted(a.display_state.value for a in stored if a.display_state) == [
        "in_use", "locked"]  # fmt: skip
    assert all(a.verdict and a.verdict.passed for a in stored)


def test_a_label_read_under_a_carrier_app_overlay_is_the_apps(store) -> None:
    labelled = Reading(name="NORTHWIND BANK", number="+12025550101", spam_label="Scam Likely")
    for overlay, source in ((None, LabelSource.DIALER),
                            ("com.tmobile.services.nameid", LabelSource.CARRIER_APP)):
        handset = FakeHandset(PIXEL.msisdn, overlay=overlay)
        env = _env(store, handset, {b"ours": labelled})
        scenario = Scenario(name="s", call=FAST)
        summary = execute_run(env, scenario, plan(scenario, [OURS], [PIXEL]))
        stored = store.attempt(summary.attempts[0].id or 0)
        reading = stored.reading if stored else None
        assert reading is not None and reading.label_source is source


def test_a_withheld_caller_shown_by_name_only_is_foreign_on_ios(store) -> None:
    handset = FakeHandset(IPHONE.msisdn, says_number=False, foreign=[("", b"private")])
    readings = {b"private": Reading(name="Private number"), b"ours": OUR_SCREEN}
    env = _env(store, handset, readings)
    scenario = Scenario(name="s", call=FAST)
    summary = execute_run(env, scenario, plan(scenario, [OURS], [IPHONE]))
    stored = store.attempts(run_id=summary.run.id)
    assert sorted(a.delivery.value for a in stored if a.delivery) == ["delivered", "foreign_call"]
    assert summary.attempts[0].verdict is not None and summary.attempts[0].verdict.passed


class _SlowReader(FakeReader):
    """Takes `delay_s` for each screen, as a real reader does."""

    def __init__(self, readings: dict[bytes, Reading], delay_s: float) -> None:
        super().__init__(readings)
        self.delay_s = delay_s

    def read(self, request: ReadRequest) -> Reading:
        time.sleep(self.delay_s)
        return super().read(request)


class _WaitLog(threading.Event):
    """The run's stop event, remembering each wait asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        if timeout is not None:
            self.waits.append(timeout)
        return super().wait(timeout)


def test_the_capture_wait_counts_from_the_ring_not_from_tying_it_to_our_call(store) -> None:
    """An iPhone does not say who calls: reading its screen to tie the ring to our call is
    part of the screen's settling time, not added to it."""
    handset = FakeHandset(IPHONE.msisdn, says_number=False)
    env = _env(store, handset, {})
    stop = _WaitLog()
    env = dataclasses.replace(
        env, reader=_SlowReader({b"ours": OUR_SCREEN}, delay_s=0.3), stop=stop
    )
    scenario = Scenario(name="s", call=dataclasses.replace(FAST, capture_after_s=0.5))
    summary = execute_run(env, scenario, plan(scenario, [OURS], [IPHONE]))

    assert [a.delivery for a in summary.attempts] == [Delivery.DELIVERED]
    assert stop.waits and max(stop.waits) <= 0.5 - 0.3  # the read took at least 0.3 s
