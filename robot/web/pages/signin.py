"""Signing a browser in with an API token, and out again.

The session cookie is HttpOnly, SameSite=Lax (an alert's link from Slack opens the page
signed in; a form posted from another site carries no cookie) and Secure whenever the console
is reached over HTTPS (directly, or behind a proxy that says so in X-Forwarded-Proto). Over
plain HTTP — the default on 127.0.0.1 — it cannot be Secure, or the browser would drop it;
the traffic then never leaves the machine. Serving another host over plain HTTP is warned
about at start (`ringcheck serve`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from robot.domain.access import Action
from robot.store.tokens import SESSION_TTL, ApiToken
from robot.web.auth import (
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    Principal,
    client_address,
    principal_of,
)
from robot.web.deps import console_of
from robot.web.pages.render import box_page

router = APIRouter(include_in_schema=False)

HOME = "/now"


def safe_next(target: str | None) -> str:
    """Only a path on this console: never another site (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME
    return target


def secure_request(request: Request) -> bool:
    return request.url.scheme == "https" or bool(request.app.state.secure_cookies)


def _cross_site(request: Request) -> bool:
    """A sign-in form posted from another site (login CSRF): refused."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin == "null"
    return urlsplit(origin).netloc != request.headers.get("host", "")


async def _signed_in(request: Request, token: ApiToken, next_path: str) -> Response:
    console = console_of(request)
    secret, _ = await run_in_threadpool(console.tokens.open_session, token)
    await run_in_threadpool(
        console.audit.record,
        token.name,
        Action.SIGN_IN.value,
        role=token.role.value,
        target=f"token {token.name}",
        source=client_address(request),
    )
    response = RedirectResponse(safe_next(next_path), status_code=303)
    secure = secure_request(request)
    response.set_cookie(
        SECURE_SESSION_COOKIE if secure else SESSION_COOKIE,
        secret,
        max_age=int(SESSION_TTL.total_seconds()),
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    return response


async def _failed(request: Request, message: str, next_path: str) -> Response:
    console = console_of(request)
    await run_in_threadpool(
        console.audit.record,
        "(unknown)",
        Action.SIGN_IN_FAILED.value,
        source=client_address(request),
    )
    return box_page(401, "Sign in", message, signin=True, next_path=safe_next(next_path))


@router.get("/signin")
async def signin_page(request: Request, once: str | None = None, next: str = HOME) -> Response:
    """The sign-in form (401 until signed in); `?once=TOKEN` is a one-time sign-in link."""
    console = console_of(request)
    if once:
        token = await run_in_threadpool(console.tokens.redeem_once, once)
        if token is None:
            return await _failed(
                request,
                "This sign-in link was used already or is not valid. Sign in with a token.",
                next,
            )
        return await _signed_in(request, token, next)
    cookie = request.cookies.get(SECURE_SESSION_COOKIE) or request.cookies.get(SESSION_COOKIE)
    if cookie and await run_in_threadpool(console.tokens.session, cookie) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    message = (
        "You are signed out."
        if "out" in request.query_params
        else ("Sign in with your API token to use the ringcheck console.")
    )
    return box_page(401, "Sign in", message, signin=True, next_path=safe_next(next))


@router.post("/signin")
async def signin(
    request: Request,
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    if _cross_site(request):
        return box_page(403, "Not allowed", "Sign in from the console's own page.", signin=True)
    console = console_of(request)
    secret = token.strip()
    found = await run_in_threadpool(console.tokens.verify, secret) if secret else None
    if found is None and secret:
        found = await run_in_threadpool(console.tokens.redeem_once, secret)
    if found is None:
        return await _failed(
            request,
            "That token is not valid (mistyped, revoked, or a sign-in link used already).",
            next,
        )
    return await _signed_in(request, found, next)


@router.post("/signout")
async def signout(request: Request) -> Response:
    principal: Principal = principal_of(request)
    console = console_of(request)
    cookie = request.cookies.get(SECURE_SESSION_COOKIE) or request.cookies.get(SESSION_COOKIE)
    if cookie:
        await run_in_threadpool(console.tokens.close_session, cookie)
    await run_in_threadpool(
        console.audit.record,
        principal.name,
        Action.SIGN_OUT.value,
        role=principal.role.value,
        source=client_address(request),
    )
    response = RedirectResponse("/signin?out=1", status_code=303)
    for name in (SESSION_COOKIE, SECURE_SESSION_COOKIE):
        response.delete_cookie(name, path="/", secure=name == SECURE_SESSION_COOKIE)
    return response
