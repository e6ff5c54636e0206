"""The worker pool: many calls at once, limits, shutdown and a crashed worker."""

from __future__ import annotations

import itertools
import math
import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from robot.domain.model import Trunk
from robot.errors import DialError
from robot.ports import DialRequest, LiveCall
from robot.sip import Pjsua2Dialer
from robot.sip import pool as pool_module
from robot.sip.limits import Pacer, Slots
from tests.sip.sipp_peer import SippUas
from tests.support.peers import wait_until

Sipp = Callable[..., SippUas]
FROM = "+15550100"


def _ringing(call: LiveCall) -> bool:
    return any(e.code == 180 for e in call.events())


@pytest.mark.sipp
def test_close_cancels_every_live_call(sipp: Sipp) -> None:
    uas = sipp("ring_cancel.xml", calls=2)
    dialer = Pjsua2Dialer(concurrency=2)
    try:
        calls = [dialer.place(DialRequest(from_number=FROM, to=uas.uri(), ring_timeout_s=300))
                 for _ in range(2)]
        wait_until(lambda: all(_ringing(c) for c in calls), 30, "both calls ringing")
    finally:
        dialer.close()
    outcomes = [c.wait(0) for c in calls]
    assert all(o is not None and o.final_code == 487 and o.cancelled_by_us for o in outcomes)
    assert uas.finish() == 0, uas.log()  # SIPp got a CANCEL for each and completed both
    with pytest.raises(DialError, match="closed"):
        dialer.place(DialRequest(from_number=FROM, to=uas.uri()))


@pytest.mark.sipp
@pytest.mark.slow
def test_twenty_concurrent_calls_without_cross_talk(sipp: Sipp) -> None:
    uas = sipp("ring_cancel.xml", calls=20)
    with Pjsua2Dialer(concurrency=20) as dialer:
        workers = math.ceil(20 / dialer.calls_per_process)
        assert len(dialer.worker_pids) == workers
        calls = [dialer.place(DialRequest(from_number=FROM, to=uas.uri(f"+1555020{i:02d}"),
                                          ring_timeout_s=300)) for i in range(20)]
        with pytest.raises(DialError, match="call slots"):
            dialer.place(DialRequest(from_number=FROM, to=uas.uri()))
        wait_until(lambda: all(_ringing(c) for c in calls), 60, "twenty calls ringing")
        assert len({c.worker_pid for c in calls}) == workers
        outcomes = [c.hang_up() for c in calls]
    assert len({o.call_id for o in outcomes}) == 20
    for i, (call, outcome) in enumerate(zip(calls, outcomes, strict=True)):
        assert outcome.final_code == 487 and [e.code for e in outcome.events] == [100, 180, 487]
        trace = call.trace()
        assert set(re.findall(r"^Call-ID: (\S+)", trace, re.MULTILINE)) == {outcome.call_id}
        assert f"INVITE sip:+1555020{i:02d}@" in trace
    assert uas.finish() == 0, uas.log()


@pytest.mark.sipp
def test_killed_worker_fails_only_its_own_calls(sipp: Sipp) -> None:
    uas = sipp("ring_cancel.xml", calls=9)
    with Pjsua2Dialer(concurrency=8, max_calls_per_process=4) as dialer:
        calls = [dialer.place(DialRequest(from_number=FROM, to=uas.uri(), ring_timeout_s=300))
                 for _ in range(8)]
        wait_until(lambda: all(_ringing(c) for c in calls), 60, "eight calls ringing")
        victim = calls[0].worker_pid
        os.kill(victim, signal.SIGKILL)
        mine = [c for c in calls if c.worker_pid == victim]
        others = [c for c in calls if c.worker_pid != victim]
        assert len(mine) == 4 and len(others) == 4
        for call in mine:
            outcome = call.wait(30)
            assert outcome is not None and outcome.final_code is None
            assert outcome.error is not None and f"process {victim} exited" in outcome.error
        assert all(c.hang_up().final_code == 487 for c in others)
        again = dialer.place(DialRequest(from_number=FROM, to=uas.uri(), ring_timeout_s=300))
        wait_until(lambda: _ringing(again), 30, "a call on the replacement worker")
        assert again.hang_up().final_code == 487
        assert victim not in dialer.worker_pids


