"""What a carrier shows for one of our numbers, and the changes worth telling someone about.

A label can flap from call to call, so a state only counts once N consecutive attempts agree;
a change is the difference between two confirmed states. Pure functions, no I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from robot.domain.model import Attempt, AttemptStatus, Delivery, Tristate
from robot.domain.names import fold

# Deliveries that say nothing about the carrier: the robot or the trunk failed.
_NO_EVIDENCE = frozenset(
    {Delivery.DEVICE_ERROR, Delivery.TRUNK_ERROR, Delivery.RINGING, Delivery.ANSWERED}
)


@dataclass(frozen=True, slots=True)
class ShownState:
    """What a customer on one carrier saw when one of our numbers called."""

    delivery: str
    label: str | None = None
    verified: str = Tristate.UNKNOWN.value
    name: str | None = None
    final_code: int | None = None


class ChangeKind(enum.StrEnum):
    NEWLY_LABELLED = "newly_labelled"
    LABEL_CHANGED = "label_changed"
    LABEL_CLEARED = "label_cleared"
    BADGE_LOST = "badge_lost"
    BADGE_GAINED = "badge_gained"
    NEWLY_BLOCKED = "newly_blocked"
    UNBLOCKED = "unblocked"
    NAME_CHANGED = "name_changed"
    NOW_DROPPED = "now_dropped"

    @property
    def regression(self) -> bool:
        return self in _REGRESSIONS


_REGRESSIONS = frozenset(
    {
        ChangeKind.NEWLY_LABELLED,
        ChangeKind.LABEL_CHANGED,
        ChangeKind.BADGE_LOST,
        ChangeKind.NEWLY_BLOCKED,
        ChangeKind.NAME_CHANGED,
        ChangeKind.NOW_DROPPED,
    }
)


@dataclass(frozen=True, slots=True)
class Change:
    number: str
    carrier: str
    kind: ChangeKind
    before: ShownState
    after: ShownState
    attempt_id: int | None = None
    evidence: str | None = None

    @property
    def key(self) -> str:
        """Identity of this change, so a retried or repeated delivery is sent once."""
        return f"{self.number}|{self.carrier}|{self.kind.value}|{_state_key(self.after)}"

    def describe(self) -> str:
        words = {
            ChangeKind.NEWLY_LABELLED: f"now labelled {self.after.label!r}",
            ChangeKind.LABEL_CHANGED: f"label {self.before.label!r} -> {self.after.label!r}",
            ChangeKind.LABEL_CLEARED: f"label {self.before.label!r} cleared",
            ChangeKind.BADGE_LOST: "verified badge lost",
            ChangeKind.BADGE_GAINED: "verified badge gained",
            ChangeKind.NEWLY_BLOCKED: f"now blocked ({self.after.final_code})",
            ChangeKind.UNBLOCKED: "no longer blocked",
            ChangeKind.NAME_CHANGED: f"name {self.before.name!r} -> {self.after.name!r}",
            ChangeKind.NOW_DROPPED: "calls now dropped silently",
        }
        return f"{self.number} on {self.carrier}: {words[self.kind]}"


def _state_key(state: ShownState) -> str:
    return f"{state.delivery}/{state.label}/{state.verified}/{state.name}/{state.final_code}"


def shown_state(attempt: Attempt) -> ShownState | None:
    """The state an attempt shows, or None when it is no evidence about the carrier."""
    if attempt.status is not AttemptStatus.COMPLETED or attempt.delivery is None:
        return None
    if attempt.delivery in _NO_EVIDENCE:
        return None
    reading = attempt.reading
    if attempt.delivery is not Delivery.DELIVERED or reading is None:
        code = attempt.sip.final_code if attempt.sip else None
        blocked = attempt.delivery in (Delivery.BLOCKED, Delivery.DECLINED)
        return ShownState(attempt.delivery.value, final_code=code if blocked else None)
    return ShownState(
        delivery=Delivery.DELIVERED.value,
        label=reading.spam_label,
        verified=reading.verified.value,
        name=fold(reading.name) if reading.name else None,
    )


def confirmed(recent: Sequence[ShownState], needed: int) -> ShownState | None:
    """The state when the last `needed` states agree, else None (still flapping)."""
    if needed < 1 or len(recent) < needed:
        return None
    last = recent[-needed:]
    return last[0] if all(s == last[0] for s in last) else None


def changes_between(
    number: str, carrier: str, before: ShownState, after: ShownState
) -> list[Change]:
    """Every change a person cares about between two confirmed states, regressions first."""
    kinds: list[ChangeKind] = []
    was_blocked = before.delivery in ("blocked", "declined")
    is_blocked = after.delivery in ("blocked", "declined")
    if is_blocked and not was_blocked:
        kinds.append(ChangeKind.NEWLY_BLOCKED)
    elif was_blocked and not is_blocked:
        kinds.append(ChangeKind.UNBLOCKED)
    if after.delivery == "silent_drop" and before.delivery != "silent_drop":
        kinds.append(ChangeKind.NOW_DROPPED)
    if before.delivery == after.delivery == "delivered":
        kinds += _screen_changes(before, after)
    ordered = sorted(kinds, key=lambda k: not k.regression)
    return [Change(number, carrier, kind, before, after) for kind in ordered]


def _screen_changes(before: ShownState, after: ShownState) -> list[ChangeKind]:
    kinds = []
    if after.label and not before.label:
        kinds.append(ChangeKind.NEWLY_LABELLED)
    elif before.label and not after.label:
        kinds.append(ChangeKind.LABEL_CLEARED)
    elif before.label and after.label and fold(before.label) != fold(after.label):
        kinds.append(ChangeKind.LABEL_CHANGED)
    if before.verified == "yes" and after.verified == "no":
        kinds.append(ChangeKind.BADGE_LOST)
    elif before.verified == "no" and after.verified == "yes":
        kinds.append(ChangeKind.BADGE_GAINED)
    if before.name and after.name and before.name != after.name:
        kinds.append(ChangeKind.NAME_CHANGED)
    return kinds
