"""Everything one run needs, wired in one place (keyword-only, like locust's Environment)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from robot.domain.model import Attempt, Number, Trunk
from robot.domain.model import Handset as HandsetSpec
from robot.engine.trunk_slots import TrunkSlots
from robot.ports import Clock, Dialer, Handset, ResultStore, ScreenReader
from robot.store.artifacts import ArtifactKind

log = logging.getLogger(__name__)


class Evidence(Protocol):
    """Where screenshots, page sources and SIP traces go (the store's ArtifactStore)."""

    def write(
        self, attempt: Attempt, kind: ArtifactKind, data: bytes | str, *, frame: int = 0
    ) -> str: ...


class Leases(Protocol):
    def acquire(self, handset_id: str, holder: str, ttl_s: float) -> bool: ...

    def renew(self, handset_id: str, holder: str, ttl_s: float) -> bool: ...

    def release(self, handset_id: str, holder: str | None = None) -> bool: ...


class NumberPacing(Protocol):
    """Keeps calls from one number apart (`robot.store.limits.SqlNumberPacing`, shared by
    every process; the run's own `Pacer` without a store)."""

    def wait_turn(self, number: str, interval_s: float, stop: threading.Event) -> bool: ...


class CallBudgets(Protocol):
    """Counts a call against the scenario's daily budgets before it is dialled; returns why
    it must not be made, or None (`robot.engine.call.StoreBudgets`)."""

    def claim(self, number: str, handset_id: str, per_number: int | None,
              per_handset: int | None) -> str | None: ...  # fmt: skip


AttemptListener = Callable[[Attempt], None]


@dataclass(kw_only=True)
class Environment:
    """The adapters of one run. `handset_for` opens (or reuses) a handset's session;
    `trunk_for` picks the trunk for a call (a real farm: the number's trunk; the virtual farm:
    the simulated carrier of the handset)."""

    dialer: Dialer
    handset_for: Callable[[HandsetSpec], Handset]
    reader: ScreenReader
    store: ResultStore
    evidence: Evidence
    clock: Clock
    trunk_for: Callable[[Number, HandsetSpec], Trunk | None] = lambda number, handset: None
    leases: Leases | None = None
    lease_holder: str = "ringcheck"
    listeners: list[AttemptListener] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    trunk_slots: TrunkSlots = field(default_factory=TrunkSlots)
    worker: str | None = None  # the process running the attempts, recorded with each
    pacing: NumberPacing | None = None  # None: the run paces its numbers in memory
    budgets: CallBudgets | None = None  # None: budgets are checked at planning only

    def notify(self, attempt: Attempt) -> None:
        """Tell listeners an attempt ended; a failing listener is logged, never stops the run."""
        for listener in self.listeners:
            try:
                listener(attempt)
            except Exception:
                log.exception("attempt listener %r failed", listener)
