"""The pure alert rules: which attempts observe what, and when a signal alerts."""

from __future__ import annotations

import pytest

from robot.domain.alerts import (
    AlertKind,
    AlertOptions,
    Observation,
    SignalMemory,
    advance,
    observations,
    variant_of,
)
from robot.domain.model import AttemptStatus, Attestation, Delivery, DisplayState
from tests.alerts.factory import attempt, reading

P, F = Observation.PASS, Observation.FAIL
FIRST, REG, REC = AlertKind.FIRST_FAILURE, AlertKind.REGRESSION, AlertKind.RECOVERY


def _run(sequence: list[Observation], confirm: int) -> list[AlertKind | None]:
    memory: SignalMemory | None = None
    raised = []
    for seen in sequence:
        memory, kind = advance(memory, seen, confirm)
        raised.append(kind)
    return raised


@pytest.mark.parametrize(
    ("sequence", "confirm", "expected"),
    [
        # first sight: a failure is news, a pass is a baseline
        ([F], 2, [FIRST]),
        ([P], 2, [None]),
        ([F, F, F], 2, [FIRST, None, None]),
        # a flip needs `confirm` agreeing observations
        ([P, F], 2, [None, None]),
        ([P, F, F], 2, [None, None, REG]),
        ([P, F, P, F], 2, [None, None, None, None]),  # flapping never confirms
        ([P, F, F, P, P], 2, [None, None, REG, None, REC]),
        # flipping again alerts again
        ([P, F, F, P, P, F, F], 2, [None, None, REG, None, REC, None, REG]),
        ([F, P, F], 1, [FIRST, REC, REG]),
        ([P, F, F, F], 3, [None, None, None, REG]),
        # confirm below 1 behaves as 1
        ([P, F], 0, [None, REG]),
    ],
)
def test_when_a_signal_alerts(sequence, confirm, expected) -> None:
    assert _run(sequence, confirm) == expected


def test_checks_observe_pass_and_fail_and_uncertain_observes_nothing() -> None:
    labelled = attempt(reading("Scam Likely"))
    seen = {check.expectation: obs for check, obs in observations(labelled)}
    assert seen == {"delivered": P, "name": P, "no_label": F}

    doubtful = attempt(reading(uncertain=("name",)))
    # the judge may mark a check uncertain; such a check is no observation
    from dataclasses import replace

    from robot.domain.model import Check, CheckState, Verdict

    assert doubtful.verdict is not None
    checks = tuple(
        Check(c.expectation, CheckState.UNCERTAIN, "names disagree") if c.expectation == "name"
        else c for c in doubtful.verdict.checks
    )  # fmt: skip
    doubtful = replace(doubtful, verdict=Verdict(checks))
    assert "name" not in {c.expectation for c, _ in observations(doubtful)}
    warned = replace(
        doubtful,
        verdict=Verdict(
            tuple(
                Check(c.expectation, CheckState.WARN, "truncated") if c.expectation == "name"
                else c for c in checks
            )
        ),
    )  # fmt: skip
    assert dict((c.expectation, o) for c, o in observations(warned))["name"] is P


@pytest.mark.parametrize(
    "delivery",
    [
        Delivery.FOREIGN_CALL,
        Delivery.DEVICE_ERROR,
        Delivery.TRUNK_ERROR,
        Delivery.SIGNING_REJECTED,
        Delivery.RINGING,
        Delivery.ANSWERED,
    ],
)
def test_robot_problems_and_foreign_calls_are_no_observation(delivery) -> None:
    assert observations(attempt(delivery=delivery)) == []


@pytest.mark.parametrize(
    "delivery", [Delivery.BLOCKED, Delivery.SILENT_DROP, Delivery.VOICEMAIL, Delivery.REJECTED]
)
def test_a_call_that_did_not_reach_the_phone_observes_only_its_outcome(delivery) -> None:
    assert [(c.expectation, o) for c, o in observations(attempt(delivery=delivery))] == [
        ("delivered", F)
    ]


def test_interrupted_attempts_are_no_observation() -> None:
    assert observations(attempt(status=AttemptStatus.INTERRUPTED)) == []


def test_the_axes_a_scenario_varies_are_part_of_the_signal() -> None:
    from dataclasses import replace

    assert variant_of(attempt(attestation=Attestation.B)) == "attest=B"
    assert variant_of(attempt(attestation=None)) == "attest=none"
    locked = replace(attempt(), display_state=DisplayState.LOCKED)
    assert variant_of(locked) == "attest=A,display=locked"


def test_mute_names_checks_or_everything() -> None:
    assert AlertOptions(mute=("no_label",)).muted("no_label")
    assert not AlertOptions(mute=("no_label",)).muted("name")
    assert AlertOptions(mute=("*",)).muted("delivered")
    assert not AlertOptions().own_channels
    assert AlertOptions(channels=("ops",)).own_channels
