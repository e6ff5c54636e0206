"""The web console and REST API as one ASGI app (FastAPI), built around a `Console`.

Every request passes the `AuthGate` (token or session, role, CSRF) and leaves with security
headers: a CSP without inline scripts on pages, no sniffing, no framing, no caching of data.
`/healthz` is the only route open to anyone; the OpenAPI document is at `/api/openapi.json`
(for signed-in clients, like the rest).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from robot import __version__
from robot.web import errors
from robot.web.api import admin as api_admin
from robot.web.api import results as api_results
from robot.web.api import runs as api_runs
from robot.web.auth import Authenticator, AuthGate
from robot.web.console import Console
from robot.web.deps import Viewer
from robot.web.errors import ApiError, error_response, wants_json
from robot.web.pages import calls, manage, overview, signin
from robot.web.pages.render import PAGE_CSP, box_page, environment

DEFAULT_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
STATIC = {
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
    "report.css": "text/css; charset=utf-8",
}


class SecurityHeaders:
    """ASGI middleware: headers every answer gets unless a route set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {key.lower() for key, _ in headers}
                extra = list(DEFAULT_HEADERS)
                extra.append((b"content-security-policy", PAGE_CSP.encode()))
                extra.append((b"cache-control", b"no-store"))
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def unauthenticated(scope: Scope, why: str) -> Response:
    """401: JSON for the API and scripts, the sign-in form for a browser."""
    if wants_json(scope):
        return error_response(scope, 401, why, {"WWW-Authenticate": 'Bearer realm="ringcheck"'})
    query = scope.get("query_string", b"").decode("latin-1")
    here = scope["path"] + (f"?{query}" if query else "")
    return box_page(401, "Sign in", why, signin=True, next_path=here)


@functools.cache
def static_file(name: str) -> bytes:
    if name == "report.css":
        from reports.render import template_environment

        return template_environment().get_template("style.css.j2").render().encode("utf-8")
    return resources.files("robot.web").joinpath("static", name).read_bytes()


def warm_templates() -> None:
    """Compile the pages' templates now rather than on the first person's first click."""
    env = environment()
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html.j2")):
        env.get_template(name)


def create_app(console: Console, *, secure_cookies: bool = False) -> FastAPI:
    """The app for `console`. `secure_cookies` forces Secure session cookies (behind a TLS
    proxy that does not send X-Forwarded-Proto); over HTTPS they are Secure anyway."""
    app = FastAPI(
        title="ringcheck console and API",
        version=__version__,
        description=(
            "Trigger scenarios, follow runs live, browse attempts and their evidence, operate "
            "handsets and read weekly reports. Authenticate with `Authorization: Bearer TOKEN` "
            "(`ringcheck tokens create NAME --role viewer|operator|admin`). Errors are "
            '`{"error": {"status": N, "message": "..."}}`; lists page with `next`.'
        ),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.console = console
    app.state.secure_cookies = secure_cookies
    errors.install(app)
    for router in (
        api_runs.router,
        api_results.router,
        api_admin.router,
        signin.router,
        overview.router,
        calls.router,
        manage.router,
    ):
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi(_: Viewer) -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str, request: Request, _: Viewer) -> Response:
        if name not in STATIC:
            raise ApiError(404, f"no static file {name!r}")
        return Response(
            static_file(name),
            media_type=STATIC[name],
            headers={"Cache-Control": "private, max-age=300"},
        )

    warm_templates()
    app.add_middleware(
        AuthGate, authenticator=Authenticator(console.tokens), unauthenticated=unauthenticated
    )
    app.add_middleware(SecurityHeaders)
    return app
