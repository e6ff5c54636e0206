"""One alert as people read it: which signal, what changed, why, and where the evidence is.

The reason comes from the verdict and may quote text read off a phone's screen, which is
untrusted: it is kept here as plain text and escaped only when rendered for a channel's markup
(`robot.alerts.render`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from robot.domain.alerts import AlertChannel, AlertKind, SignalKey

CHECK_WORDS = {
    "delivered": "delivery",
    "blocked": "network block",
    "name": "displayed name",
    "verified": "verified badge",
    "no_label": "no spam label",
    "logo": "brand logo",
    "screen": "screen reading",
}

KIND_WORDS = {
    AlertKind.FIRST_FAILURE: "FAILING (first seen)",
    AlertKind.REGRESSION: "FAILING (was passing)",
    AlertKind.RECOVERY: "RECOVERED",
    AlertKind.TEST: "TEST",
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """A public link to the attempt (from the project's `public_url`), or, without one, where
    the files are on the robot's host: never a `file://` link dressed up as clickable."""

    url: str | None = None
    host: str | None = None
    path: str | None = None

    def describe(self) -> str | None:
        if self.url:
            return f"Evidence: {self.url}"
        if self.path:
            return f"Evidence on the robot host {self.host or 'unknown'}: {self.path}"
        return None

    def as_dict(self) -> dict[str, str | None]:
        return {"url": self.url, "host": self.host, "path": self.path}


@dataclass(frozen=True, slots=True)
class Alert:
    """What the outbox records before anything is sent."""

    key: SignalKey
    kind: AlertKind
    reason: str
    created_at: datetime
    run_id: int | None = None
    attempt_id: int | None = None
    handset_id: str | None = None
    evidence: Evidence = field(default_factory=Evidence)
    muted: bool = False
    id: int | None = None

    @property
    def check_words(self) -> str:
        return CHECK_WORDS.get(self.key.check, self.key.check)

    def headline(self) -> str:
        """One line: `FAILING (first seen): +1202… on sim-tmobile: no spam label`."""
        if self.kind is AlertKind.TEST:
            return f"TEST: ringcheck can reach this channel ({self.key.scenario})"
        return (
            f"{KIND_WORDS[self.kind]}: {self.key.number} on {self.key.carrier}: {self.check_words}"
        )

    def short(self) -> str:
        """The headline without number and carrier, for tables that show them already."""
        if self.kind is AlertKind.TEST:
            return "TEST"
        return f"{KIND_WORDS[self.kind]}: {self.check_words}"

    def context(self) -> str:
        """Scenario, the axes it ran under, and the attempt."""
        parts = [f"scenario {self.key.scenario}"]
        if self.key.variant:
            parts.append(self.key.variant)
        if self.attempt_id is not None:
            parts.append(f"attempt {self.attempt_id}")
        if self.handset_id:
            parts.append(f"handset {self.handset_id}")
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """The plain-text message, line by line (renderers escape each for their markup)."""
        lines = [self.headline(), self.reason, self.context()]
        evidence = self.evidence.describe()
        if evidence:
            lines.append(evidence)
        return [line for line in lines if line]


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # recorded, not yet accepted by the receiver (retried with back-off)
    SENT = "sent"  # the receiver answered 2xx
    FAILED = "failed"  # given up (or refused for good); `ringcheck alerts retry` revives it


@dataclass(frozen=True, slots=True)
class AlertDelivery:
    """One alert on its way to one channel, as the outbox holds it."""

    id: int
    alert: Alert
    channel: AlertChannel
    status: DeliveryStatus
    tries: int = 0
    last_error: str | None = None
    next_try_at: datetime | None = None
    sent_at: datetime | None = None
