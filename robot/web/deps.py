"""Route dependencies shared by the API and the pages: the console, the caller and its role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from robot.domain.access import Role
from robot.web.actions import Actor
from robot.web.auth import Principal, client_address, principal_of, require
from robot.web.console import Console


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def actor_of(request: Request) -> Actor:
    return Actor(principal_of(request), client_address(request))


ConsoleDep = Annotated[Console, Depends(console_of)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
ActorDep = Annotated[Actor, Depends(actor_of)]
