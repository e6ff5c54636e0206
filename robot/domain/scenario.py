"""Scenarios and the plan they expand into: which numbers call which handsets, and how.

Pure data and a pure planner; loading YAML lives in `robot.scenario`, running in the engine.
"""

from __future__ import annotations

import dataclasses
import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from .alerts import AlertOptions
from .model import (
    Attestation,
    CheckState,
    DialerKind,
    DisplayState,
    Expectations,
    Handset,
    Number,
    OutcomeExpectation,
    Platform,
    Trunk,
    VerifiedExpectation,
)


class EndBy(enum.StrEnum):
    """How a test call ends once the screen is captured."""

    CANCEL = "cancel"
    DECLINE = "decline"
    RING_OUT = "ring_out"


class Pairing(enum.StrEnum):
    MATRIX = "matrix"
    SAMPLED = "sampled"


class DnoChoice(enum.StrEnum):
    """Whether Do-Not-Originate (inbound-only) numbers are dialled: they must be blocked."""

    EXCLUDE = "exclude"
    INCLUDE = "include"
    ONLY = "only"


@dataclass(frozen=True, slots=True)
class NumberSelector:
    """Explicit numbers and/or tags; empty means every number that may originate calls."""

    numbers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    do_not_originate: DnoChoice = DnoChoice.EXCLUDE


@dataclass(frozen=True, slots=True)
class HandsetSelector:
    carriers: tuple[str, ...] = ()
    platforms: tuple[Platform, ...] = ()
    dialers: tuple[DialerKind, ...] = ()
    tags: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CallOptions:
    """How each call is placed. `signings` lists the attestation levels to sign with (None:
    unsigned, whatever the trunk); `signing_from_trunk` means the scenario did not say, so each
    call is signed as its trunk is set up (resolved before the run, see `robot.prepare`)."""

    capture_after_s: float = 2.0
    ring_timeout_s: float = 30.0
    end_by: EndBy = EndBy.CANCEL
    signings: tuple[Attestation | None, ...] = (None,)
    signing_from_trunk: bool = False
    frames: int = 2
    rcd_name: str | None = None
    rcd_logo_url: str | None = None
    call_reason: str | None = None
    displays: tuple[DisplayState, ...] = (DisplayState.LOCKED,)


@dataclass(frozen=True, slots=True)
class ExpectationSpec:
    """What to expect; `name=None` means "the number's expected display name"."""

    name: str | None = None
    check_name: bool = True
    verified: VerifiedExpectation = VerifiedExpectation.ANY
    no_label: bool = True
    outcome: OutcomeExpectation | None = None
    truncated_name: CheckState = CheckState.WARN  # WARN or FAIL


@dataclass(frozen=True, slots=True)
class Schedule:
    """A cron expression in a time zone, or a plain interval (`every_s`, for sandboxes)."""

    cron: str | None = None
    timezone: str = "UTC"
    every_s: float | None = None

    def describe(self) -> str:
        if self.cron is not None:
            return f"{self.cron} ({self.timezone})"
        return f"every {self.every_s:g}s"


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local times between which no test call rings a real phone (may wrap midnight)."""

    start: str
    end: str
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str = ""
    schedule: Schedule | None = None
    numbers: NumberSelector = NumberSelector()
    handsets: HandsetSelector = HandsetSelector()
    pairing: Pairing = Pairing.MATRIX
    sample_size: int | None = None
    repeats: int = 1
    call: CallOptions = CallOptions()
    expect: ExpectationSpec = ExpectationSpec()
    min_interval_per_number_s: float = 0.0
    device_error_retries: int = 1
    daily_budget_per_number: int | None = None
    daily_budget_per_handset: int | None = None
    quiet_hours: QuietHours | None = None
    alerts: AlertOptions = field(default_factory=AlertOptions)
    source: str = ""


@dataclass(frozen=True, slots=True)
class PlannedCall:
    """One test call of a run: this number calls this handset, expecting this."""

    index: int
    number: Number
    handset: Handset
    attestation: Attestation | None
    expectations: Expectations
    repeat: int = 0
    display_state: DisplayState = DisplayState.LOCKED


def select_numbers(selector: NumberSelector, numbers: Sequence[Number]) -> list[Number]:
    chosen = []
    for number in numbers:
        if selector.numbers and number.e164 not in selector.numbers:
            continue
        if selector.tags and not set(selector.tags) & set(number.tags):
            continue
        dno = selector.do_not_originate
        if dno is DnoChoice.ONLY and not number.do_not_originate:
            continue
        explicit = number.e164 in selector.numbers
        if number.do_not_originate and dno is DnoChoice.EXCLUDE and not explicit:
            continue
        chosen.append(number)
    return chosen


def select_handsets(selector: HandsetSelector, handsets: Sequence[Handset]) -> list[Handset]:
    def wanted(h: Handset) -> bool:
        return (
            h.enabled
            and (not selector.ids or h.id in selector.ids)
            and (not selector.carriers or h.carrier in selector.carriers)
            and (not selector.platforms or h.platform in selector.platforms)
            and (not selector.dialers or h.dialer in selector.dialers)
            and (not selector.tags or bool(set(selector.tags) & set(h.tags)))
        )

    return [h for h in handsets if wanted(h)]


def expectations_for(spec: ExpectationSpec, number: Number) -> Expectations:
    """A Do-Not-Originate number must be blocked unless the scenario says otherwise."""
    if spec.outcome is not None:
        outcome = spec.outcome
    elif number.do_not_originate:
        outcome = OutcomeExpectation.BLOCKED
    else:
        outcome = OutcomeExpectation.DELIVERED
    name = (spec.name or number.expected_name) if spec.check_name else None
    return Expectations(
        name=name,
        verified=spec.verified,
        no_label=spec.no_label,
        outcome=outcome,
        truncated_name=spec.truncated_name,
    )


def plan(
    scenario: Scenario,
    numbers: Sequence[Number],
    handsets: Sequence[Handset],
    *,
    seed: int | None = None,
) -> list[PlannedCall]:
    """Expand a scenario into calls: every (number, handset) pair, or a seeded sample of them,
    once per attestation level asked for (an attestation matrix), per display state and per
    repeat."""
    chosen_numbers = select_numbers(scenario.numbers, numbers)
    chosen_handsets = select_handsets(scenario.handsets, handsets)
    width = len(chosen_handsets)
    every: Sequence[int] = range(len(chosen_numbers) * width)  # i: number i // w, handset i % w
    if scenario.pairing is Pairing.SAMPLED and scenario.sample_size is not None:
        # sampled by index: a million numbers never become six million pairs in memory
        rng = random.Random(seed)
        every = rng.sample(every, min(scenario.sample_size, len(every)))
    pairs = [(chosen_numbers[i // width], chosen_handsets[i % width]) for i in every]
    calls: list[PlannedCall] = []
    for repeat in range(scenario.repeats):
        for attestation in scenario.call.signings:
            for display in scenario.call.displays:
                for number, handset in pairs:
                    calls.append(
                        PlannedCall(
                            index=len(calls),
                            number=number,
                            handset=handset,
                            attestation=attestation,
                            expectations=expectations_for(scenario.expect, number),
                            repeat=repeat,
                            display_state=display,
                        )
                    )
    return calls


def trunk_for_call(trunk: Trunk | None, attestation: Attestation | None) -> Trunk | None:
    """A call planned without an attestation is dialled unsigned, even on a trunk that signs:
    the unsigned baseline of an attestation study must not be signed behind its back."""
    if attestation is None and trunk is not None and trunk.signing is not None:
        return dataclasses.replace(trunk, signing=None)
    return trunk
