"""One planned call, as both executors make it: the in-process run and a farm-site worker.

Its turn for the number (pacing), its place in the daily budgets, then the call itself
(`start_call`: up to the call's end; the run reads the screen off the handset's thread) or
the whole attempt (`make_call`: a worker's job, read and recorded before it ends).
What a scenario says about how calls are made travels with each call (`CallRules`), so a
worker on another host needs no scenario file to make it exactly as planned.
"""

from __future__ import annotations

from dataclasses import dataclass

from robot.domain.model import Attempt, Run
from robot.domain.scenario import CallOptions, PlannedCall, Scenario
from robot.engine.attempt import EndedCall, end_call
from robot.engine.environment import Environment


@dataclass(frozen=True, slots=True)
class CallRules:
    """How each call of a run is made and limited (from its scenario)."""

    options: CallOptions = CallOptions()  # noqa: RUF009 (frozen, shared safely)
    min_interval_per_number_s: float = 0.0
    device_error_retries: int = 1
    daily_budget_per_number: int | None = None
    daily_budget_per_handset: int | None = None

    @classmethod
    def of(cls, scenario: Scenario) -> CallRules:
        return cls(
            options=scenario.call,
            min_interval_per_number_s=scenario.min_interval_per_number_s,
            device_error_retries=scenario.device_error_retries,
            daily_budget_per_number=scenario.daily_budget_per_number,
            daily_budget_per_handset=scenario.daily_budget_per_handset,
        )


@dataclass(frozen=True, slots=True)
class CallResult:
    """The attempt made, or why the call was not made (`skipped`), or neither (stopping)."""

    attempt: Attempt | None = None
    skipped: str | None = None


@dataclass(frozen=True, slots=True)
class StartedCall:
    """The call made up to its end (its screen still to read), or why it was not made
    (`skipped`), or neither (stopping)."""

    ended: EndedCall | None = None
    skipped: str | None = None


def start_call(env: Environment, run: Run, call: PlannedCall, rules: CallRules) -> StartedCall:
    """Wait for the number's turn, count the call against the budgets, and make the call."""
    if env.pacing is not None and not env.pacing.wait_turn(
        call.number.e164, rules.min_interval_per_number_s, env.stop
    ):
        return StartedCall()
    if env.stop.is_set():
        return StartedCall()
    if env.budgets is not None:
        reason = env.budgets.claim(
            call.number.e164,
            call.handset.id,
            rules.daily_budget_per_number,
            rules.daily_budget_per_handset,
        )
        if reason is not None:
            return StartedCall(skipped=f"{call.number.e164} -> {call.handset.id}: {reason}")
    return StartedCall(ended=end_call(env, run, call, rules.options))


def make_call(env: Environment, run_id: int, call: PlannedCall, rules: CallRules) -> CallResult:
    """`start_call`, then the screen read, judged and recorded: the whole attempt."""
    run = Run(scenario="", trigger="", started_at=env.clock.now(), id=run_id)
    started = start_call(env, run, call, rules)
    if started.ended is None:
        return CallResult(skipped=started.skipped)
    return CallResult(attempt=started.ended.finish())
