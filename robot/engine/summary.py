"""What a run amounts to for the people and CI systems that read it.

A run is judged per *planned call*, not per try: a device error retried on another handset is
one planned call with two tries, and only its last try decides. Each planned call ends in one
of five kinds, so a broken robot never looks like a carrier regression:

    passed     every expectation held (a warning, e.g. a CNAM-truncated name, still passes)
    failed     an expectation was seen not to hold: the carrier or the number, not us
    uncertain  the handset rang but the reading could not decide a check
    error      the robot, its trunk or its signing failed (device_error, trunk_error,
               signing_rejected) or the call was interrupted: says nothing about the number
    skipped    somebody else's call rang the handset (foreign_call): kept, never judged

Exit codes of a run: 0 every planned call passed; 1 some did not (failed, uncertain, error);
3 the robot tested nothing (no planned call reached a handset or a network verdict).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field

from robot.domain.model import Attempt, CheckState, Delivery, Run, RunStatus

ROBOT_ERRORS = frozenset({Delivery.DEVICE_ERROR, Delivery.TRUNK_ERROR, Delivery.SIGNING_REJECTED})

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ROBOT_FAILED = 3


class Kind(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    ERROR = "error"
    SKIPPED = "skipped"


def kind_of(attempt: Attempt) -> Kind:
    """The kind of one try (see the module docstring)."""
    delivery = attempt.delivery
    if delivery is Delivery.FOREIGN_CALL:
        return Kind.SKIPPED
    if delivery is None or delivery in ROBOT_ERRORS or attempt.verdict is None:
        return Kind.ERROR
    outcome = attempt.verdict.outcome
    if outcome is CheckState.FAIL:
        return Kind.FAILED
    if outcome is CheckState.UNCERTAIN:
        return Kind.UNCERTAIN
    return Kind.PASSED


def cause_of(attempt: Attempt) -> str:
    """What a person should read about a try: the robot's own error for an error (the Appium
    server that is not reachable), the reasons of failed or uncertain checks otherwise."""
    kind = kind_of(attempt)
    delivery = attempt.delivery.value if attempt.delivery else "interrupted"
    if kind is Kind.ERROR:
        detail = attempt.error or (
            "; ".join(attempt.verdict.reasons) if attempt.verdict else "no verdict"
        )
        return f"{delivery}: {detail}"
    if kind is Kind.SKIPPED:
        return "somebody else's call rang the handset while ours was in flight: not judged"
    if attempt.verdict is None:
        return delivery
    if kind is Kind.PASSED:
        warnings = [c.reason for c in attempt.verdict.checks if c.state is CheckState.WARN]
        return "pass" + (f" (warning: {'; '.join(warnings)})" if warnings else "")
    return "; ".join(attempt.verdict.reasons)


@dataclass(frozen=True, slots=True)
class PlannedResult:
    """One planned call: its tries in order; the last one decides."""

    tries: tuple[Attempt, ...]

    @property
    def final(self) -> Attempt:
        return self.tries[-1]

    @property
    def kind(self) -> Kind:
        return kind_of(self.final)


def outcome_of(attempt: Attempt) -> Attempt:
    """`attempt` without its evidence: the reading, the SIP record and the phone's settings,
    which the store keeps (`ResultStore.attempt(id)`). What a summary reads (delivery, verdict,
    artifacts, error, times) stays."""
    if attempt.reading is None and attempt.sip is None and not attempt.settings:
        return attempt
    return dataclasses.replace(attempt, reading=None, sip=None, settings=())


@dataclass
class RunSummary:
    """A run and the outcome of each of its tries (`outcome_of`), kept until the run ends.

    Only outcomes: a run keeps every try it made, and a try's evidence (the reading, the SIP
    record and the settings snapshot: ~2 of the ~3.7 KB a try of the demo holds) would make the
    robot's memory grow with the run's length; it is in the store as soon as the try ends."""

    run: Run
    attempts: list[Attempt] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.attempts = [outcome_of(a) for a in self.attempts]

    def add(self, attempt: Attempt) -> None:
        self.attempts.append(outcome_of(attempt))

    def planned(self) -> list[PlannedResult]:
        """Tries grouped by planned call, in the order the calls were planned."""
        groups: dict[object, list[Attempt]] = {}
        for attempt in self.attempts:
            key: object = attempt.planned_call if attempt.planned_call is not None else attempt.id
            groups.setdefault(key, []).append(attempt)

        def order(key: object) -> tuple[int, int]:
            return (0, key) if isinstance(key, int) else (1, 0)

        return [PlannedResult(tuple(groups[k])) for k in sorted(groups, key=order)]

    def of_kind(self, kind: Kind) -> list[Attempt]:
        """The deciding tries of the planned calls that ended as `kind`."""
        return [p.final for p in self.planned() if p.kind is kind]

    @property
    def failed(self) -> list[Attempt]:
        """Planned calls whose expectations were seen not to hold."""
        return self.of_kind(Kind.FAILED)

    @property
    def robot_failed(self) -> bool:
        """Nothing reached a handset or a network verdict: the robot itself failed."""
        if self.run.status is RunStatus.FAILED:
            return True
        reached = {Kind.PASSED, Kind.FAILED, Kind.UNCERTAIN}
        if any(p.kind in reached for p in self.planned()):
            return False
        return self.run.status is not RunStatus.INTERRUPTED

    @property
    def passed(self) -> bool:
        return self.run.status is RunStatus.COMPLETED and all(
            p.kind in (Kind.PASSED, Kind.SKIPPED) for p in self.planned()
        )

    def exit_code(self) -> int:
        if self.robot_failed:
            return EXIT_ROBOT_FAILED
        return EXIT_PASSED if self.passed else EXIT_FAILED
