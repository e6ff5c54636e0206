"""Signals and when they alert: the pure rules behind every alert ringcheck sends.

A *signal* is one expectation of one scenario for one number on one carrier — (scenario,
number, carrier, check) — narrowed by the axes the scenario itself varies (the attestation level
of an attestation matrix, the phone's display state), because each value of an axis is its own
experiment: an unsigned call rightly lacks the badge a signed one shows.

Each judged attempt is an *observation* of its checks: `pass` (a warning passes) or `fail`.
An `uncertain` check is no observation at all: the reading could not decide, so it neither
confirms nor breaks a streak. Attempts that say nothing about the number are skipped whole: a
foreign call (somebody else's call rang the phone) is never judged, and `device_error`,
`trunk_error` and `signing_rejected` are the robot's or our trunk's problems, not what a
customer of the carrier sees.

A signal alerts when it fails on its first observation (a new number already labelled is news),
and whenever it flips — pass to fail or fail to pass — confirmed by the last N observations.
A signal that flips again alerts again. No I/O here: the store keeps each signal's memory.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .model import Attempt, AttemptStatus, Check, CheckState, Delivery

# Deliveries that are no observation of what a customer on the carrier sees.
NOT_OBSERVATIONS = frozenset(
    {
        Delivery.FOREIGN_CALL,  # somebody else's call: kept as evidence, never judged
        Delivery.DEVICE_ERROR,  # the robot could not observe the handset
        Delivery.TRUNK_ERROR,  # our trunk failed (auth, 5xx, no answer)
        Delivery.SIGNING_REJECTED,  # the network refused our Identity header: our setup
        Delivery.RINGING,  # SIP-only outcomes of `ringcheck dial`
        Delivery.ANSWERED,
    }
)

# The checks `judge` makes: what a signal's `check` and a scenario's `alerts.mute` name.
CHECKS = ("delivered", "blocked", "name", "verified", "no_label", "logo", "screen")
DEFAULT_CONFIRM = 2
MUTE_ALL = "*"


class Observation(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"


class AlertKind(enum.StrEnum):
    """Why a signal alerts."""

    FIRST_FAILURE = "first_failure"  # failed on its first observation
    REGRESSION = "regression"  # was passing, now failing (confirmed)
    RECOVERY = "recovery"  # was failing, now passing (confirmed)
    TEST = "test"  # `ringcheck alerts test`: not about any signal

    @property
    def failing(self) -> bool:
        return self in (AlertKind.FIRST_FAILURE, AlertKind.REGRESSION)


@dataclass(frozen=True, slots=True)
class SignalKey:
    """Identity of a signal; `variant` names the scenario axes the attempt ran under."""

    scenario: str
    number: str
    carrier: str
    check: str
    variant: str = ""


@dataclass(frozen=True, slots=True)
class SignalMemory:
    """What a signal remembers: its confirmed state and its most recent observations."""

    confirmed: Observation
    recent: tuple[Observation, ...]


@dataclass(frozen=True, slots=True)
class AlertChannel:
    """Where alerts go: a webhook of a kind (slack, teams, json) whose URL, a secret, is read
    from the environment variable `url_env` when an alert is sent, never stored."""

    name: str
    kind: str
    url_env: str


@dataclass(frozen=True, slots=True)
class AlertOptions:
    """A scenario's own `alerts:`. `channels` names project channels and `webhooks` defines
    channels of its own; with neither, the project's default channels get its alerts.
    `confirm` overrides the project's confirmation count; `mute` names checks that never
    alert (`*` mutes the whole scenario) while their signals are still followed."""

    channels: tuple[str, ...] = ()
    webhooks: tuple[AlertChannel, ...] = ()
    confirm: int | None = None
    mute: tuple[str, ...] = ()

    @property
    def own_channels(self) -> bool:
        return bool(self.channels or self.webhooks)

    def muted(self, check: str) -> bool:
        return MUTE_ALL in self.mute or check in self.mute


def variant_of(attempt: Attempt) -> str:
    """The scenario axes this attempt ran under, as part of its signals' identity."""
    parts = [f"attest={attempt.attestation.value}" if attempt.attestation else "attest=none"]
    if attempt.display_state is not None:
        parts.append(f"display={attempt.display_state.value}")
    return ",".join(parts)


def observations(attempt: Attempt) -> list[tuple[Check, Observation]]:
    """Each check of a judged attempt that observed pass or fail; nothing for an attempt that
    says nothing about the number (see NOT_OBSERVATIONS) or was interrupted."""
    if attempt.status is not AttemptStatus.COMPLETED or attempt.verdict is None:
        return []
    if attempt.delivery is None or attempt.delivery in NOT_OBSERVATIONS:
        return []
    seen: list[tuple[Check, Observation]] = []
    for check in attempt.verdict.checks:
        if check.state is CheckState.UNCERTAIN:
            continue  # the reading could not decide: neither pass nor fail
        seen.append((check, Observation.PASS if check.passed else Observation.FAIL))
    return seen


def advance(
    memory: SignalMemory | None, seen: Observation, confirm: int
) -> tuple[SignalMemory, AlertKind | None]:
    """The signal's memory after one more observation, and the alert it raises, if any.

    The first observation sets the state (and alerts when it fails); afterwards the state flips
    only when the last `confirm` observations all disagree with it.
    """
    confirm = max(1, confirm)
    if memory is None:
        first = SignalMemory(seen, (seen,))
        return first, AlertKind.FIRST_FAILURE if seen is Observation.FAIL else None
    recent = (*memory.recent, seen)[-confirm:]
    flipped = (
        seen is not memory.confirmed and len(recent) == confirm and all(r is seen for r in recent)
    )
    if not flipped:
        return SignalMemory(memory.confirmed, recent), None
    kind = AlertKind.REGRESSION if seen is Observation.FAIL else AlertKind.RECOVERY
    return SignalMemory(seen, recent), kind
