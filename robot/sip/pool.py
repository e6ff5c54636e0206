"""`Pjsua2Dialer`: the `Dialer` port on a pool of pjsua2 worker processes.

pjsua holds a fixed number of calls per process (4 in the pjsua2 wheel, 32 in a build of
`scripts/build-pjsua2`) and the native stack can abort, so calls are spread over worker
processes (`robot.sip.worker`, started by `robot.child_process`), each with its own Endpoint.
This side keeps the bookkeeping a caller relies on: per-trunk pacing and concurrency, which
worker holds which call, events as they arrive, and an outcome for every call even when its
worker dies.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import threading
import time
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from robot.child_process import Child, ChildProcess, ForkServer
from robot.domain.model import SipEvent, SipOutcome, Trunk
from robot.errors import DialError, UsageError
from robot.ports import Dialer, DialRequest
from robot.sip.handles import CALLS_PER_PROCESS, HandleBudget
from robot.sip.limits import Pacer, Slots
from robot.sip.outcome import build_outcome
from robot.sip.protocol import build_spec, uri_user, with_local_address
from robot.sip.wake import Waker
from robot.sip.wire import CallReport, WorkerOptions
from robot.sip.worker import preload, run_worker

if TYPE_CHECKING:
    from robot.sip.passport import Signer

PLACE_TIMEOUT_S = 15.0
WHEEL_MAX_CALLS = 4
"""PJSUA_MAX_CALLS of the pjsua2-python wheel, the stack most installs have: a dialer that may
need more workers than one forks them from a server (`robot.child_process.ForkServer`)."""


class _PoolCall:
    """A `LiveCall` whose SIP dialog lives in one worker process."""

    def __init__(self, worker: _Worker, key: int, trunk: Trunk | None, grace_s: float) -> None:
        self.worker = worker
        self.key = key
        self.trunk = trunk
        self.worker_pid = worker.pid
        self.dialed_at = time.monotonic()
        self._grace_s = grace_s
        self._cond = threading.Condition()
        self._events: list[SipEvent] = []
        self._outcome: SipOutcome | None = None
        self._trace = ""
        self._call_id = ""
        self._place_error: str | None = None
        self._placed = threading.Event()
        self.on_end: list[Any] = []

    @property
    def call_id(self) -> str:
        return self._call_id

    def events(self) -> Sequence[SipEvent]:
        with self._cond:
            return tuple(self._events)

    def wait_for_event(self, seen: int, timeout_s: float) -> bool:
        with self._cond:
            return self._cond.wait_for(
                lambda: len(self._events) > seen or self._outcome is not None, timeout=timeout_s
            )

    def wait(self, timeout_s: float) -> SipOutcome | None:
        with self._cond:
            self._cond.wait_for(lambda: self._outcome is not None, timeout=timeout_s)
            return self._outcome

    def hang_up(self) -> SipOutcome:
        if self._outcome is None:
            self.worker.send(("hangup", self.key))
        outcome = self.wait(self._grace_s + 30.0)
        if outcome is None:
            self._end(None, f"no outcome from SIP worker {self.worker_pid} after hang-up")
            outcome = self.wait(0)
        assert outcome is not None
        return outcome

    def trace(self) -> str:
        with self._cond:
            return self._trace

    # --- fed by the worker's reader thread --------------------------------------------
    def _on_placed(self, call_id: str) -> None:
        self._call_id = call_id
        self._placed.set()

    def _on_place_failed(self, message: str) -> None:
        self._place_error = message
        self._placed.set()

    def _on_event(self, code: int, phrase: str, at_ms: float) -> None:
        with self._cond:
            self._events.append(SipEvent(code=code, phrase=phrase, at_ms=at_ms))
            self._cond.notify_all()

    def _end(self, report: CallReport | None, error: str | None = None) -> None:
        with self._cond:
            if self._outcome is not None:
                return
            if report is None:
                report = CallReport(
                    call_id=self._call_id,
                    error=error,
                    duration_ms=(time.monotonic() - self.dialed_at) * 1000.0,
                )
            outcome = build_outcome(report, self._events)
            # free the call's slots before anyone can see it ended: whoever waits for the
            # outcome may place the next call at once
            for callback in self.on_end:
                callback()
            self.on_end.clear()
            self._trace = report.trace
            self._outcome = outcome
            self._cond.notify_all()
        self._placed.set()


class _Worker:
    """Parent-side handle of one worker process: its pipe, its calls, its reader thread."""

    def __init__(self, options: WorkerOptions, index: int, forks: ForkServer | None) -> None:
        self.process = _start_process(options, forks)
        self.conn: Connection = self.process.conn
        self.pid: int = self.process.pid
        self.calls: dict[int, _PoolCall] = {}
        self.alive = True
        self.start_error: str | None = None
        # sockets its calls hold in pjlib (`robot.sip.handles`): calls go where most are free
        self.handles = HandleBudget()
        self.ready = threading.Event()
        self.max_calls = options.max_calls  # what its stack holds, once ready
        self._waker = Waker()
        self._send_lock = threading.Lock()
        self._reader = threading.Thread(
            target=self._read, daemon=True, name=f"ringcheck-sip-reader-{index}"
        )
        self._reader.start()

    @property
    def load(self) -> int:
        return len(self.calls)

    def send(self, message: tuple[Any, ...]) -> bool:
        with self._send_lock:
            if not self.alive:
                return False
            try:
                self.conn.send(message)
            except (OSError, ValueError):
                return False
            self._waker.wake()
            return True

    def _read(self) -> None:
        try:
            while True:
                self._dispatch(self.conn.recv())
        except (EOFError, OSError):
            pass
        with self._send_lock:
            self.alive = False
            self._waker.close()
        self.ready.set()
        self.process.join(timeout=5)
        code = self.process.exitcode
        for call in list(self.calls.values()):
            call._end(
                None,
                f"SIP worker process {self.pid} exited (code {code}) during the call; "
                "its state on the network is unknown",
            )

    def _dispatch(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            self._waker.port = int(message[2])
            self.max_calls = int(message[3])
            self.ready.set()
            return
        if kind == "fatal":
            self.start_error = str(message[1])
            self.ready.set()
            return
        if kind == "bye":
            return
        call = self.calls.get(message[1]) if len(message) > 1 else None
        if call is None:
            return
        if kind == "placed":
            call._on_placed(message[2])
        elif kind == "place_failed":
            self.calls.pop(message[1], None)
            self.handles.released()
            call._on_place_failed(message[2])
        elif kind == "event":
            call._on_event(message[2], message[3], message[4])
        elif kind == "ended":
            self.calls.pop(message[1], None)
            self.handles.released()
            call._end(message[2])


def _start_process(options: WorkerOptions, forks: ForkServer | None) -> Child:
    """A worker forked by `forks` (see robot.child_process), or spawned when there is none or
    it is gone."""
    if forks is not None:
        try:
            return forks.start(run_worker, options)
        except OSError:
            pass
    return ChildProcess(run_worker, options)


class Pjsua2Dialer:
    """Places calls through pjsua2 worker processes; implements the `Dialer` port.

    `concurrency` is how many calls may be up at once. Each worker carries as many as its SIP
    stack holds (`calls_per_process`: 4 with the pjsua2 wheel, 32 with a pjproject built by
    `scripts/build-pjsua2`), at most `max_calls_per_process` when given, else at most what
    pjlib's socket handles allow (`robot.sip.handles`); the first worker says what its stack
    holds and the others are started for the rest. Secrets come from `environ` (default: the
    process environment).
    """

    def __init__(
        self,
        *,
        concurrency: int = 4,
        max_calls_per_process: int | None = None,
        environ: Mapping[str, str] | None = None,
        log_level: int = 4,
        hangup_grace_s: float = 8.0,
        start_timeout_s: float = 60.0,
    ) -> None:
        if concurrency < 1 or (max_calls_per_process is not None and max_calls_per_process < 1):
            raise UsageError("concurrency and max_calls_per_process must be at least 1")
        if log_level < 4:
            raise UsageError("log_level must be at least 4: SIP traces come from pjsip's log")
        self._environ = os.environ if environ is None else environ
        # never fewer than the wheel's 4: pjsua may still count a call our worker saw end,
        # and a stack with no slot to spare would refuse the next one
        asked = max_calls_per_process or min(max(concurrency, WHEEL_MAX_CALLS), CALLS_PER_PROCESS)
        self._options = WorkerOptions(
            max_calls=asked, log_level=log_level, hangup_grace_s=hangup_grace_s
        )
        self._grace_s = hangup_grace_s
        self._keys = itertools.count(1)
        self._lock = threading.Lock()
        self._pacers: dict[str, Pacer] = {}
        self._slots: dict[str, Slots] = {}
        self._signers: dict[str, Signer] = {}
        self._closed = False
        # Where the wheel needs two workers or more they are forked from one server that loaded
        # pjsua2's bindings: each then holds ~4 MB of its own instead of ~15 (robot.
        # child_process). A dialer of a few calls (`ringcheck dial`) spawns its one worker: a
        # server would be one more process to start and keep.
        self._forks = ForkServer(preload) if concurrency > WHEEL_MAX_CALLS else None
        self._workers = [_Worker(self._options, 0, self._forks)]
        self._await_ready(self._workers, start_timeout_s)
        self.calls_per_process = self._workers[0].max_calls
        count = math.ceil(concurrency / self.calls_per_process)
        self._workers += [_Worker(self._options, i, self._forks) for i in range(1, count)]
        self._next_index = count
        self._await_ready(self._workers[1:], start_timeout_s)

    def __enter__(self) -> Pjsua2Dialer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def worker_pids(self) -> list[int]:
        return [w.pid for w in self._workers if w.alive]

    def place(self, request: DialRequest) -> _PoolCall:
        if self._closed:
            raise DialError("the dialer is closed")
        identity = self._identity(request)
        spec = with_local_address(build_spec(request, identity=identity, environ=self._environ))
        trunk = request.trunk
        slots = self._trunk_slots(trunk)
        if slots is not None and not slots.take(PLACE_TIMEOUT_S):
            assert trunk is not None
            raise DialError(
                f"trunk {trunk.name} still had {slots.limit} calls up after "
                f"{PLACE_TIMEOUT_S:.0f} s (max_concurrent_calls): no call placed"
            )
        try:
            if trunk is not None:
                self._pacer(trunk).wait()
            call = self._assign(trunk)
        except BaseException:
            if slots is not None:
                slots.give()
            raise
        worker = call.worker
        if slots is not None:
            call.on_end.append(slots.give)
        call.dialed_at = time.monotonic()
        if not worker.send(("place", call.key, spec)):
            worker.calls.pop(call.key, None)
            call._end(None, "SIP worker is gone")
            raise DialError(f"SIP worker process {worker.pid} is not running")
        if not call._placed.wait(PLACE_TIMEOUT_S):
            worker.send(("hangup", call.key))
            raise DialError(
                f"SIP worker process {worker.pid} did not place the call "
                f"within {PLACE_TIMEOUT_S:.0f}s"
            )
        if call._place_error is not None:
            if slots is not None:
                slots.give()
            raise DialError(f"could not place the call to {request.to}: {call._place_error}")
        if not call.call_id:
            outcome = call.wait(0)
            raise DialError(
                f"could not place the call to {request.to}: "
                f"{outcome.error if outcome else 'unknown error'}"
            )
        return call

    def close(self) -> None:
        """End every live call (CANCEL/BYE), then stop the workers."""
        if self._closed:
            return
        self._closed = True
        for worker in self._workers:
            worker.send(("shutdown",))
        deadline = time.monotonic() + self._grace_s + 10.0
        for worker in self._workers:
            worker.process.join(timeout=max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            worker._reader.join(timeout=10)
            with contextlib.suppress(OSError):
                worker.conn.close()
        if self._forks is not None:
            self._forks.close()

    # --- helpers -------------------------------------------------------------------------
    def _await_ready(self, workers: list[_Worker], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        for worker in workers:
            worker.ready.wait(max(0.0, deadline - time.monotonic()))
            if worker.start_error or not worker.alive or not worker.ready.is_set():
                why = worker.start_error or f"process {worker.pid} did not start"
                self.close()
                raise DialError(f"SIP worker could not start: {why}")

    def _assign(self, trunk: Trunk | None) -> _PoolCall:
        """Pick the least loaded live worker and book the call on it (one step, one lock)."""
        limit = self.calls_per_process
        with self._lock:
            for i, worker in enumerate(self._workers):
                if not worker.alive:  # replace a crashed worker before using the pool
                    self._workers[i] = _Worker(self._options, self._next_index, self._forks)
                    self._next_index += 1
            fresh = [w for w in self._workers if not w.ready.is_set()]
        self._await_ready(fresh, 60.0)
        with self._lock:
            candidates = [w for w in self._workers if w.alive and w.load < limit]
            if not candidates:
                total = limit * len(self._workers)
                raise DialError(
                    f"all {total} call slots of the dialer are busy "
                    f"({len(self._workers)} processes x {limit} calls); "
                    "raise its concurrency or wait for calls to end"
                )
            worker = min(candidates, key=lambda w: (w.handles.in_use(w.load), w.pid))
            call = _PoolCall(worker, next(self._keys), trunk, self._grace_s)
            worker.calls[call.key] = call
            return call

    def _trunk_slots(self, trunk: Trunk | None) -> Slots | None:
        if trunk is None:
            return None
        with self._lock:
            return self._slots.setdefault(trunk.name, Slots(trunk.max_concurrent_calls))

    def _pacer(self, trunk: Trunk) -> Pacer:
        with self._lock:
            return self._pacers.setdefault(trunk.name, Pacer(trunk.cps))

    def _identity(self, request: DialRequest) -> str | None:
        trunk = request.trunk
        signing = trunk.signing if trunk else None
        if signing is None:
            if request.attestation is not None:
                raise UsageError("an attestation level needs a trunk with STIR/SHAKEN signing")
            return None
        assert trunk is not None
        # cryptography's X.509 stack takes 0.1 s to import: only calls that are signed pay it
        from robot.sip.passport import RichCallData, Signer

        with self._lock:
            signer = self._signers.get(trunk.name)
            if signer is None:
                signer = Signer.from_signing(signing, self._environ)
                self._signers[trunk.name] = signer
        dest = request.to if not request.to.startswith("sip") else uri_user(request.to) or ""
        rcd = None
        if request.rcd_name or request.rcd_logo_url or request.call_reason:
            rcd = RichCallData(request.rcd_name, request.rcd_logo_url, request.call_reason)
        return signer.identity(request.from_number, dest, request.attestation, rcd=rcd)


def _implements_port(dialer: Pjsua2Dialer) -> Dialer:
    """Never called: lets mypy check that `Pjsua2Dialer` implements the `Dialer` port."""
    return dialer
