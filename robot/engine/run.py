"""A run: handsets in parallel, one call per handset at a time, pacing per number, retries.

Each handset has its own worker thread holding that handset's lease for the run, so two runs
(even in two processes) never ring the same phone at once. A `device_error` is retried on
another handset of the same carrier. Setting `env.stop` (Ctrl-C, SIGTERM) ends live calls,
keeps finished attempts and marks the run interrupted.

A handset does not wait for its screens to be read: once a delivered call is over, reading,
judging and recording it run on a finishing thread while the handset takes its next call. Each
handset has at most one attempt finishing elsewhere (it waits for that one before handing over
the next), so screenshots waiting to be read never pile up when reading is the slower side.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from robot.domain.model import Attempt, Run, RunStatus
from robot.domain.model import Handset as HandsetSpec
from robot.domain.scenario import PlannedCall, Scenario
from robot.engine.attempt import EndedCall
from robot.engine.call import CallRules, start_call
from robot.engine.environment import Environment
from robot.engine.summary import RunSummary
from robot.errors import RingcheckError
from robot.ports import Clock

__all__ = ["LEASE_TTL_S", "Pacer", "RunSummary", "execute_run"]

log = logging.getLogger(__name__)

LEASE_TTL_S = 300.0
"""A crashed run frees its handsets' leases after this."""

LEASE_RENEW_S = 30.0
"""A run renews a handset's lease after a call once this long has passed since it was taken
or last renewed, so the next call starts with at least LEASE_TTL_S - LEASE_RENEW_S left.
Renewing after every call was a write transaction per call (one every second or two per
handset) queued with the store's other writers, to move an expiry minutes away."""

LEASE_POLL_S = 1.0
"""How often a run waiting for a handset held by another run asks again."""


class Pacer:
    """Keeps test calls from one number at least `interval_s` apart (robocall look-alike).

    `sleep(seconds)` waits and says whether the run is stopping; it is the run's stop event by
    default, so Ctrl-C ends a wait at once (tests pass one that moves a manual clock)."""

    def __init__(
        self,
        clock: Clock,
        interval_s: float,
        sleep: Callable[[float], bool],
    ) -> None:
        self._clock = clock
        self._interval_s = interval_s
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_turn(self, number: str) -> bool:
        """Block until `number` may call again; False when the run is stopping."""
        while True:
            with self._lock:
                now = self._clock.monotonic()
                due = self._next.get(number, now)
                if due <= now:
                    self._next[number] = now + self._interval_s
                    return True
            if self._sleep(min(due - now, 1.0)):
                return False


class _RunPacing:
    """The run's own pacing of its numbers, when the store does not pace across processes."""

    def __init__(self, pacer: Pacer) -> None:
        self._pacer = pacer

    def wait_turn(self, number: str, interval_s: float, stop: threading.Event) -> bool:
        del interval_s, stop  # the pacer knows both
        return self._pacer.wait_turn(number)


class _Work:
    """The calls still to make, per handset, plus retries waiting for any handset of a carrier.

    A worker with nothing left waits while another handset of its carrier is mid-call, since
    that call may fail with a device error and need it.
    """

    def __init__(self, calls: Sequence[PlannedCall], retries: int, stop: threading.Event) -> None:
        self._cond = threading.Condition()
        self._stop = stop
        self._own: dict[str, deque[PlannedCall]] = {}
        self._retry: dict[str, list[tuple[PlannedCall, set[str]]]] = {}
        self._tries: dict[int, int] = {}
        self._busy: dict[str, int] = {}
        self._retries = retries
        for call in calls:
            self._own.setdefault(call.handset.id, deque()).append(call)

    def handsets(self) -> list[HandsetSpec]:
        return [queue[0].handset for queue in self._own.values() if queue]

    def next_for(self, handset: HandsetSpec) -> PlannedCall | None:
        """The next call for this handset, or None when its carrier's work is all done."""
        with self._cond:
            while not self._stop.is_set():
                call = self._take(handset)
                if call is not None:
                    self._busy[handset.carrier] = self._busy.get(handset.carrier, 0) + 1
                    return call
                if self._busy.get(handset.carrier, 0) == 0:
                    return None
                self._cond.wait(0.5)
            return None

    def _take(self, handset: HandsetSpec) -> PlannedCall | None:
        retries = self._retry.get(handset.carrier, [])
        for entry in retries:
            call, failed_on = entry
            if handset.id not in failed_on:
                retries.remove(entry)
                return dataclasses.replace(call, handset=handset)
        own = self._own.get(handset.id)
        return own.popleft() if own else None

    def done(self, call: PlannedCall, device_error: bool) -> None:
        """A call ended; a device error goes back to the carrier's queue while tries remain."""
        with self._cond:
            carrier = call.handset.carrier
            self._busy[carrier] -= 1
            tries = self._tries.get(call.index, 0)
            if device_error and tries < self._retries:
                self._tries[call.index] = tries + 1
                failed_on = {call.handset.id}
                for queued, seen in self._retry.get(carrier, []):
                    if queued.index == call.index:
                        failed_on |= seen
                self._retry.setdefault(carrier, []).append((call, failed_on))
            self._cond.notify_all()

    def drain(self, handset: HandsetSpec) -> list[PlannedCall]:
        with self._cond:
            own = self._own.pop(handset.id, deque())
            self._cond.notify_all()
            return list(own)