@pytest.mark.sipp
def test_trunk_concurrency_limit_waits_for_the_call_up(
    dialer: Pjsua2Dialer, sipp: Sipp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialer's own guard: a second call on a full trunk waits for the first to end
    (the engine queues calls before they get here), and is refused only after a while."""
    uas = sipp("ring_cancel.xml", calls=2)
    trunk = Trunk(name="one-at-a-time", host="127.0.0.1", port=uas.port, cps=100,
                  max_concurrent_calls=1)
    first = dialer.place(DialRequest(from_number=FROM, to="+15550199", trunk=trunk))
    wait_until(lambda: _ringing(first), 30, "ringing")
    second: list[LiveCall] = []
    waiter = threading.Thread(target=lambda: second.append(
        dialer.place(DialRequest(from_number=FROM, to="+15550199", trunk=trunk))))
    waiter.start()
    waiter.join(timeout=0.5)
    assert waiter.is_alive() and second == [], "the second call did not wait for the slot"
    assert first.hang_up().final_code == 487
    waiter.join(timeout=30)
    (call,) = second
    wait_until(lambda: _ringing(call), 30, "the second call ringing")
    assert call.hang_up().final_code == 487
    assert uas.finish() == 0, uas.log()

    monkeypatch.setattr(pool_module, "PLACE_TIMEOUT_S", 0.2)
    held = Trunk(name="held", host="127.0.0.1", port=uas.port, max_concurrent_calls=1)
    slots = dialer._trunk_slots(held)
    assert slots is not None and slots.take()
    with pytest.raises(DialError, match="held still had 1 calls up after 0 s"):
        dialer.place(DialRequest(from_number=FROM, to="+15550199", trunk=held))
    slots.give()


@pytest.mark.sipp
def test_cps_limit_spaces_invites(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    uas = sipp("final_486.xml", calls=4)
    trunk = Trunk(name="paced", host="127.0.0.1", port=uas.port, cps=5.0)
    calls = [dialer.place(DialRequest(from_number=FROM, to="+15550199", trunk=trunk))
             for _ in range(4)]
    starts = [c.dialed_at for c in calls]
    assert all(b - a >= 0.2 * 0.99 for a, b in itertools.pairwise(starts))
    assert all((o := c.wait(30)) is not None and o.final_code == 486 for c in calls)
    assert uas.finish() == 0, uas.log()


class _FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_pacer_hands_out_one_start_per_interval() -> None:
    clock = _FakeClock()
    pacer = Pacer(4.0, clock=clock)
    starts = [pacer.wait(sleep=clock.sleep) for _ in range(9)]
    assert starts == [100.0 + i * 0.25 for i in range(9)]
    in_first_second = [s for s in starts if s < 101.0]
    assert len(in_first_second) == 4
    clock.now += 10
    assert pacer.reserve() == clock.now  # idle time is not saved up into a burst
    with pytest.raises(ValueError):
        Pacer(0)


def test_slots() -> None:
    slots = Slots(2)
    assert slots.take() and slots.take() and not slots.take()
    slots.give()
    assert slots.take()


_ORPHAN = """
import sys
from robot.ports import DialRequest
from robot.sip import Pjsua2Dialer
if __name__ == "__main__":
    dialer = Pjsua2Dialer(concurrency=1)
    call = dialer.place(DialRequest(from_number="+15550100", to=sys.argv[1], ring_timeout_s=300))
    while not any(e.code == 180 for e in call.events()):
        call.wait(0.05)
    print("ringing", flush=True)
    sys.stdin.read()
"""


@pytest.mark.sipp
def test_killed_parent_leaves_no_call_up(sipp: Sipp, tmp_path: Path) -> None:
    uas = sipp("ring_cancel.xml")
    script = tmp_path / "orphan.py"
    script.write_text(_ORPHAN)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with subprocess.Popen([sys.executable, str(script), uas.uri()], env=env, text=True,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as parent:
        try:
            assert parent.stdout is not None
            assert parent.stdout.readline().strip() == "ringing"
            parent.kill()  # no close(), no atexit: the worker sees its pipe close
            parent.wait(timeout=30)
        finally:
            if parent.poll() is None:
                parent.kill()
    assert uas.finish() == 0, uas.log()  # the orphaned worker still sent CANCEL


@pytest.mark.sipp
def test_many_trunks_do_not_exhaust_pjsua_accounts(sipp: Sipp) -> None:
    uas = sipp("final_486.xml", calls=10)
    with Pjsua2Dialer(concurrency=1) as dialer:
        (pid,) = dialer.worker_pids
        for i in range(10):  # pjsua holds 8 accounts; the ninth would abort the process
            trunk = Trunk(name=f"trunk-{i}", host="127.0.0.1", port=uas.port, cps=100)
            call = dialer.place(DialRequest(from_number=FROM, to="+15550199", trunk=trunk))
            outcome = call.wait(30)
            assert outcome is not None and outcome.final_code == 486
        assert dialer.worker_pids == [pid]
    assert uas.finish() == 0, uas.log()


@pytest.mark.sipp
def test_an_account_in_a_dropped_ones_place_keeps_working(sipp: Sipp) -> None:
    """pjsua gives a new account the lowest free id, the one just dropped; the dropped
    account's pjsua2 object, deleted later, deleted whatever account held its id then, and
    the next call of that trunk failed (PJ_EINVALIDOP, "account is not valid")."""
    uas = sipp("final_486.xml", calls=16)
    with Pjsua2Dialer(concurrency=1) as dialer:
        for i in range(8):  # the 7th and 8th trunks drop the least recently used accounts
            trunk = Trunk(name=f"trunk-{i}", host="127.0.0.1", port=uas.port, cps=100)
            for _ in range(2):
                call = dialer.place(DialRequest(from_number=FROM, to="+15550199", trunk=trunk))
                outcome = call.wait(30)
                assert outcome is not None and outcome.final_code == 486, (i, outcome)
    assert uas.finish() == 0, uas.log()


_CALLS_THE_STACK_HOLDS = """
import os, sys
import pjsua2 as pj
ep = pj.Endpoint()
ep.libCreate()
cfg = pj.EpConfig()
cfg.uaConfig.maxCalls = 64
cfg.uaConfig.threadCnt = 0
cfg.uaConfig.mainThreadOnly = True
cfg.medConfig.threadCnt = 0
cfg.logConfig.level = cfg.logConfig.consoleLevel = 0
ep.libInit(cfg)
ep.audDevManager().setNoDev()
transport = pj.TransportConfig()
transport.boundAddress = "127.0.0.1"
ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
ep.libStart()
account = pj.Account()
account_cfg = pj.AccountConfig()
account_cfg.idUri = "sip:probe@127.0.0.1"
account.create(account_cfg)
calls = []
while len(calls) < 40:
    call = pj.Call(account)
    try:
        call.makeCall(sys.argv[1], pj.CallOpParam(True))
    except pj.Error:
        break
    calls.append(call)
    ep.libHandleEvents(5)
print("held", len(calls), flush=True)
os._exit(0)  # the calls ring on at the UAS, which the test stops
"""


def _calls_the_stack_holds(uri: str) -> int:
    """pjsua2 alone, none of our code: calls that ring until the stack refuses the next."""
    done = subprocess.run([sys.executable, "-c", _CALLS_THE_STACK_HOLDS, uri],
                          capture_output=True, text=True, timeout=60)
    found = re.findall(r"^held (\d+)$", done.stdout, re.MULTILINE)
    assert done.returncode == 0 and found, done.stdout[-2000:] + done.stderr[-2000:]
    return int(found[-1])


@pytest.mark.sipp
@pytest.mark.parametrize("cap", [None, 5])
def test_each_worker_carries_as_many_calls_as_its_stack_holds(sipp: Sipp, cap: int | None) -> None:
    """pjsua quietly lowers the maxCalls it is given to PJSUA_MAX_CALLS, fixed at compile
    time: 4 in the wheel (a fifth call failed), 32 in a build of scripts/build-pjsua2 (where
    4 a worker started 6 processes for 24 handsets). The dialer takes what its first worker's
    stack reports, within `max_calls_per_process` when given; the count is found here without
    the dialer, by pjsua2 calling until it refuses."""
    held = _calls_the_stack_holds(sipp("ring_cancel.xml", calls=50).uri())
    uas = sipp("ring_cancel.xml", calls=10)
    with Pjsua2Dialer(concurrency=10, max_calls_per_process=cap) as dialer:
        assert dialer.calls_per_process == min(held, cap or 10)
        workers = math.ceil(10 / dialer.calls_per_process)
        assert len(dialer.worker_pids) == workers
        calls = [dialer.place(DialRequest(from_number=FROM, to=uas.uri(f"+1555040{i:02d}"),
                                          ring_timeout_s=300)) for i in range(10)]
        wait_until(lambda: all(_ringing(c) for c in calls), 60, "ten calls ringing")
        assert len({c.worker_pid for c in calls}) == workers
        outcomes = [c.hang_up() for c in calls]
    assert all(o.final_code == 487 and o.cancelled_by_us for o in outcomes)
    assert uas.finish() == 0, uas.log()


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


@pytest.mark.sipp
def test_workers_forked_from_one_server_each_hold_four_calls(sipp: Sipp) -> None:
    """Two workers or more are forked from one server that loaded pjsua2's bindings, not
    spawned: each still places its 4 concurrent calls. One worker is spawned."""
    with Pjsua2Dialer(concurrency=1) as alone:
        assert [_parent(pid) for pid in alone.worker_pids] == [os.getpid()]
    uas = sipp("ring_cancel.xml", calls=8)
    with Pjsua2Dialer(concurrency=8, max_calls_per_process=4) as dialer:
        parents = {_parent(pid) for pid in dialer.worker_pids}
        assert len(dialer.worker_pids) == 2 and len(parents) == 1
        assert parents != {os.getpid()}
        calls = [dialer.place(DialRequest(from_number=FROM, to=uas.uri(f"+1555030{i:02d}"),
                                          ring_timeout_s=300)) for i in range(8)]
        wait_until(lambda: all(_ringing(c) for c in calls), 60, "eight calls ringing")
        assert sorted(Counter(c.worker_pid for c in calls).values()) == [4, 4]
        outcomes = [c.hang_up() for c in calls]
    assert all(o.final_code == 487 and o.cancelled_by_us for o in outcomes)
    assert uas.finish() == 0, uas.log()


def _thread_names(pid: int) -> list[str]:
    tasks = Path(f"/proc/{pid}/task")
    return [(task / "comm").read_text().strip() for task in tasks.iterdir()]


@pytest.mark.sipp
def test_a_ringing_call_opens_no_sound_device_clock(dialer: Pjsua2Dialer, sipp: Sipp) -> None:
    """pjsua opens its sound device for every call it makes (the null device: a "clock"
    thread ticking every 20 ms) and closes it after a second without calls, joining that
    thread from the loop's own thread: a command arriving then waited up to a tick. A
    worker has no sound device at all, so there is no thread to start or join."""
    uas = sipp("ring_cancel.xml")
    call = dialer.place(DialRequest(from_number=FROM, to=uas.uri()))
    try:
        wait_until(lambda: _ringing(call), 30, "180 Ringing")
        assert "clock" not in _thread_names(call.worker_pid)
    finally:
        outcome = call.hang_up()
    assert outcome.final_code == 487
