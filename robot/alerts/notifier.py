"""Turns finished attempts into alerts: once per confirmed change, never once per call."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from robot.alerts.changes import Change, ShownState, changes_between, confirmed, shown_state
from robot.alerts.webhooks import WebhookSender, WebhookTarget
from robot.domain.model import Attempt

log = logging.getLogger(__name__)


class AlertState(Protocol):
    """Memory of what was seen and said, per (number, carrier); kept in the store."""

    def push(self, number: str, carrier: str, state: ShownState, keep: int) -> list[ShownState]:
        """Append a state; return the most recent `keep` states, oldest first."""
        ...

    def confirmed(self, number: str, carrier: str) -> ShownState | None: ...

    def set_confirmed(self, number: str, carrier: str, state: ShownState) -> None: ...

    def claim(self, key: str) -> bool:
        """True the first time a change key is claimed for sending; False afterwards."""
        ...


class MemoryAlertState:
    """An in-process AlertState (tests, one-off runs)."""

    def __init__(self) -> None:
        self._recent: dict[tuple[str, str], deque[ShownState]] = {}
        self._confirmed: dict[tuple[str, str], ShownState] = {}
        self._claimed: set[str] = set()
        self._lock = threading.Lock()

    def push(self, number: str, carrier: str, state: ShownState, keep: int) -> list[ShownState]:
        with self._lock:
            recent = self._recent.setdefault((number, carrier), deque(maxlen=keep))
            recent.append(state)
            return list(recent)

    def confirmed(self, number: str, carrier: str) -> ShownState | None:
        return self._confirmed.get((number, carrier))

    def set_confirmed(self, number: str, carrier: str, state: ShownState) -> None:
        self._confirmed[(number, carrier)] = state

    def claim(self, key: str) -> bool:
        with self._lock:
            if key in self._claimed:
                return False
            self._claimed.add(key)
            return True


class AlertNotifier:
    """An attempt listener: confirm states, detect changes, send each change once."""

    def __init__(
        self,
        state: AlertState,
        targets: Sequence[WebhookTarget],
        *,
        sender: WebhookSender | None = None,
        confirm_after: int = 2,
        evidence_link: Callable[[Attempt], str | None] = lambda attempt: None,
    ) -> None:
        self._state = state
        self._targets = list(targets)
        self._sender = sender or WebhookSender()
        self._confirm_after = confirm_after
        self._evidence_link = evidence_link
        self._lock = threading.Lock()
        self.sent: list[Change] = []

    def __call__(self, attempt: Attempt) -> None:
        for change in self.observe(attempt):
            self._send(change)

    def observe(self, attempt: Attempt) -> list[Change]:
        """Record the attempt's state; the changes it confirms (first sighting is a baseline)."""
        state = shown_state(attempt)
        if state is None:
            return []
        with self._lock:
            recent = self._state.push(attempt.number, attempt.carrier, state, self._confirm_after)
            now = confirmed(recent, self._confirm_after)
            if now is None:
                return []
            before = self._state.confirmed(attempt.number, attempt.carrier)
            if before == now:
                return []
            self._state.set_confirmed(attempt.number, attempt.carrier, now)
        if before is None:
            return []
        link = self._evidence_link(attempt)
        return [
            replace(c, attempt_id=attempt.id, evidence=link)
            for c in changes_between(attempt.number, attempt.carrier, before, now)
        ]

    def _send(self, change: Change) -> None:
        if not self._state.claim(change.key):
            return
        for target in self._targets:
            if self._sender.send(target, change):
                self.sent.append(change)
