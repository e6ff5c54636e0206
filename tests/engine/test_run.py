"""The engine against fakes of the network and handsets, with the real SQLite store."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from robot.clock import SystemClock
from robot.domain.model import (
    AttemptStatus,
    Attestation,
    Delivery,
    DialerKind,
    Direction,
    DisplayState,
    Handset,
    LabelClass,
    Number,
    Platform,
    Reading,
    RunStatus,
    Signing,
    Tristate,
    Trunk,
)
from robot.domain.scenario import (
    CallOptions,
    DnoChoice,
    EndBy,
    NumberSelector,
    Scenario,
    plan,
)
from robot.engine.environment import Environment
from robot.engine.quarantine import QuarantineListener
from robot.engine.run import Pacer, execute_run
from robot.store.results import open_store
from tests.engine.fakes import Behaviour, FakeHandset, FakeNetwork, FakeReader, ManualClock

CLEAN = Number("+12025550101", "Northwind Bank")
LABELLED = Number("+12025550102", "Northwind Bank")
DNO = Number("+14155550105", "Northwind Bank", Direction.INBOUND_ONLY)
SILENT = Number("+12125550103", "Northwind Card")
VOICEMAIL = Number("+16175550106", "Northwind Mortg")


def _handset(hid: str, carrier: str, msisdn: str) -> Handset:
    return Handset(hid, Platform.ANDROID, DialerKind.GOOGLE, carrier, msisdn, "http://127.0.0.1:1")


PIXEL = _handset("pixel", "sim-tmobile", "+12025550181")
GALAXY = _handset("galaxy", "sim-tmobile", "+12025550182")


@pytest.fixture
def network() -> FakeNetwork:
    net = FakeNetwork()
    net.behaviours = {
        CLEAN.e164: Behaviour("ring", b"clean"),
        LABELLED.e164: Behaviour("ring", b"labelled"),
        DNO.e164: Behaviour("block"),
        SILENT.e164: Behaviour("silent"),
        VOICEMAIL.e164: Behaviour("voicemail"),
    }
    return net


@pytest.fixture
def store(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path / 'results.db'}", artifacts_dir=tmp_path / "art")
    yield store
    store.close()


def _env(network: FakeNetwork, store, handsets: list[FakeHandset], **kw) -> Environment:
    by_msisdn = {h.msisdn: h for h in handsets}
    network.handsets = by_msisdn
    reader = FakeReader(
        {
            b"clean": Reading(name="NORTHWIND BANK", verified=Tristate.YES, engine="fake"),
            b"labelled": Reading(
                name="NORTHWIND BANK", spam_label="Scam Likely", spam_class=LabelClass.SCAM
            ),
        }
    )
    assert store.artifacts is not None
    return Environment(
        dialer=network,
        handset_for=lambda spec: by_msisdn[spec.msisdn],
        reader=reader,
        store=store,
        evidence=store.artifacts,
        lease_holder="test-run",
        **{"clock": SystemClock(), "leases": store.leases, **kw},
    )


FAST = CallOptions(capture_after_s=0.0, ring_timeout_s=1.0, frames=2)


def test_each_kind_of_outcome_is_recorded_and_judged(network, store) -> None:
    handsets = [FakeHandset(PIXEL.msisdn)]
    env = _env(network, store, handsets)
    scenario = Scenario(
        name="nightly", call=FAST, numbers=NumberSelector(do_not_originate=DnoChoice.INCLUDE)
    )
    calls = plan(scenario, [CLEAN, LABELLED, DNO, SILENT, VOICEMAIL], [PIXEL])
    summary = execute_run(env, scenario, calls)

    by_number = {a.number: a for a in summary.attempts}
    assert by_number[CLEAN.e164].delivery is Delivery.DELIVERED
    assert by_number[CLEAN.e164].verdict.passed
    assert by_number[LABELLED.e164].delivery is Delivery.DELIVERED
    assert not by_number[LABELLED.e164].verdict.passed
    assert by_number[DNO.e164].delivery is Delivery.BLOCKED
    assert by_number[DNO.e164].verdict.passed  # a DNO number must be blocked
    assert by_number[SILENT.e164].delivery is Delivery.SILENT_DROP
    assert by_number[VOICEMAIL.e164].delivery is Delivery.VOICEMAIL
    assert summary.run.status is RunStatus.COMPLETED
    assert not network.live, "a call was left up"

    stored = {a.number: a for a in store.attempts(run_id=summary.run.id)}
    assert all(a.status is AttemptStatus.COMPLETED for a in stored.values())
    clean = stored[CLEAN.e164]
    assert clean.reading is not None and clean.reading.name == "NORTHWIND BANK"
    assert clean.artifacts.screenshot and clean.artifacts.sip_trace
    assert (store.artifacts.root / clean.artifacts.screenshot).read_bytes() == b"clean"
    assert clean.times.handset_ringing_at is not None and clean.times.ended_at is not None


def test_device_error_is_retried_on_another_handset_of_the_carrier(network, store) -> None:
    broken = FakeHandset(PIXEL.msisdn, vanish=True)
    healthy = FakeHandset(GALAXY.msisdn)
    env = _env(network, store, [broken, healthy])
    scenario = Scenario(name="smoke", call=FAST)
    calls = plan(scenario, [CLEAN], [PIXEL])  # planned on the broken handset only
    calls += plan(scenario, [LABELLED], [GALAXY])
    summary = execute_run(env, scenario, calls)

    clean = [a for a in summary.attempts if a.number == CLEAN.e164]
    assert [a.delivery for a in clean] == [Delivery.DEVICE_ERROR, Delivery.DELIVERED]
    assert clean[0].error and "vanished" in clean[0].error
    assert clean[1].handset_id == "galaxy"
    assert not network.live


def test_decline_on_the_handset_ends_the_call(network, store) -> None:
    handset = FakeHandset(PIXEL.msisdn)
    env = _env(network, store, [handset])
    options = CallOptions(capture_after_s=0.0, ring_timeout_s=1.0, end_by=EndBy.DECLINE)
    scenario = Scenario(name="decline", call=options)
    summary = execute_run(env, scenario, plan(scenario, [CLEAN], [PIXEL]))
    assert summary.attempts[0].delivery is Delivery.DELIVERED
    assert handset.declined == 1
    assert not network.live


def test_stop_ends_live_calls_and_marks_the_run_interrupted(network, store) -> None:
    network.behaviours[CLEAN.e164] = Behaviour("silent")
    env = _env(network, store, [FakeHandset(PIXEL.msisdn)])
    scenario = Scenario(name="long", call=CallOptions(ring_timeout_s=60.0))
    calls = plan(scenario, [CLEAN, LABELLED], [PIXEL])
    placed = threading.Event()
    original = network.place

    def place_then_stop(request):
        call = original(request)
        placed.set()
        env.stop.set()  # Ctrl-C while the first call rings
        return call

    network.place = place_then_stop  # type: ignore[method-assign]
    summary = execute_run(env, scenario, calls)
    assert placed.is_set()
    assert summary.run.status is RunStatus.INTERRUPTED
    assert len(summary.attempts) == 1
    assert summary.attempts[0].status is AttemptStatus.INTERRUPTED
    assert not network.live, "the ringing call was not ended"
    stored = store.attempts(run_id=summary.run.id)
    assert [a.status for a in stored] == [AttemptStatus.INTERRUPTED]


def test_a_leased_handset_is_not_used_by_a_second_run(network, store) -> None:
    assert store.leases.acquire(PIXEL.id, "other-run", 60)
    env = _env(network, store, [FakeHandset(PIXEL.msisdn)])
    scenario = Scenario(name="smoke", call=FAST)
    summary = execute_run(env, scenario, plan(scenario, [CLEAN], [PIXEL]))
    assert summary.attempts == []
    assert summary.skipped and "held by another run" in summary.skipped[0]
    assert summary.run.status is RunStatus.FAILED and summary.exit_code() == 3
    assert network.placed == []


def test_frames_taken_before_a_lost_session_are_kept(network, store) -> None:
    env = _env(network, store, [FakeHandset(PIXEL.msisdn, frames_before_loss=1)])
    scenario = Scenario(name="smoke", call=FAST)  # two frames asked, the second one is lost
    summary = execute_run(env, scenario, plan(scenario, [CLEAN], [PIXEL]))
    attempt = summary.attempts[0]
    assert attempt.delivery is Delivery.DELIVERED
    assert attempt.artifacts.screenshot is not None
    assert not network.live


def test_a_session_lost_before_any_frame_is_a_device_error(network, store) -> None:
    env = _env(network, store, [FakeHandset(PIXEL.msisdn, frames_before_loss=0)])
    scenario = Scenario(name="smoke", call=FAST, device_error_retries=0)
    summary = execute_run(env, scenario, plan(scenario, [CLEAN], [PIXEL]))
    assert summary.attempts[0].delivery is Delivery.DEVICE_ERROR
    assert "mid-capture" in (summary.attempts[0].error or "")
    assert not network.live


def test_an_unsigned_call_leaves_the_trunks_key_alone(network, store) -> None:
    signing = Signing("k.pem", "https://certs.example.com/c.pem", Attestation.A)
    trunk = Trunk("main", "127.0.0.1", signing=signing)
    env = _env(network, store, [FakeHandset(PIXEL.msisdn)], trunk_for=lambda n, h: trunk)
    scenario = Scenario(name="study", call=FakeSignings)
    execute_run(env, scenario, plan(scenario, [CLEAN], [PIXEL]))
    placed = {r.attestation: r.trunk for r in network.placed}
    assert placed[None] is not None and placed[None].signing is None
    assert placed[Attestation.B] is not None and placed[Attestation.B].signing == signing


FakeSignings = CallOptions(capture_after_s=0.0, ring_timeout_s=1.0, signings=(None, Attestation.B))


def test_device_errors_feed_quarantine_and_a_good_call_resets_the_count(network, store) -> None:
    from devices.farm import Farm

    farm = Farm([PIXEL, GALAXY], leases=store.leases, state=store.handset_state,
                holder="test", quarantine_after=2)  # fmt: skip
    env = _env(network, store, [FakeHandset(PIXEL.msisdn, vanish=True)])
    env.listeners.append(QuarantineListener(farm))
    scenario = Scenario(name="smoke", call=FAST, device_error_retries=0)
    execute_run(env, scenario, plan(scenario, [CLEAN], [PIXEL]))
    assert not farm.quarantined(PIXEL.id)  # one error is not yet a pattern
    summary = execute_run(env, scenario, plan(scenario, [LABELLED], [PIXEL]))
    assert farm.quarantined(PIXEL.id)
    assert summary.exit_code() == 3  # every call a device error: the robot tested nothing

    healthy = _env(network, store, [FakeHandset(GALAXY.msisdn)])
    healthy.listeners.append(QuarantineListener(farm))
    store.handset_state.record_result(GALAXY.id, "flaky", 5)
    execute_run(healthy, scenario, plan(scenario, [CLEAN], [GALAXY]))
    assert store.handset_state.get(GALAXY.id).consecutive_errors == 0


def test_calls_from_one_number_keep_their_distance_on_a_manual_clock() -> None:
    clock = ManualClock(datetime(2026, 11, 27, 9, tzinfo=UTC))
    pacer = Pacer(clock, 90.0, clock.sleep)
    assert pacer.wait_turn(CLEAN.e164) and clock.elapsed_s == 0
    assert pacer.wait_turn(LABELLED.e164) and clock.elapsed_s == 0  # another number: no wait
    assert pacer.wait_turn(CLEAN.e164)
    assert clock.elapsed_s == 90.0 and max(clock.slept) <= 1.0  # short sleeps: Ctrl-C is heard
    stopping = Pacer(clock, 90.0, lambda seconds: True)
    assert stopping.wait_turn(CLEAN.e164)
    assert not stopping.wait_turn(CLEAN.e164)  # the run stopped while waiting


def test_a_run_waits_for_a_handset_another_run_holds(network, store) -> None:
    assert store.leases.acquire(PIXEL.id, "other-run", 60)
    env = _env(network, store, [FakeHandset(PIXEL.msisdn)])
    scenario = Scenario(name="smoke", call=FAST)
    released = threading.Timer(0.3, lambda: store.leases.release(PIXEL.id, "other-run"))
    released.start()
    summary = execute_run(env, scenario, plan(scenario, [CLEAN], [PIXEL]), lease_wait_s=30)
    released.join()
    assert [a.delivery for a in summary.attempts] == [Delivery.DELIVERED]
    assert summary.exit_code() == 0


class _LateClock(SystemClock):
    """The system clock, with time made to pass at once (`skip`): calls that take minutes."""

    def __init__(self) -> None:
        self.skipped_s = 0.0

    def monotonic(self) -> float:
        return super().monotonic() + self.skipped_s


class _SlowArming(FakeHandset):
    """A handset whose arming takes 20 s of the run's clock."""

    def __init__(self, msisdn: str, clock: _LateClock) -> None:
        super().__init__(msisdn)
        self._clock = clock

    def prepare(self, display_state=DisplayState.LOCKED):  # type: ignore[no-untyped-def]
        self._clock.skipped_s += 20.0
        return super().prepare(display_state)


