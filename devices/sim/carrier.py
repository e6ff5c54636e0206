"""A simulated terminating carrier: a pjsua2 user agent server in a worker process of its own.

Each process owns one `Endpoint`: a UDP and a TCP transport on the carrier's port, or a private
UDP port behind the carrier's `SipFront` when the carrier needs several processes (the wheel
allows 4 calls per process; a fifth INVITE would get pjsua's own 486). With `threadCnt = 0`
every callback runs on the one loop thread. The loop executes `policy.decide`: it rejects at
once, or sends 180 after the ring delay and tells the parent to ring the handset, ends calls
nobody cancels after `no_answer_s` (or answers them as voicemail), and reports every step to
the parent, which keeps the ground truth. CANCEL gets 200 + 487 from pjsua itself.

The loop sleeps in `libHandleEvents` until a SIP packet, its next timer or a command: the
parent wakes it after each command it sends (a keep-alive on a loopback transport, as the
robot's SIP workers are woken: `robot.sip.wake`). Polling every 5 ms for commands while any
call was up spun six carrier processes 200 times a second each at 24 handsets.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import itertools
import math
import os
import random
import signal
import time
import traceback
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from devices.sim.config import CarrierSim, TrustedCert
from devices.sim.policy import Decision, Invite, decide, number_of
from devices.sim.stir import StirVerifier, load_trusted
from robot.sip.endpoint import destroy_endpoint, quiet_process, single_thread_config
from robot.sip.headers import parse_message
from robot.sip.wake import BUSY_POLL_MS, IDLE_POLL_MS, open_wake_transport

STOP_GRACE_S = 3.0


@dataclass(frozen=True)
class CarrierSpec:
    """Everything a carrier worker needs (picklable: it crosses into a spawned process)."""

    name: str
    policy: CarrierSim
    subscribers: dict[str, str]  # msisdn -> handset id
    seed: int
    host: str = "127.0.0.1"
    port: int = 0
    max_calls: int = 4
    trusted: tuple[TrustedCert, ...] = ()
    trusted_folder: str = "."
    freshness_s: float = 60.0
    udp_only: bool = False  # behind a `SipFront`: the front owns the public UDP+TCP port
    worker: str = ""  # e.g. `sim-att#1` when the carrier runs several processes


@dataclass
class _Live:
    call: Any
    call_id: str
    handset: str | None
    decision: Decision
    ringing: bool = False
    answered: bool = False
    done: bool = False


def run_carrier(conn: Connection, spec: CarrierSpec) -> None:
    """Process entry point: stdout stays clean, the parent ends us (or SIGTERM does)."""
    quiet_process()
    carrier = _Carrier(conn, spec)
    signal.signal(signal.SIGTERM, lambda *_: carrier.stop())
    try:
        carrier.start()
    except Exception as exc:
        info = getattr(exc, "info", None)  # pjsua2's Error keeps its text in info()
        why = info() if callable(info) else str(exc)
        where = f" on port {spec.port}" if spec.port else ""
        with contextlib.suppress(OSError):
            conn.send(("failed", spec.name,
                       f"carrier {spec.name} did not start{where}: {why.strip() or repr(exc)}"))
        raise SystemExit(1) from None
    carrier.loop()


class _Carrier:
    def __init__(self, conn: Connection, spec: CarrierSpec) -> None:
        self.conn = conn
        self.spec = spec
        seed = zlib.crc32(f"{spec.seed}:{spec.worker or spec.name}".encode())
        self.rng = random.Random(seed)
        self.verify = StirVerifier(load_trusted(spec.trusted, Path(spec.trusted_folder)),
                                   spec.freshness_s)
        self.calls: dict[str, _Live] = {}
        # timers name their call by Call-ID, never hold it: a Call object must be gone
        # before libDestroy, or its destructor asserts in pjsua
        self.timers: list[tuple[float, int, str, Callable[[_Live], None]]] = []
        self.seq = itertools.count()
        # Disconnected Call objects with their pjsua slot. The wheel's Call destructor clears
        # the user data of its slot and hangs up whatever call is active there, even after its
        # own call ended: deleting one while a new call uses the slot orphans (and kills) that
        # call. So they are deleted only at a loop turn where no live call holds the slot.
        self.graveyard: list[tuple[int, Any]] = []
        self.call_class: Any = None
        self.stopping = False
        self.parent_gone = False

    # --- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        import pjsua2 as pj

        self.pj = pj
        self.ep = pj.Endpoint()
        self.ep.libCreate()
        cfg = single_thread_config(
            pj, max_calls=self.spec.max_calls, user_agent=f"ringcheck-sim {self.spec.name}"
        )
        cfg.logConfig.level = 0
        cfg.logConfig.consoleLevel = 0
        self.ep.libInit(cfg)
        # No sound device, not even the null one: answering (voicemail) opened it, and its
        # close a second after the call joins its 20 ms clock thread on this loop thread, so
        # a call arriving then waited up to a tick. The farm plays no audio.
        self.ep.audDevManager().setNoDev()
        port = self._transports()
        wake_port = open_wake_transport(pj, self.ep)
        self.ep.libStart()
        self.account = _make_account(pj, self)
        acfg = pj.AccountConfig()
        acfg.idUri = f"sip:{self.spec.name}@{self.spec.host}:{port}"
        # RTP on the carrier's own address like its SIP, never on every interface
        acfg.mediaConfig.transportConfig.boundAddress = self.spec.host
        self.account.create(acfg)
        self.send(("ready", self.spec.worker or self.spec.name, port, os.getpid(), wake_port))

    def _transports(self) -> int:
        """UDP first (port 0 picks one), then TCP on the same number; retry if TCP's is taken."""
        pj = self.pj
        for _ in range(20):
            ucfg = pj.TransportConfig()
            ucfg.boundAddress = self.spec.host
            ucfg.port = self.spec.port
            udp = self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, ucfg)
            port = int(self.ep.transportGetInfo(udp).localName.rsplit(":", 1)[1])
            if self.spec.udp_only:
                return port
            tcfg = pj.TransportConfig()
            tcfg.boundAddress = self.spec.host
            tcfg.port = port
            try:
                self.ep.transportCreate(pj.PJSIP_TRANSPORT_TCP, tcfg)
            except pj.Error:
                self.ep.transportClose(udp)
                if self.spec.port:
                    raise
                continue
            return port
        raise RuntimeError("no port free for both UDP and TCP")

    def stop(self) -> None:
        self.stopping = True

    def send(self, message: tuple[Any, ...]) -> None:
        if self.parent_gone:
            return
        try:
            self.conn.send(message)
        except (OSError, EOFError, BrokenPipeError):
            self.parent_gone = True
            self.stopping = True

    def loop(self) -> None:
        deadline: float | None = None
        while True:
            self._bury()
            self._commands()
            now = time.monotonic()
            if self.stopping:
                if deadline is None:
                    deadline = now + STOP_GRACE_S
                    for live in list(self.calls.values()):
                        self._final(live, 503, "Service Unavailable")
                if not self.calls or now > deadline:
                    break
            self._run_timers(now)
            self.ep.libHandleEvents(self._sleep_ms(now))
        calls_up = bool(self.calls)
        self.calls.clear()
        self.timers.clear()
        self.graveyard.clear()
        gc.collect()  # every Call object must be gone before libDestroy
        destroy_endpoint(self.pj, self.ep, [self.account], calls_up=calls_up)
        del self.account
        self.send(("bye", self.spec.name))

    def _sleep_ms(self, now: float) -> int:
        """How long the loop may sleep: until the next timer (a ring delay, a no-answer),
        bounded so a stop or a lost parent is still seen; a command wakes it earlier."""
        limit = BUSY_POLL_MS if self.calls else IDLE_POLL_MS
        if not self.timers:
            return limit
        return max(0, min(limit, math.ceil((self.timers[0][0] - now) * 1000)))

    def _bury(self) -> None:
        """Delete ended Call objects whose slot no live call uses (see `graveyard`)."""
        if not self.graveyard:
            return
        busy = {live.call.slot for live in self.calls.values() if live.call is not None}
        self.graveyard = [(slot, call) for slot, call in self.graveyard if slot in busy]

    def _commands(self) -> None:
        try:
            while self.conn.poll(0):
                message = self.conn.recv()
                if message[0] == "decline":
                    live = self.calls.get(message[1])
                    if live is not None:
                        code = self.spec.policy.decline_code
                        self._final(live, code, "Decline" if code == 603 else "Busy Here",
                                    why="declined on the handset")
                elif message[0] == "stop":
                    self.stopping = True
        except (EOFError, OSError):
            self.parent_gone = True
            self.stopping = True

    def _after(self, delay_s: float, call_id: str, action: Callable[[_Live], None]) -> None:
        heapq.heappush(self.timers, (time.monotonic() + delay_s, next(self.seq), call_id, action))

    def _run_timers(self, now: float) -> None:
        while self.timers and self.timers[0][0] <= now:
            _, _, call_id, action = heapq.heappop(self.timers)
            live = self.calls.get(call_id)
            if live is not None and not live.done:
                action(live)

    # --- calls ----------------------------------------------------------------------------

    def incoming(self, call_index: int, whole_msg: str) -> None:
        arrived = time.time()  # what a trunk's rate limit counts: the INVITE's arrival
        msg = parse_message(whole_msg)
        call_id = msg.first("call-id") or f"unknown-{call_index}"
        caller = number_of(msg.first("p-asserted-identity")) or number_of(msg.first("from")) or ""
        callee = number_of(msg.first("to")) or number_of(msg.start_line) or ""
        invite = Invite(call_id, caller, callee, msg.first("identity"))
        decision = self._decide(invite)
        call = self.call_class(self.account, call_index, call_id)
        live = _Live(call, call_id, decision.handset, decision)
        if decision.action != "reject" and any(
            other.handset == decision.handset and other.decision.action != "reject"
            for other in self.calls.values()
        ):
            decision = Decision("reject", 486, "Busy Here", handset=decision.handset,
                                why=("the handset is already in a call",))
            live.decision = decision
        self.calls[call_id] = live
        self.send(("decided", call_id, self.spec.name, caller, callee, decision.as_json(), arrived))
        if decision.action == "reject":
            self._final(live, decision.code or 500, decision.phrase, decision.headers)
            return
        policy = self.spec.policy
        if decision.action in ("ring", "silent_drop"):
            self._after(decision.ring_delay_s, call_id, self._ring)
        self._after(decision.ring_delay_s + policy.no_answer_s, call_id, self._no_answer)

    def broken(self, call_index: int) -> None:
        """Answer 500 to an INVITE whose handling raised, so no call is left hanging."""
        live = next((lv for lv in self.calls.values() if lv.call is not None and
                     lv.call.slot == call_index), None)
        if live is None:
            call_id = f"broken-{call_index}-{time.monotonic_ns()}"
            decision = Decision("reject", 500, "Server Internal Error", why=("sim error",))
            live = _Live(self.call_class(self.account, call_index, call_id), call_id, None,
                         decision)
            self.calls[call_id] = live
        self._final(live, 500, "Server Internal Error", why="sim error (see the farm's log)")

    def _decide(self, invite: Invite) -> Decision:
        try:
            return decide(self.spec.name, self.spec.policy, invite, self.spec.subscribers,
                          self.verify, self.rng)
        except Exception as exc:  # a bug of ours must not take the carrier down
            return Decision("reject", 500, "Server Internal Error", why=(f"sim error: {exc}",))

    def _ring(self, live: _Live) -> None:
        self._respond(live, 180, "Ringing")
        live.ringing = True
        if live.decision.action == "ring" and live.decision.screen is not None:
            self.send(("ring", live.call_id, live.handset, asdict(live.decision.screen)))

    def _no_answer(self, live: _Live) -> None:
        outcome = self.spec.policy.on_no_answer
        if outcome == "voicemail":
            self._respond(live, 200, "OK")
            live.answered = True
            self.send(("voicemail", live.call_id))
            self._after(self.spec.policy.voicemail_hold_s, live.call_id, self._hang_up_voicemail)
            return
        phrase = "Temporarily Unavailable" if outcome == 480 else "Request Timeout"
        self._final(live, int(outcome), phrase, why=f"nobody answered in "
                    f"{self.spec.policy.no_answer_s:g}s")

    def _hang_up_voicemail(self, live: _Live) -> None:
        self._final(live, 200, "OK")

    def _respond(self, live: _Live, code: int, phrase: str) -> None:
        prm = self.pj.CallOpParam(True)
        prm.statusCode = code
        prm.reason = phrase
        with contextlib.suppress(self.pj.Error):
            live.call.answer(prm)

    def _final(self, live: _Live, code: int, phrase: str,
               headers: tuple[tuple[str, str], ...] = (), why: str = "") -> None:
        """End the call: a final response while early, BYE once answered (code 200)."""
        if live.done:
            return
        prm = self.pj.CallOpParam(True)
        prm.statusCode = 603 if live.answered and code == 200 else code
        prm.reason = phrase
        for name, value in headers:
            header = self.pj.SipHeader()
            header.hName = name
            header.hValue = value
            prm.txOption.headers.append(header)
        if why:
            self.send(("note", live.call_id, why))
        try:
            if live.answered:
                live.call.hangup(prm)
            else:  # a final answer carries our headers; hangup() drops them before any 1xx
                live.call.answer(prm)
        except self.pj.Error as exc:
            self.send(("note", live.call_id, f"hangup failed: {exc.info()}"))

    def disconnected(self, call_id: str, code: int, phrase: str) -> None:
        live = self.calls.pop(call_id, None)
        if live is None:
            return
        live.done = True
        self.graveyard.append((live.call.slot, live.call))  # never inside its own callback
        live.call = None
        self.send(("ended", call_id, code, phrase, live.handset))


def _make_account(pj: Any, carrier: _Carrier) -> Any:
    class SimCall(pj.Call):  # type: ignore[misc]
        def __init__(self, account: Any, index: int, call_id: str) -> None:
            super().__init__(account, index)
            self.slot = index
            self.sip_call_id = call_id

        def onCallState(self, prm: Any) -> None:
            try:
                info = self.getInfo()
                if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                    carrier.disconnected(self.sip_call_id, int(info.lastStatusCode),
                                         str(info.lastReason))
            except Exception:  # never let a Python error unwind into the native stack
                traceback.print_exc()

    class SimAccount(pj.Account):  # type: ignore[misc]
        def onIncomingCall(self, prm: Any) -> None:
            try:
                carrier.incoming(prm.callId, prm.rdata.wholeMsg)
            except Exception:  # a bug of ours: the caller gets a 500, the carrier lives on
                traceback.print_exc()
                carrier.broken(prm.callId)

    carrier.call_class = SimCall
    return SimAccount()
