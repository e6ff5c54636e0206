"""One planned call as a queue job's arguments (plain JSON), and back.

A job carries everything that decides how its call is made and judged (number, handset,
attestation, display state, expectations, the scenario's call options and limits), so a
worker on another host makes exactly the call the planner planned; the number's and the
handset's own settings (trunk, logo, Appium endpoint) come from the worker's project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from robot.config.project import Project
from robot.domain.model import (
    Attestation,
    CheckState,
    DisplayState,
    Expectations,
    Number,
    OutcomeExpectation,
    VerifiedExpectation,
)
from robot.domain.scenario import CallOptions, EndBy, PlannedCall
from robot.engine.call import CallRules
from robot.errors import ConfigError


@dataclass(frozen=True, slots=True)
class CallJob:
    """What one job asks a worker to do."""

    run_id: int
    call: PlannedCall
    rules: CallRules
    failed_on: tuple[str, ...] = ()  # handsets this planned call already failed on
    retries_left: int = 0


def encode(job: CallJob) -> dict[str, Any]:
    call, rules, options = job.call, job.rules, job.rules.options
    expect = call.expectations
    return {
        "run_id": job.run_id,
        "index": call.index,
        "number": call.number.e164,
        "handset": call.handset.id,
        "attestation": call.attestation.value if call.attestation else None,
        "display_state": call.display_state.value,
        "repeat": call.repeat,
        "expect": {
            "name": expect.name,
            "verified": expect.verified.value,
            "no_label": expect.no_label,
            "outcome": expect.outcome.value,
            "truncated_name": expect.truncated_name.value,
        },
        "options": {
            "capture_after_s": options.capture_after_s,
            "ring_timeout_s": options.ring_timeout_s,
            "end_by": options.end_by.value,
            "frames": options.frames,
            "rcd_name": options.rcd_name,
            "rcd_logo_url": options.rcd_logo_url,
            "call_reason": options.call_reason,
        },
        "min_interval_per_number_s": rules.min_interval_per_number_s,
        "device_error_retries": rules.device_error_retries,
        "daily_budget_per_number": rules.daily_budget_per_number,
        "daily_budget_per_handset": rules.daily_budget_per_handset,
        "failed_on": list(job.failed_on),
        "retries_left": job.retries_left,
    }


def decode(data: dict[str, Any], project: Project) -> CallJob:
    """The job for this worker's project; a number or handset it does not know is a
    config error (the project files differ between hosts)."""
    number = _number(str(data["number"]), project)
    handset_id = str(data["handset"])
    handset = next((h for h in project.handsets if h.id == handset_id), None)
    if handset is None:
        raise ConfigError(
            f"handset {handset_id} is not in this worker's farm file: deploy the same project"
            " files to every host"
        )
    expect = data["expect"]
    opts = data["options"]
    attestation = data.get("attestation")
    options = CallOptions(
        capture_after_s=float(opts["capture_after_s"]),
        ring_timeout_s=float(opts["ring_timeout_s"]),
        end_by=EndBy(opts["end_by"]),
        frames=int(opts["frames"]),
        rcd_name=opts.get("rcd_name"),
        rcd_logo_url=opts.get("rcd_logo_url"),
        call_reason=opts.get("call_reason"),
    )
    call = PlannedCall(
        index=int(data["index"]),
        number=number,
        handset=handset,
        attestation=Attestation(attestation) if attestation else None,
        expectations=Expectations(
            name=expect.get("name"),
            verified=VerifiedExpectation(expect["verified"]),
            no_label=bool(expect["no_label"]),
            outcome=OutcomeExpectation(expect["outcome"]),
            truncated_name=CheckState(expect["truncated_name"]),
        ),
        repeat=int(data.get("repeat", 0)),
        display_state=DisplayState(data["display_state"]),
    )
    rules = CallRules(
        options=options,
        min_interval_per_number_s=float(data["min_interval_per_number_s"]),
        device_error_retries=int(data["device_error_retries"]),
        daily_budget_per_number=data.get("daily_budget_per_number"),
        daily_budget_per_handset=data.get("daily_budget_per_handset"),
    )
    return CallJob(
        run_id=int(data["run_id"]),
        call=call,
        rules=rules,
        failed_on=tuple(str(h) for h in data.get("failed_on", ())),
        retries_left=int(data.get("retries_left", 0)),
    )


def _number(e164: str, project: Project) -> Number:
    for number in project.numbers:
        if number.e164 == e164:
            return number
    raise ConfigError(
        f"number {e164} is not in this worker's numbers files: deploy the same project files"
        " to every host"
    )