def execute_run(
    env: Environment,
    scenario: Scenario,
    calls: Sequence[PlannedCall],
    *,
    trigger: str = "manual",
    lease_wait_s: float = 0.0,
    run: Run | None = None,
) -> RunSummary:
    """Make every planned call, recording each attempt as soon as it ends.

    A handset held by another run is waited for up to `lease_wait_s`; its calls are skipped
    after that. A run that could use no handset at all fails: it tested nothing. `run` is a
    run already started in the store (the console records it before its calls begin, so it
    can answer with the run's id at once); without it the run is started here."""
    if run is None or run.id is None:
        run = env.store.start_run(
            Run(
                scenario=scenario.name,
                trigger=trigger,
                started_at=env.clock.now(),
                planned_calls=len(calls),
            )
        )
    summary = RunSummary(run=run)
    work = _Work(calls, scenario.device_error_retries, env.stop)
    rules = CallRules.of(scenario)
    if env.pacing is None:
        pacer = Pacer(env.clock, scenario.min_interval_per_number_s, env.stop.wait)
        env = dataclasses.replace(env, pacing=_RunPacing(pacer))
    lock = threading.Lock()
    handsets = work.handsets()
    unleased: list[str] = []
    finishing = ThreadPoolExecutor(max(1, len(handsets)), thread_name_prefix="finish")

    def recorded(attempt: Attempt) -> None:
        with lock:
            summary.add(attempt)

    def record_when_done(done: Future[Attempt]) -> None:
        failure = done.exception()
        if failure is None:
            recorded(done.result())
        else:
            log.error("run %s: an attempt could not be finished: %s", run.id, failure)

    def worker(handset: HandsetSpec) -> None:
        try:
            calls_on(handset)
        except RingcheckError as exc:  # the robot itself failed (store, disk): stop the run
            log.error("run %s stopped on %s: %s", run.id, handset.id, exc)
            with lock:
                summary.errors.append(f"{handset.id}: {exc}")
            env.stop.set()
        except Exception as exc:  # a bug: say so and stop, never end "completed" with calls left
            log.exception("run %s stopped on %s by an unexpected error", run.id, handset.id)
            with lock:
                summary.errors.append(f"{handset.id}: unexpected {type(exc).__name__}: {exc}")
            env.stop.set()

    def calls_on(handset: HandsetSpec) -> None:
        if not _lease(env, handset, lease_wait_s):
            with lock:
                unleased.append(handset.id)
                summary.skipped += [
                    f"{c.number.e164} -> {handset.id}: handset held by another run"
                    for c in work.drain(handset)
                ]
            return
        renewed_at = env.clock.monotonic()
        pending: Future[Attempt] | None = None  # this handset's attempt finishing elsewhere
        unfinished: EndedCall | None = None
        try:
            while not env.stop.is_set():
                call = work.next_for(handset)
                if call is None:
                    break
                ended: EndedCall | None = None
                skipped: str | None = None
                try:
                    started = start_call(env, run, call, rules)
                    ended, skipped = started.ended, started.skipped
                    del started  # see `ended = None` below
                    if skipped is not None:
                        with lock:
                            summary.skipped.append(skipped)
                    if ended is not None:
                        unfinished = ended
                        if pending is not None:
                            previous, pending = pending, None
                            recorded(previous.result())
                        unfinished = None
                        if ended.reads_screen:
                            pending = finishing.submit(ended.finish)
                        else:  # recorded before a retry elsewhere can be
                            recorded(ended.finish())
                finally:
                    work.done(call, ended is not None and ended.device_error)
                if skipped is not None:
                    continue
                if ended is None:
                    break
                # Handed over: its screenshots (megabytes on a real phone) go as soon as its
                # attempt is stored, not when this handset's next call returns.
                ended = None
                if env.leases is not None and env.clock.monotonic() - renewed_at >= LEASE_RENEW_S:
                    env.leases.renew(handset.id, env.lease_holder, LEASE_TTL_S)
                    renewed_at = env.clock.monotonic()
            if pending is not None:
                last, pending = pending, None
                recorded(last.result())
        finally:  # stopped by an error: still record what was observed
            if unfinished is not None:
                pending = finishing.submit(unfinished.finish)
            if pending is not None:
                pending.add_done_callback(record_when_done)
            if env.leases is not None:
                env.leases.release(handset.id, env.lease_holder)

    threads = [
        threading.Thread(target=worker, args=(h,), name=f"handset-{h.id}", daemon=True)
        for h in handsets
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=0.5)
    finishing.shutdown(wait=True)
    if unleased and not summary.attempts and not env.stop.is_set():
        summary.errors.append(
            f"no handset could be used: {', '.join(sorted(unleased))} held by another run "
            f"(waited {lease_wait_s:g} s; pass --wait SECONDS to wait longer)"
        )
    status = RunStatus.COMPLETED
    if summary.errors:
        status = RunStatus.FAILED
    elif env.stop.is_set():
        status = RunStatus.INTERRUPTED
    summary.run = dataclasses.replace(run, status=status, ended_at=env.clock.now())
    env.store.finish_run(summary.run)
    return summary


def _lease(env: Environment, handset: HandsetSpec, wait_s: float) -> bool:
    """Take the handset's lease, waiting up to `wait_s` while another run holds it."""
    if env.leases is None:
        return True
    deadline = env.clock.monotonic() + wait_s
    while not env.leases.acquire(handset.id, env.lease_holder, LEASE_TTL_S):
        left = deadline - env.clock.monotonic()
        if left <= 0 or env.stop.wait(min(left, LEASE_POLL_S)):
            return False
    return True