class _CountedLeases:
    def __init__(self, leases) -> None:  # type: ignore[no-untyped-def]
        self._leases = leases
        self.renewed = 0

    def acquire(self, handset_id: str, holder: str, ttl_s: float) -> bool:
        return self._leases.acquire(handset_id, holder, ttl_s)

    def renew(self, handset_id: str, holder: str, ttl_s: float) -> bool:
        self.renewed += 1
        return self._leases.renew(handset_id, holder, ttl_s)

    def release(self, handset_id: str, holder: str | None = None) -> bool:
        return self._leases.release(handset_id, holder)


def test_a_handset_lease_is_renewed_as_time_passes_not_after_every_call(network, store) -> None:
    """Five calls of 20 s each: the lease is renewed after the second and the fourth (30 s
    since it was taken or renewed), not after each call; it is ours all along."""
    clock = _LateClock()
    leases = _CountedLeases(store.leases)
    env = _env(network, store, [_SlowArming(PIXEL.msisdn, clock)], clock=clock, leases=leases)
    scenario = Scenario(name="nightly", call=FAST, numbers=NumberSelector())
    calls = plan(scenario, [CLEAN] * 5, [PIXEL])
    summary = execute_run(env, scenario, calls)
    assert len(summary.attempts) == 5 and summary.run.status is RunStatus.COMPLETED
    assert leases.renewed == 2


def test_a_run_keeps_each_tries_outcome_and_leaves_its_evidence_to_the_store(
    network, store
) -> None:
    """A run keeps every try until it ends (the summary, the exit code); with each try's
    reading, SIP record and settings the robot's memory grew with the run's length."""
    handset = FakeHandset(PIXEL.msisdn)
    handset.settings = (("ringer_mode", "normal"), ("zen_mode", "off"))
    env = _env(network, store, [handset])
    scenario = Scenario(name="nightly", call=FAST)
    summary = execute_run(env, scenario, plan(scenario, [CLEAN, LABELLED, VOICEMAIL], [PIXEL]))

    assert [(a.reading, a.sip, a.settings) for a in summary.attempts] == [(None, None, ())] * 3
    stored = {a.id: a for a in store.attempts(run_id=summary.run.id)}
    assert {a.id: (a.delivery, a.verdict and a.verdict.outcome) for a in summary.attempts} == {
        i: (a.delivery, a.verdict and a.verdict.outcome) for i, a in stored.items()
    }
    assert all(a.sip is not None and a.settings == handset.settings for a in stored.values())
    assert any(a.reading is not None for a in stored.values())
    assert summary.exit_code() == 1  # the labelled number failed, judged without the evidence
