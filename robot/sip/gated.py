"""`GatedDialer`: a `Dialer` whose calls start only when the trunk's shared limits allow.

Every process (a run, `serve`, each farm-site worker) dialling through one trunk asks the same
gate in the store (`robot.store.limits.SqlTrunkGate`) before its INVITE leaves, and holds a
concurrent-call slot until the call is over; the SIP pool's own per-process limits still apply
beneath it, so the two compose.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from robot.domain.model import SipEvent, SipOutcome
from robot.errors import RingcheckError
from robot.ports import Dialer, DialRequest, LiveCall

log = logging.getLogger(__name__)

SLOT_MARGIN_S = 60.0
"""A slot outlives its call's longest duration by this much before it expires on its own."""


class TrunkGate(Protocol):
    def start(
        self,
        trunk: str,
        *,
        cps: float,
        max_calls: int,
        holder: str,
        ttl_s: float,
        stop: threading.Event,
    ) -> contextlib.AbstractContextManager[list[int]]: ...

    def release(self, slot_id: int) -> None: ...


class GatedDialer:
    """Wraps a dialer; see the module docstring."""

    def __init__(
        self, inner: Dialer, gate: TrunkGate, *, holder: str, stop: threading.Event
    ) -> None:
        self._inner = inner
        self._gate = gate
        self._holder = holder
        self._stop = stop

    def place(self, request: DialRequest) -> LiveCall:
        trunk = request.trunk
        if trunk is None:
            return self._inner.place(request)
        with self._gate.start(
            trunk.name,
            cps=trunk.cps,
            max_calls=trunk.max_concurrent_calls,
            holder=self._holder,
            ttl_s=request.max_duration_s + SLOT_MARGIN_S,
            stop=self._stop,
        ) as slot:
            live = self._inner.place(request)
        return _GatedCall(live, lambda: self._free(slot))

    def _free(self, slot: list[int]) -> None:
        for slot_id in slot:
            try:
                self._gate.release(slot_id)
            except RingcheckError as exc:  # the slot expires on its own
                log.warning("could not free trunk slot %d: %s", slot_id, exc)

    def close(self) -> None:
        self._inner.close()


class _GatedCall:
    """The inner call; its trunk slot is freed the first time its outcome is seen."""

    def __init__(self, inner: LiveCall, free: Callable[[], None]) -> None:
        self._inner = inner
        self._free = free
        self._freed = False
        self._lock = threading.Lock()

    @property
    def call_id(self) -> str:
        return self._inner.call_id

    def events(self) -> Sequence[SipEvent]:
        return self._inner.events()

    def wait_for_event(self, seen: int, timeout_s: float) -> bool:
        return self._inner.wait_for_event(seen, timeout_s)

    def wait(self, timeout_s: float) -> SipOutcome | None:
        return self._ended(self._inner.wait(timeout_s))

    def hang_up(self) -> SipOutcome:
        outcome = self._inner.hang_up()
        self._ended(outcome)
        return outcome

    def trace(self) -> str:
        return self._inner.trace()

    def _ended(self, outcome: SipOutcome | None) -> SipOutcome | None:
        if outcome is not None:
            with self._lock:
                free, self._freed = not self._freed, True
            if free:
                self._free()
        return outcome


def _satisfies(dialer: GatedDialer) -> Dialer:
    """Never called: lets mypy check that `GatedDialer` implements the `Dialer` port."""
    return dialer
