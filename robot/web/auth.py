"""Who is asking, and may they: tokens, browser sessions, roles and CSRF, enforced for every
request by one ASGI middleware (`AuthGate`) so a new route cannot forget it.

- A request carries `Authorization: Bearer TOKEN`, or the session cookie a browser got by
  signing in with a token. Nothing else is accepted; only `/healthz` (for supervisors) and the
  sign-in route itself (which checks the token it is given) answer without one.
- A request that changes something (any method but GET/HEAD/OPTIONS) needs an operator or
  admin, except signing out; routes ask for more with `require(Role.ADMIN)`.
- A browser's changing request must also carry the session's CSRF token, as the `csrf` form
  field or the `X-CSRF-Token` header; a bearer token is never sent by a browser on its own,
  so API clients need none.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from robot.domain.access import Role
from robot.store.tokens import ApiToken, SqlTokens
from robot.web.errors import ApiError

SESSION_COOKIE = "ringcheck_session"
SECURE_SESSION_COOKIE = "__Host-ringcheck_session"  # only ever set with Secure
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
PUBLIC_PATHS = frozenset({"/healthz"})
SIGN_IN_PATH = "/signin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ANY_ROLE_MAY_POST = frozenset({"/signout"})
FORM_BODY_MAX = 64 * 1024
TOUCH_EVERY_S = 60.0

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An API token from `ringcheck tokens create NAME --role viewer|operator|admin`.",
)


@dataclass(frozen=True, slots=True)
class Principal:
    """The token behind a request, and how it came (`bearer` or a browser `session`)."""

    token: ApiToken
    via: str
    csrf: str | None = None

    @property
    def name(self) -> str:
        return self.token.name

    @property
    def role(self) -> Role:
        return self.token.role


class Authenticator:
    """Turns a request's credentials into a `Principal` (store lookups by hash)."""

    def __init__(self, tokens: SqlTokens) -> None:
        self._tokens = tokens
        self._touched: dict[int, float] = {}
        self._lock = threading.Lock()

    def authenticate(
        self, headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> Principal | None:
        authorization = headers.get("authorization")
        if authorization is not None:
            scheme, _, secret = authorization.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                return None
            token = self._tokens.verify(secret.strip())
            principal = Principal(token, "bearer") if token is not None else None
        else:
            cookie = cookies.get(SECURE_SESSION_COOKIE) or cookies.get(SESSION_COOKIE)
            session = self._tokens.session(cookie) if cookie else None
            principal = Principal(session.token, "session", session.csrf) if session else None
        if principal is not None:
            self._touch(principal.token.id)
        return principal

    def _touch(self, token_id: int) -> None:
        """Record the token's last use, at most once a minute (it is a write)."""
        now = time.monotonic()
        with self._lock:
            if now - self._touched.get(token_id, -TOUCH_EVERY_S) < TOUCH_EVERY_S:
                return
            self._touched[token_id] = now
        self._tokens.touch(token_id)


Unauthenticated = Callable[[Scope, str], Awaitable[Response]]


class AuthGate:
    """ASGI middleware: every request is authenticated, role-checked and CSRF-checked here."""

    def __init__(
        self, app: ASGIApp, *, authenticator: Authenticator, unauthenticated: Unauthenticated
    ) -> None:
        self.app = app
        self._auth = authenticator
        self._unauthenticated = unauthenticated

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        if scope["path"] == SIGN_IN_PATH:  # checks the token it is given itself
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        headers = {k: v for k, v in request.headers.items()}
        principal = await run_in_threadpool(self._auth.authenticate, headers, request.cookies)
        if principal is None:
            response = await self._unauthenticated(scope, _why_not(headers, request.cookies))
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        if scope["method"] not in SAFE_METHODS:
            refusal = _role_refusal(principal, scope["path"])
            if refusal is None and principal.via == "session":
                refusal, receive = await _csrf_refusal(principal, request, receive)
            if refusal is not None:
                await refusal.response(scope)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _why_not(headers: Mapping[str, str], cookies: Mapping[str, str]) -> str:
    if "authorization" in headers:
        return (
            "the token in the Authorization header is not valid (mistyped, revoked, or a "
            "sign-in link's token); send `Authorization: Bearer TOKEN`"
        )
    if cookies.get(SESSION_COOKIE) or cookies.get(SECURE_SESSION_COOKIE):
        return "your session has ended (signed out, expired, or its token was revoked): sign in"
    return (
        "sign in first: send `Authorization: Bearer TOKEN`, or sign in with a token in the "
        "browser (create one with `ringcheck tokens create NAME --role viewer`)"
    )


def _role_refusal(principal: Principal, path: str) -> ApiError | None:
    if path in ANY_ROLE_MAY_POST or principal.role.allows(Role.OPERATOR):
        return None
    return forbidden(principal, Role.OPERATOR)


def forbidden(principal: Principal, needed: Role) -> ApiError:
    return ApiError(
        403,
        f"this needs the {needed.value} role; token {principal.name!r} has the "
        f"{principal.role.value} role (ask an admin for a token with that role)",
    )


async def _csrf_refusal(
    principal: Principal, request: Request, receive: Receive
) -> tuple[ApiError | None, Receive]:
    """Compare the CSRF token of a browser's changing request with its session's. A form's
    body is read here and handed on unchanged to the route."""
    sent = request.headers.get(CSRF_HEADER)
    replay = receive
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if sent is None and content_type == "application/x-www-form-urlencoded":
        body, complete = await _read_body(receive, FORM_BODY_MAX)
        if not complete:
            return ApiError(413, f"a form may hold at most {FORM_BODY_MAX} bytes"), receive
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(CSRF_FIELD, [])
        sent = values[0] if values else None
        replay = _replaying(body, receive)
    expected = principal.csrf or ""
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        return (
            ApiError(
                403,
                "this form is missing its CSRF token or it does not match your session "
                "(reload the page and try again; scripts send the X-CSRF-Token header)",
            ),
            replay,
        )
    return None, replay


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def principal_of(request: Request) -> Principal:
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):  # the gate always sets it; never anonymous
        raise ApiError(401, "sign in first")
    return principal


def require(role: Role) -> Callable[..., Principal]:
    """A route dependency: the request's principal, refused (403) below `role`. It also puts
    the bearer scheme in the OpenAPI document."""

    def dependency(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Security(bearer_scheme),  # noqa: B008
    ) -> Principal:
        del credentials  # checked by the gate; declared for the OpenAPI document
        principal = principal_of(request)
        if not principal.role.allows(role):
            raise forbidden(principal, role)
        return principal

    dependency.__name__ = f"require_{role.value}"
    return dependency


def client_address(request: Request) -> str | None:
    client = request.client
    return client.host if client is not None else None
