"""Errors as a person can act on them: JSON `{"error": {"status", "message"}}` under `/api/`
(and for clients that do not ask for HTML), a page with the same message for browsers.

Our own exceptions map to statuses here: bad input 400, a run that must not start now or has
no handset 409, the store unreachable 503; anything else is a bug in ringcheck (500, logged).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from robot.engine.guards import RunRefused
from robot.errors import NoHandsetError, RingcheckError, StoreError, UsageError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer that is not a success, with a message saying what to do."""

    def __init__(
        self, status: int, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    def response(self, scope: Scope) -> Response:
        return error_response(scope, self.status, self.message, self.headers)


def wants_json(scope: Scope) -> bool:
    if str(scope.get("path", "")).startswith("/api/"):
        return True
    accept = ""
    for key, value in scope.get("headers", ()):
        if key == b"accept":
            accept = value.decode("latin-1")
    return "text/html" not in accept


def error_response(
    scope: Scope, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    if wants_json(scope):
        return JSONResponse(
            {"error": {"status": status, "message": message}}, status, headers=dict(headers or {})
        )
    from robot.web.pages.render import error_box  # the page needs the templates

    response = error_box(status, message)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def status_of(exc: RingcheckError) -> int:
    if isinstance(exc, RunRefused | NoHandsetError):
        return 409
    if isinstance(exc, UsageError):
        return 400
    if isinstance(exc, StoreError):
        return 503
    return 500


def validation_message(errors: Sequence[Any]) -> str:
    """`query limit: Input should be less than or equal to 500` for each problem."""
    parts = []
    for error in errors:
        where = [str(p) for p in error.get("loc", ()) if p not in ("body",)]
        place = " ".join(where) if where else "request"
        parts.append(f"{place}: {error.get('msg', 'is not valid')}")
    return "; ".join(parts) or "the request is not valid"


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return exc.response(request.scope)

    @app.exception_handler(RingcheckError)
    async def ringcheck_error(request: Request, exc: RingcheckError) -> Response:
        status = status_of(exc)
        if status == 500:
            log.error("%s %s failed: %s", request.method, request.url.path, exc)
        return error_response(request.scope, status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request.scope, 422, validation_message(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path} (the API is listed at /api/openapi.json)"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(request.scope, exc.status_code, message, exc.headers)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return error_response(
            request.scope,
            500,
            f"internal error ({type(exc).__name__}); this is a bug in ringcheck, please report "
            "it with the serve log",
        )
