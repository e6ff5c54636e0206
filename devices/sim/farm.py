"""`SimFarm`: wires the simulated carriers (worker processes), the simulated handsets and the
WebDriver/ground-truth HTTP server into one running virtual farm.

Keyword-only construction from a project's handsets and checked sim settings, one `start()`
that returns only when every carrier is listening, one `stop()` that ends every call first.
A pump thread carries the carriers' reports (decided, ring, ended) into handset state and the
ground truth; a handset's decline goes back to its carrier over the same pipe.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from devices.sim.carrier import CarrierSpec, run_carrier
from devices.sim.config import CarrierSim, SimSettings, handset_settings
from devices.sim.front import SipFront
from devices.sim.handset import SimHandset
from devices.sim.http import WebDriverServer
from devices.sim.screen import CallScreen, foreign_screen
from devices.sim.truth import TruthLog
from devices.sim.webdriver import WebDriverApp
from robot.domain.model import Handset as HandsetSpec
from robot.errors import RingcheckError
from robot.sip.wake import Waker

log = logging.getLogger(__name__)


class SimError(RingcheckError):
    """The virtual farm could not start or keep running."""


@dataclass
class _Worker:
    name: str
    carrier: str
    process: BaseProcess
    conn: Connection
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int | None = None
    done: bool = False
    waker: Waker = field(default_factory=Waker)  # wakes its loop after each command


@dataclass(frozen=True)
class Ready:
    sip: dict[str, int]
    appium_url: str
    truth_url: str
    pid: int

    def as_json(self) -> dict[str, Any]:
        return {"sip": self.sip, "appium_url": self.appium_url, "truth_url": self.truth_url,
                "pid": self.pid}


class SimFarm:
    def __init__(self, *, handsets: Sequence[HandsetSpec], settings: SimSettings,
                 carriers: Sequence[str] = (), folder: Path | None = None, sip_port: int = 0,
                 http_port: int = 0, start_timeout_s: float = 30.0,
                 carrier_labels: dict[str, str] | None = None) -> None:
        self.settings = settings
        self.folder = folder or Path.cwd()
        self.sip_port = sip_port
        self.http_port = http_port
        self.start_timeout_s = start_timeout_s
        names = list(dict.fromkeys([*carriers, *(h.carrier for h in handsets),
                                    *settings.carriers]))
        self.carrier_names = names
        self.handsets = {h.id: SimHandset(h, handset_settings(settings, h.id)) for h in handsets}
        for handset in self.handsets.values():
            handset.on_decline = self._declined
            label = (carrier_labels or {}).get(handset.spec.carrier)
            if label:  # what the phone's own radio reports as its network name
                handset.state.carrier = label
        truth_path = Path(settings.truth_file) if settings.truth_file else None
        if truth_path is not None and not truth_path.is_absolute():
            truth_path = self.folder / truth_path
        self.truth = TruthLog(truth_path)
        self.workers: dict[str, _Worker] = {}
        self.owner: dict[str, str] = {}  # handset id -> worker name
        self.fronts: dict[str, SipFront] = {}  # carriers running several processes
        self.server: WebDriverServer | None = None
        self._pump: threading.Thread | None = None
        self._stopping = threading.Event()
        self._rng = random.Random(settings.seed)  # foreign calls and drift, reproducible
        self._rng_lock = threading.Lock()
        self._foreign_seq = 0
        self._held: dict[str, tuple[SimHandset, str, CallScreen]] = {}  # foreign id -> ours

    # --- life cycle -----------------------------------------------------------------------

    def start(self) -> Ready:
        self.server = WebDriverServer(WebDriverApp(self.handsets, self.truth),
                                      self.settings.host, self.http_port)
        threading.Thread(target=self.server.serve_forever, name="sim-http", daemon=True).start()
        context = multiprocessing.get_context("spawn")
        for spec in self._plan():
            key = spec.worker or spec.name
            parent, child = context.Pipe()
            process = context.Process(target=run_carrier, args=(child, spec),
                                      name=f"sim-carrier-{key}", daemon=True)
            process.start()
            child.close()
            self.workers[key] = _Worker(key, spec.name, process, parent)
            self.owner.update({hid: key for hid in spec.subscribers.values()})
        self._await_ready()
        self._start_fronts()
        self._pump = threading.Thread(target=self._pump_loop, name="sim-pump", daemon=True)
        self._pump.start()
        return self.ready()

    def ready(self) -> Ready:
        assert self.server is not None
        url = self.server.url
        sip = {w.carrier: int(w.port or 0) for w in self.workers.values() if "#" not in w.name}
        sip.update({name: front.port for name, front in self.fronts.items()})
        return Ready({n: sip[n] for n in self.carrier_names}, url, f"{url}/sim", os.getpid())

    def _plan(self) -> list[CarrierSpec]:
        """One process per carrier, or several behind a `SipFront` when its handsets need more
        calls at once than one process holds (each handset takes one call at a time)."""
        per = self.settings.max_calls_per_process
        specs: list[CarrierSpec] = []
        for index, name in enumerate(self.carrier_names):
            subscribers = sorted((h.spec.msisdn, h.id) for h in self.handsets.values()
                                 if h.spec.carrier == name)
            count = max(1, math.ceil(len(subscribers) / per))
            base = CarrierSpec(
                name=name,
                policy=self.settings.carriers.get(name) or CarrierSim(),
                subscribers=dict(subscribers),
                seed=self.settings.seed,
                host=self.settings.host,
                port=self.sip_port + index if self.sip_port and count == 1 else 0,
                max_calls=per,
                trusted=tuple(self.settings.trusted),
                trusted_folder=str(self.folder),
                freshness_s=self.settings.freshness_s,
            )
            if count == 1:
                specs.append(base)
                continue
            for share in range(count):
                specs.append(replace(base, subscribers=dict(subscribers[share::count]),
                                     udp_only=True, worker=f"{name}#{share}"))
        return specs

    def _start_fronts(self) -> None:
        for index, name in enumerate(self.carrier_names):
            workers = sorted((w for w in self.workers.values() if w.carrier == name and "#" in
                              w.name), key=lambda w: int(w.name.rsplit("#", 1)[1]))
            if not workers:
                continue
            addresses = [(self.settings.host, int(w.port or 0)) for w in workers]
            owner = {h.spec.msisdn: workers.index(self.workers[self.owner[h.id]])
                     for h in self.handsets.values() if h.spec.carrier == name}
            port = self.sip_port + index if self.sip_port else 0
            for attempt in range(20):
                try:
                    front = SipFront(self.settings.host, port, addresses, owner)
                    break
                except OSError:
                    if port or attempt == 19:
                        self.stop()
                        raise SimError(f"carrier {name}: SIP port {port} is not free for "
                                       "both UDP and TCP") from None
            front.start()
            self.fronts[name] = front

    def _await_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        pending = {w.conn: w for w in self.workers.values()}
        while pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise SimError(f"carriers {', '.join(w.name for w in pending.values())} did "
                               f"not start within {self.start_timeout_s:g}s")
            for conn in wait(list(pending), timeout=remaining):
                worker = pending.pop(conn)  # type: ignore[call-overload]
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    message = ("failed", worker.name, f"carrier {worker.name} exited at start")
                if message[0] != "ready":
                    self.stop()
                    raise SimError(str(message[2]))
                worker.port = int(message[2])
                worker.waker.port = int(message[4])

    def stop(self, timeout_s: float = 10.0) -> None:
        """End every call (each carrier hangs up its own), stop carriers and the server."""
        self._stopping.set()
        log.debug("stopping: ending calls in %d carriers", len(self.workers))
        for worker in self.workers.values():
            self._send(worker, ("stop",))
        deadline = time.monotonic() + timeout_s
        for worker in self.workers.values():
            worker.process.join(max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                log.warning("carrier %s did not stop; terminating it", worker.name)
                worker.process.terminate()
                worker.process.join(2)
        log.debug("carriers stopped")
        for worker in self.workers.values():
            worker.waker.close()
        for front in self.fronts.values():
            front.stop()
        if self._pump is not None:
            self._pump.join(2)
        self._drain()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        self.truth.close()
        log.debug("virtual farm stopped")

    # --- carrier reports ------------------------------------------------------------------

    def _send(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        with worker.lock:
            try:
                worker.conn.send(message)
            except (OSError, EOFError, BrokenPipeError):
                worker.done = True
                return
        worker.waker.wake()

    # --- what happens on the handset when a call arrives ------------------------------------

    def _incoming(self, call_id: str, handset_id: str, screen: CallScreen) -> None:
        """Our call reaches the phone: silenced by Do Not Disturb, held behind a foreign call
        that arrives first (call waiting), or shown."""
        handset = self.handsets.get(handset_id)
        if handset is None:
            self.truth.record(call_id, "ring_failed")
            return
        if handset.dnd_on():
            self.truth.record(call_id, "silenced", why="Do Not Disturb is on")
            return
        foreign = handset.settings.foreign_calls
        if foreign.probability and self._chance(foreign.probability):
            self._ring_foreign(handset, call_id, screen)
            return
        self._ring(handset, call_id, screen)

    def _ring(self, handset: SimHandset, call_id: str, screen: CallScreen) -> None:
        app = handset.settings.spam_app_overlay
        full_screen = handset.state.locked  # the app's card covers full-screen calls only
        if app and screen.label and full_screen and not handset.ios:  # the app shows it
            screen = replace(screen, label=None, overlay=screen.label, overlay_app=app)
            self.truth.record(call_id, "note", note=f"label drawn by {app}",
                              label_source="carrier_app")  # fmt: skip
        rang = handset.ring(call_id, screen)
        ring = handset.ringing
        self.truth.record(call_id, "ringing" if rang else "ring_failed",
                          heads_up=ring is not None and ring.heads_up,
                          locked=ring is not None and ring.locked)  # fmt: skip
        after = handset.settings.decline_after_s
        if rang and after:
            timer = threading.Timer(after, self._owner_declines, (handset, call_id))
            timer.daemon = True
            timer.start()

    def _ring_foreign(self, handset: SimHandset, our_call: str, our_screen: CallScreen) -> None:
        """Somebody else calls first (ground truth `foreign: true`); ours rings after it."""
        plan = handset.settings.foreign_calls
        with self._rng_lock:
            self._foreign_seq += 1
            call_id = f"foreign-{self._foreign_seq}"
            screen = foreign_screen(self._rng, plan.withheld)
            slot = 1 if handset.settings.dual_sim and self._rng.random() < plan.other_sim else 0
            ring_s = self._rng.uniform(plan.ring_s.min, plan.ring_s.max)
        if not handset.ring(call_id, screen, slot=slot):
            self._ring(handset, our_call, our_screen)
            return
        ring = handset.ringing
        with self._rng_lock:
            self._held[call_id] = (handset, our_call, our_screen)
        self.truth.record(call_id, "foreign", foreign=True, handset=handset.id, during=our_call,
                          shown=asdict(screen), slot=slot, heads_up=bool(ring and ring.heads_up),
                          locked=bool(ring and ring.locked))  # fmt: skip
        self.truth.record(our_call, "note", note=f"held behind foreign call {call_id}")
        timer = threading.Timer(ring_s, self._foreign_over, (call_id, "the caller gave up"))
        timer.daemon = True
        timer.start()

    def _foreign_over(self, call_id: str, why: str) -> None:
        """A foreign call ended (declined or given up): the call held behind it rings now."""
        with self._rng_lock:
            held = self._held.pop(call_id, None)
        if held is None:
            return
        handset, our_call, our_screen = held
        handset.end(call_id)
        self.truth.record(call_id, "ended", final_code=None, final_phrase=why)
        if not self.truth.ended(our_call) and not self._stopping.is_set():
            self._ring(handset, our_call, our_screen)

    def _drift(self, handset: SimHandset, call_id: str) -> None:
        """The owner switches Do Not Disturb on now and then; the robot must notice."""
        chance = handset.settings.drift.dnd
        if chance and not handset.dnd_on() and self._chance(chance):
            handset.set_setting("zen_mode", "1")
            self.truth.record(call_id, "note", note=f"{handset.id}: Do Not Disturb switched on")

    def _chance(self, probability: float) -> bool:
        with self._rng_lock:
            return self._rng.random() < probability

    def _declined(self, call_id: str, handset_id: str) -> None:
        if call_id.startswith("foreign-"):
            self.truth.record(call_id, "declined_on_handset", handset=handset_id)
            self._foreign_over(call_id, "declined on the handset")
            return
        worker = self.workers.get(self.owner.get(handset_id, ""))
        self.truth.record(call_id, "declined_on_handset", handset=handset_id)
        if worker is not None:
            self._send(worker, ("decline", call_id))

    def _worker_died(self, worker: _Worker) -> None:
        """A carrier process vanished (the native stack can abort): its calls are over, and the
        truth says so instead of counting them live forever."""
        log.error("carrier process %s (pid %s) died with exit code %s", worker.name,
                  worker.process.pid, worker.process.exitcode)
        for call in self.truth.calls():
            if call.get("worker") == worker.name and not call["ended"]:
                handset = self.handsets.get(str(call.get("handset")))
                if handset is not None:
                    handset.end(call["call_id"])
                self.truth.record(call["call_id"], "note", note="carrier process died")
                self.truth.record(call["call_id"], "ended", final_code=None,
                                  final_phrase="carrier process died")

    @staticmethod
    def _owner_declines(handset: SimHandset, call_id: str) -> None:
        """`decline_after_s`: the phone's owner rejects the call if it still rings."""
        ring = handset.ringing
        if ring is not None and ring.call_id == call_id:
            handset.note("owner declined")
            handset.decline()

    def _pump_loop(self) -> None:
        while not self._stopping.is_set() or any(not w.done for w in self.workers.values()):
            conns = {w.conn: w for w in self.workers.values() if not w.done}
            if not conns:
                return
            for conn in wait(list(conns), timeout=0.2):
                try:
                    self._receive(conns[conn])  # type: ignore[index]
                except Exception:  # a bug in one report must not stop every carrier's
                    log.exception("virtual farm: handling a carrier report failed")

    def _drain(self) -> None:
        for worker in self.workers.values():
            while not worker.done and _poll(worker.conn):
                self._receive(worker)

    def _receive(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.done = True
            if not self._stopping.is_set():
                self._worker_died(worker)
            return
        kind = message[0]
        if kind == "decided":
            _, call_id, carrier, caller, callee, decision, arrived = message
            self.truth.record(call_id, "decided", carrier=carrier, worker=worker.name,
                              invite_at=round(arrived, 3),
                              caller=caller, callee=callee,
                              handset=decision.get("handset"), action=decision["action"],
                              shown=decision.get("screen"), why=decision.get("why"),
                              verification=decision.get("verification"),
                              response=decision.get("code"))
        elif kind == "ring":
            _, call_id, handset_id, screen = message
            self._incoming(call_id, handset_id, CallScreen(**screen))
        elif kind == "voicemail":
            self.truth.record(message[1], "voicemail", answered=True)
        elif kind == "note":
            self.truth.record(message[1], "note", note=message[2])
        elif kind == "ended":
            _, call_id, code, phrase, handset_id = message
            handset = self.handsets.get(handset_id) if handset_id else None
            if handset is not None:
                handset.end(call_id)
            self.truth.record(call_id, "ended", final_code=code, final_phrase=phrase)
            if handset is not None:
                self._drift(handset, call_id)
        elif kind == "bye":
            worker.done = True


def _poll(conn: Connection) -> bool:
    try:
        return conn.poll(0)
    except (OSError, EOFError):
        return False
