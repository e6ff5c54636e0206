"""Who am I, handsets (state, enable, disable, release), the audit log and tokens (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from robot.cli.tokens_cmd import token_dict
from robot.domain.access import Role
from robot.web import actions
from robot.web.deps import ActorDep, Admin, ConsoleDep, Operator, Viewer
from robot.web.queries import handset_spec, handsets
from robot.web.views import iso, page_json

router = APIRouter(prefix="/api", tags=["console"])


@router.get("/me", summary="The token behind this request and its role")
def me(principal: Viewer) -> dict[str, Any]:
    return {
        "name": principal.name,
        "role": principal.role.value,
        "via": principal.via,
        "may": {
            "read": True,
            "operate": principal.role.allows(Role.OPERATOR),
            "admin": principal.role.allows(Role.ADMIN),
        },
    }


@router.get("/handsets", summary="Every handset: state, lease, last screen")
def list_handsets(console: ConsoleDep, _: Viewer) -> dict[str, Any]:
    return page_json(handsets(console), None)


@router.get("/handsets/{handset_id}", summary="One handset")
def show_handset(handset_id: str, console: ConsoleDep, _: Viewer) -> dict[str, Any]:
    handset_spec(console, handset_id)
    return handsets(console, [handset_id])[0]


@router.post("/handsets/{handset_id}/enable", summary="Put a handset back in service (operator)")
def enable_handset(
    handset_id: str, console: ConsoleDep, _: Operator, actor: ActorDep
) -> dict[str, Any]:
    actions.set_enabled(console, actor, handset_id, True)
    return handsets(console, [handset_id])[0]


@router.post("/handsets/{handset_id}/disable", summary="Take a handset out of service (operator)")
def disable_handset(
    handset_id: str, console: ConsoleDep, _: Operator, actor: ActorDep
) -> dict[str, Any]:
    actions.set_enabled(console, actor, handset_id, False)
    return handsets(console, [handset_id])[0]


@router.post(
    "/handsets/{handset_id}/release",
    summary="Force-release a handset's lease (operator; a run that crashed)",
)
def release_handset(
    handset_id: str, console: ConsoleDep, _: Operator, actor: ActorDep
) -> dict[str, Any]:
    held_by = actions.release(console, actor, handset_id)
    return {**handsets(console, [handset_id])[0], "released_from": held_by}


@router.get("/audit", summary="Who signed in, triggered, cancelled, disabled what; newest first")
def audit(
    console: ConsoleDep,
    _: Viewer,
    action: str | None = None,
    actor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: int | None = None,
) -> dict[str, Any]:
    entries = console.audit.entries(before_id=before, limit=limit + 1, action=action, actor=actor)
    more = len(entries) > limit
    entries = entries[:limit]
    items = [
        {"id": e.id, "at": iso(e.at), "actor": e.actor, "role": e.role, "action": e.action,
         "target": e.target, "detail": e.detail, "source": e.source}
        for e in entries
    ]  # fmt: skip
    next_url = None
    if more and entries:
        from urllib.parse import urlencode

        query = {k: v for k, v in {"action": action, "actor": actor}.items() if v}
        next_url = "/api/audit?" + urlencode({**query, "limit": limit, "before": entries[-1].id})
    return page_json(items, next_url)


class TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Who or what uses it: a person, a CI job.")
    role: Role = Role.VIEWER
    once: bool = Field(default=False, description="A sign-in link's token (one browser, once).")


@router.get("/tokens", summary="Tokens (admin); never the tokens themselves")
def list_tokens(console: ConsoleDep, _: Admin) -> dict[str, Any]:
    return page_json([token_dict(t) for t in console.tokens.list()], None)


@router.post(
    "/tokens",
    status_code=status.HTTP_201_CREATED,
    summary="Create a token (admin); the answer holds it, shown this once",
)
def create_token(body: TokenBody, console: ConsoleDep, _: Admin, actor: ActorDep) -> dict[str, Any]:
    token, secret = actions.create_token(console, actor, body.name, body.role, once=body.once)
    return {**token_dict(token), "token": secret}


@router.delete("/tokens/{name}", summary="Revoke a token (admin); its browsers are signed out")
def revoke_token(name: str, console: ConsoleDep, _: Admin, actor: ActorDep) -> dict[str, Any]:
    return token_dict(actions.revoke_token(console, actor, name))
