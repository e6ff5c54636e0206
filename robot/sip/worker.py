"""One SIP worker process: a pjsua2 `Endpoint` driven by a single-threaded event loop.

The wheel allows 4 calls per process and the native stack may abort, so each worker owns one
Endpoint and is told what to do over a pipe (see `robot.sip.protocol`). The loop alternates
`libHandleEvents` with commands and deadlines; with `threadCnt = 0` every pjsua callback runs
on this one thread, so no other thread ever touches pjsua. Our code, not the network, ends
calls: ring timeout and maximum duration are enforced here, and on shutdown, SIGTERM or a
vanished parent every live call is hung up before `libDestroy`.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import sys
import time
from collections import deque
from typing import Any

from robot.child_entry import Channel
from robot.sip.callstate import CallState
from robot.sip.endpoint import destroy_endpoint, quiet_process, single_thread_config
from robot.sip.handles import HandleBudget
from robot.sip.trace import LoggedMessage, is_drop_notice, read_log_entry
from robot.sip.wake import BUSY_POLL_MS, IDLE_POLL_MS, open_wake_transport
from robot.sip.wire import CallSpec, WorkerOptions

_SYSTEM_CA = "/etc/ssl/certs/ca-certificates.crt"
MAX_ACCOUNTS = 6  # PJSUA_MAX_ACC is 8 in the wheel; one more than it allows aborts
_TRANSPORT_TYPES = {
    "udp": "PJSIP_TRANSPORT_UDP",
    "tcp": "PJSIP_TRANSPORT_TCP",
    "tls": "PJSIP_TRANSPORT_TLS",
}


def run_worker(conn: Channel, options: WorkerOptions) -> None:
    """Process entry point (`robot.child_entry`): never writes to stdout; ignores Ctrl-C
    (the parent ends it)."""
    quiet_process()
    worker = _Worker(conn, options)
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    try:
        worker.start()
    except Exception as exc:
        with contextlib.suppress(OSError):
            conn.send(("fatal", f"SIP stack did not start: {exc}"))
        raise
    worker.loop()
    # The Endpoint is destroyed and the parent told: what is left is the interpreter's exit,
    # whose last collections would walk every object of pjsua2's wrapper and ours to free
    # nothing, while `Pjsua2Dialer.close()` (every `ringcheck dial`) waits for this process.
    gc.freeze()


def stack_max_calls(pj: Any, asked: int) -> int:
    """How many calls this process's pjsua holds once initialised with `asked`: pjsua quietly
    lowers the `maxCalls` it is given to PJSUA_MAX_CALLS, fixed when pjproject is compiled (4
    in the pjsua2-python wheel, what a build of its own sets: `scripts/build-pjsua2`), and a
    fifth call in the wheel then fails. pjsua2 has no getter for it; the extension exports
    pjsua's own `pjsua_call_get_max_count`, read here from the library already loaded."""
    try:
        getter = ctypes.CDLL(pj._pjsua2.__file__).pjsua_call_get_max_count
    except (OSError, AttributeError):  # a build that does not export it: trust what we asked
        return asked
    getter.argtypes = []
    getter.restype = ctypes.c_uint
    return min(asked, int(getter()))


def preload() -> None:
    """What a fork server of SIP workers loads before forking them (`robot.sip.pool`): this
    module and pjsua2's bindings (loaded on the package's first attribute), ~3.7 MB of Python
    objects every worker would otherwise build for itself. No Endpoint: each child makes its
    own."""
    import pjsua2

    pjsua2.Endpoint  # noqa: B018


