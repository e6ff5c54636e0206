"""What the console changes, each written to the audit log with who did it and from where.

Pages (forms) and the API call the same functions, so both are audited alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from robot.domain.access import Action, Role
from robot.domain.model import Run, RunStatus
from robot.store.tokens import ApiToken
from robot.web.auth import Principal
from robot.web.console import Console
from robot.web.errors import ApiError
from robot.web.launcher import RunRequest
from robot.web.queries import handset_spec, run_record


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts (a principal) and from where (client address), for the audit log."""

    principal: Principal
    source: str | None

    def record(self, console: Console, action: Action, target: str, **detail: object) -> None:
        console.audit.record(
            self.principal.name,
            action.value,
            role=self.principal.role.value,
            target=target,
            detail=detail or None,
            source=self.source,
        )


def trigger(console: Console, actor: Actor, request: RunRequest) -> Run:
    run = console.launcher.start(request, actor=actor.principal.name)
    actor.record(
        console,
        Action.RUN_TRIGGER,
        f"run {run.id}",
        scenario=run.scenario,
        planned_calls=run.planned_calls,
        numbers=list(request.only.numbers),
        carriers=list(request.only.carriers),
    )
    return run


def cancel(console: Console, actor: Actor, run_id: int) -> None:
    record = run_record(console, run_id)
    if record.run.status is not RunStatus.RUNNING:
        raise ApiError(409, f"run {run_id} is not running (it is {record.run.status.value})")
    if not console.launcher.cancel(run_id, actor=actor.principal.name):
        who = record.cancel_requested_by or "somebody"
        raise ApiError(409, f"run {run_id} is being cancelled already (asked by {who})")
    actor.record(console, Action.RUN_CANCEL, f"run {run_id}", scenario=record.run.scenario)


def set_enabled(console: Console, actor: Actor, handset_id: str, enabled: bool) -> None:
    handset_spec(console, handset_id)
    console.store.handset_state.set_enabled(handset_id, enabled)
    action = Action.HANDSET_ENABLE if enabled else Action.HANDSET_DISABLE
    actor.record(console, action, f"handset {handset_id}")


def release(console: Console, actor: Actor, handset_id: str) -> str | None:
    """Force-release a handset's lease; returns who held it (None: it was free)."""
    handset_spec(console, handset_id)
    holder = console.store.leases.holder(handset_id)
    released = console.store.leases.release(handset_id, None)
    actor.record(
        console,
        Action.HANDSET_RELEASE,
        f"handset {handset_id}",
        held_by=holder if released else None,
    )
    return holder if released else None


def create_token(
    console: Console, actor: Actor, name: str, role: Role, *, once: bool = False
) -> tuple[ApiToken, str]:
    token, secret = console.tokens.create(
        name, role, created_by=f"{actor.principal.name} (console)", once=once
    )
    actor.record(console, Action.TOKEN_CREATE, f"token {token.name}", role=role.value, once=once)
    return token, secret


def revoke_token(console: Console, actor: Actor, ref: str) -> ApiToken:
    token = console.tokens.revoke(ref, by=f"{actor.principal.name} (console)")
    actor.record(console, Action.TOKEN_REVOKE, f"token {token.name}")
    return token