class _Worker:
    def __init__(self, conn: Channel, options: WorkerOptions) -> None:
        self.conn = conn
        self.options = options
        self.calls: dict[int, CallState] = {}
        self.by_call_id: dict[str, CallState] = {}
        # Calls asked for while pjlib had no socket handles to spare (`robot.sip.handles`);
        # placed, in order, as handles come back.
        self.waiting: deque[tuple[int, CallSpec]] = deque()
        self.handles = HandleBudget()
        self.accounts: dict[str, Any] = {}
        self.transports: dict[str, int] = {}
        # Ended Call objects with the call slot they held. In the pjsua2 wheel, deleting
        # an ended Call clears its slot's user data and hangs up whatever call uses that slot
        # now, so a Call is only deleted once no live call holds its slot (`_bury`).
        self.graveyard: list[tuple[int | None, Any]] = []
        self.early_logs: dict[str, list[str]] = {}
        self.drop_notice = ""
        self.call_class: Any = None
        self.stopping = False
        self.parent_gone = False
        self.max_calls = options.max_calls  # until the stack says what it holds (`start`)

    # --- start and stop --------------------------------------------------------------
    def start(self) -> None:
        import pjsua2 as pj

        self.pj = pj
        worker = self

        class _LogWriter(pj.LogWriter):  # type: ignore[misc]
            def write(self, entry: Any) -> None:
                try:
                    worker.on_log(entry.msg)
                except Exception as exc:  # never let an exception cross into pjlib
                    print(f"ringcheck sip worker: log handling failed: {exc!r}", file=sys.stderr)

        self.ep = pj.Endpoint()
        self.ep.libCreate()
        cfg = single_thread_config(
            pj, max_calls=self.options.max_calls, user_agent=self.options.user_agent
        )
        self.log_writer = _LogWriter()
        cfg.logConfig.writer = self.log_writer
        cfg.logConfig.level = self.options.log_level
        cfg.logConfig.consoleLevel = self.options.log_level  # the writer is pjsua's "console"
        cfg.logConfig.decor = 0
        cfg.logConfig.msgLogging = 1
        self.ep.libInit(cfg)
        self.max_calls = stack_max_calls(pj, self.options.max_calls)
        # No sound device, not even the null one: pjsua opens it for each call it makes and
        # closes it a second after the last, and closing joins its clock thread (a 20 ms
        # tick) on this loop's thread, so a command arriving then waited up to 20 ms: the
        # p99 of a call placed alone. Our calls carry no audio (an answered call is ended at
        # once), so no clock drives the conference bridge and an answered call sends no RTP.
        self.ep.audDevManager().setNoDev()
        self.ep.libStart()
        self.send(("ready", os.getpid(), open_wake_transport(pj, self.ep), self.max_calls))

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

    # --- the loop --------------------------------------------------------------------
    def loop(self) -> None:
        stop_deadline: float | None = None
        while True:
            self._bury()
            self._commands()
            now = time.monotonic()
            if self.stopping:
                if stop_deadline is None:
                    stop_deadline = now + self.options.hangup_grace_s
                    self._refuse_waiting("the dialer is shutting down")
                    for state in list(self.calls.values()):
                        self._hang_up(state)
                if not self.calls or now > stop_deadline:
                    break
            self._place_waiting()
            self._deadlines(now)
            # A command on the pipe wakes the poll at once (`robot.sip.wake`); the timeout
            # only bounds how late our own deadlines are seen.
            self.ep.libHandleEvents(BUSY_POLL_MS if self.calls or self.waiting else IDLE_POLL_MS)
        calls_up = any(not state.disconnected for state in self.calls.values())
        for state in list(self.calls.values()):
            state.error = state.error or "dialer shut down before the call ended"
            self._finish(state)
        self._destroy(calls_up)

    def _commands(self) -> None:
        try:
            while self.conn.poll(0):
                message = self.conn.recv()
                self._command(message)
        except (EOFError, OSError):
            self.parent_gone = True
            self.stopping = True

    def _command(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "place":
            self.waiting.append((message[1], message[2]))
        elif kind == "hangup":
            state = self.calls.get(message[1])
            if state is not None:
                self._hang_up(state)
            elif any(key == message[1] for key, _ in self.waiting):
                self.waiting = deque((k, s) for k, s in self.waiting if k != message[1])
                self.send(("place_failed", message[1], "hung up before it was placed"))
        elif kind == "shutdown":
            self.stopping = True

    def _destroy(self, calls_up: bool) -> None:
        self.calls.clear()
        self.by_call_id.clear()
        self.graveyard.clear()
        destroy_endpoint(self.pj, self.ep, self.accounts.values(), calls_up=calls_up)
        self.accounts.clear()
        self.send(("bye", os.getpid()))

    # --- calls -----------------------------------------------------------------------
    def _place_waiting(self) -> None:
        """Start the calls asked for, as far as pjlib's socket handles allow."""
        while self.waiting and self.handles.room(len(self.calls)):
            self._place(*self.waiting.popleft())

    def _refuse_waiting(self, why: str) -> None:
        while self.waiting:
            self.send(("place_failed", self.waiting.popleft()[0], why))

    def _place(self, key: int, spec: CallSpec) -> None:
        pj = self.pj
        live = sum(1 for s in self.calls.values() if not s.disconnected)
        if live >= self.max_calls:
            self.send(("place_failed", key, f"worker {os.getpid()} already has {live} calls"))
            return
        state = CallState(key=key, spec=spec, started=time.monotonic())
        try:
            transport_key, transport_id = self._transport(spec)
            account = self._account(spec, transport_key, transport_id)
            state.account_key = _account_key(spec, transport_key)
            if self.call_class is None:
                self.call_class = _make_call_class(pj, self)
            call = self.call_class(account, state)
            prm = pj.CallOpParam(True)
            prm.txOption.localUri = spec.local_uri
            for name, value in spec.headers:
                header = pj.SipHeader()
                header.hName = name
                header.hValue = value
                prm.txOption.headers.append(header)
            state.call = call
            self.calls[key] = state
            state.started = time.monotonic()
            call.makeCall(spec.uri, prm)
            state.slot = call.getId()
            state.call_id = call.getInfo().callIdString
        except Exception as exc:
            self.calls.pop(key, None)
            self.early_logs.clear()
            self.handles.released()  # whatever sockets the attempt opened are closing
            state.call = None
            reason = _pj_reason(exc)
            if "PJ_ETOOMANY" in reason:
                reason = (
                    f"the SIP stack refused a call beyond the {live} up (PJ_ETOOMANY), below "
                    f"the {self.max_calls} calls it reported holding"
                )
            self.send(("place_failed", key, reason))
            return
        self.by_call_id[state.call_id] = state
        for text in self.early_logs.pop(state.call_id, []):
            self._record(state, text, read_log_entry(text))
        self.send(("placed", key, state.call_id))

    def _bury(self) -> None:
        """Delete ended objects whose call slot no live call holds (see `graveyard`)."""
        if not self.graveyard:
            return
        busy = {state.slot for state in self.calls.values() if state.slot is not None}
        self.graveyard = [(slot, obj) for slot, obj in self.graveyard if slot in busy]

    def _transport(self, spec: CallSpec) -> tuple[str, int]:
        """Only the transports calls use are created, each bound to the one local address
        that reaches its peer (never every interface); each account is bound to one, so a
        signed INVITE over 1,300 bytes stays on the trunk's transport (no switch to TCP)."""
        kind = spec.transport
        tls = spec.tls if kind == "tls" else None
        assert spec.local.address is not None, "the dialer decides the local address"
        key = f"{kind}@{spec.local.address}"
        if tls is not None:
            key += f"/{tls.verify}/{tls.ca_file}/{tls.cert_file}/{tls.key_file}"
        if key in self.transports:
            return key, self.transports[key]
        pj = self.pj
        cfg = pj.TransportConfig()
        cfg.port = 0
        cfg.boundAddress = spec.local.address
        if tls is not None:
            # the server certificate is checked unless the trunk says tls_verify: false,
            # against the trunk's own CA when it names one
            cfg.tlsConfig.verifyServer = tls.verify
            ca_file = tls.ca_file or (_SYSTEM_CA if os.path.exists(_SYSTEM_CA) else None)
            if ca_file:
                cfg.tlsConfig.CaListFile = ca_file
            if tls.cert_file and tls.key_file:
                cfg.tlsConfig.certFile = tls.cert_file
                cfg.tlsConfig.privKeyFile = tls.key_file
                cfg.tlsConfig.password = tls.key_password or ""
        kind_type = _TRANSPORT_TYPES[kind]
        self.transports[key] = self.ep.transportCreate(getattr(pj, kind_type), cfg)
        return key, self.transports[key]

    def _account(self, call: CallSpec, transport_key: str, transport_id: int) -> Any:
        """The account for a trunk (or target host) on one transport, least recently used
        ones dropped first: pjsua holds 8 accounts and aborts on the ninth. Its RTP binds
        the transport's address, on ports from the call's range."""
        spec = call.account
        key = _account_key(call, transport_key)
        existing = self.accounts.pop(key, None)
        if existing is not None:
            self.accounts[key] = existing  # most recently used last
            return existing
        if len(self.accounts) >= MAX_ACCOUNTS:
            busy = {state.account_key for state in self.calls.values()}
            idle = [k for k in self.accounts if k not in busy]
            if not idle:
                raise RuntimeError(f"all {MAX_ACCOUNTS} SIP accounts of this worker are in use")
            old = self.accounts.pop(idle[0])
            with contextlib.suppress(Exception):
                old.shutdown()
            # Gone before the next account is added: pjsua gives that one the lowest free id,
            # likely this one's, and a pjsua2 Account's destructor deletes whatever account
            # holds the id it had (shutdown does not forget it).
            del old
        pj = self.pj
        cfg = pj.AccountConfig()
        cfg.idUri = spec.id_uri
        cfg.sipConfig.transportId = transport_id
        low, high = call.local.rtp_ports
        cfg.mediaConfig.transportConfig.boundAddress = call.local.address
        cfg.mediaConfig.transportConfig.port = low
        cfg.mediaConfig.transportConfig.portRange = high - low + 1
        cfg.regConfig.registrarUri = spec.registrar or ""
        cfg.regConfig.registerOnAdd = bool(spec.registrar)
        if spec.auth_user and spec.password is not None:
            cfg.sipConfig.authCreds.append(
                pj.AuthCredInfo("digest", "*", spec.auth_user, 0, spec.password)
            )
        account = pj.Account()
        account.create(cfg)
        self.accounts[key] = account
        return account

    def _hang_up(self, state: CallState) -> None:
        if state.hung_up_at is not None or state.call is None:
            return
        state.mark_hung_up(time.monotonic())
        if state.disconnected:
            return
        try:
            state.call.hangup(self.pj.CallOpParam())
        except Exception as exc:
            state.error = state.error or f"hang-up failed: {_pj_reason(exc)}"

    def _deadlines(self, now: float) -> None:
        for state in list(self.calls.values()):
            if state.due_for_hang_up(now):
                self._hang_up(state)
            if state.is_over(now, self.options.hangup_grace_s):
                self._finish(state)

    def _finish(self, state: CallState) -> None:
        self.calls.pop(state.key, None)
        self.handles.released()
        self.by_call_id.pop(state.call_id, None)
        self.graveyard.append((state.slot, state.call))
        state.call = None
        self.send(("ended", state.key, state.report(time.monotonic())))

    # --- callbacks (all on this thread) ---------------------------------------------
    def on_log(self, text: str) -> None:
        if is_drop_notice(text):
            self.drop_notice = text.strip()
            return
        logged = read_log_entry(text)
        if logged is not None and logged.malformed and self.drop_notice:
            text = f"{self.drop_notice}\n{text}"
            self.drop_notice = ""
        if logged is None or logged.call_id is None:
            return
        state = self.by_call_id.get(logged.call_id)
        if state is None:
            if logged.direction == "TX" and logged.method == "INVITE":
                self.early_logs.setdefault(logged.call_id, []).append(text)
            return
        self._record(state, text, logged)

    def _record(self, state: CallState, text: str, logged: LoggedMessage | None) -> None:
        event = state.record(text, logged, time.monotonic())
        if event is not None:
            self.send(("event", state.key, *event))

    def on_call_state(self, state: CallState, info: Any, whole_msg: str | None) -> None:
        pj = self.pj
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED:
            state.answered = True
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            state.disconnect(info.lastStatusCode, info.lastReason, whole_msg)


def _account_key(call: CallSpec, transport_key: str) -> str:
    low, high = call.local.rtp_ports
    return f"{call.account.key}/{transport_key}/rtp{low}-{high}"


def _make_call_class(pj: Any, worker: _Worker) -> Any:
    class _Call(pj.Call):  # type: ignore[misc]
        def __init__(self, account: Any, state: CallState) -> None:
            super().__init__(account)
            self.state = state

        def onCallState(self, prm: Any) -> None:
            try:
                whole = None
                event = prm.e
                if event.type == pj.PJSIP_EVENT_TSX_STATE:
                    tsx = event.body.tsxState
                    if tsx.type == pj.PJSIP_EVENT_RX_MSG:
                        whole = tsx.src.rdata.wholeMsg
                worker.on_call_state(self.state, self.getInfo(), whole)
            except Exception as exc:  # never let an exception cross into the native stack
                print(f"ringcheck sip worker: callback failed: {exc!r}", file=sys.stderr)

    return _Call


def _pj_reason(exc: Exception) -> str:
    info = getattr(exc, "info", None)
    if callable(info):
        with contextlib.suppress(Exception):
            return str(info())
    reason = getattr(exc, "reason", None)
    return str(reason) if reason else str(exc) or type(exc).__name__
