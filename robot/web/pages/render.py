"""Rendering the console's pages: Jinja2 with autoescaping on, so every piece of text from a
screen, a network or a file lands as text; the report's stylesheet for the look.

Pages carry no inline script (the CSP forbids it); the sign-in and error pages carry a small
inline stylesheet, allowed by its hash, because they are shown before anyone signs in.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.responses import HTMLResponse

from robot.domain.access import Role
from robot.web.auth import Principal

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
NAV = (
    ("/now", "Now", "now"),
    ("/matrix", "Matrix", "matrix"),
    ("/scenarios", "Scenarios", "scenarios"),
    ("/runs", "Runs", "runs"),
    ("/attempts", "Calls", "attempts"),
    ("/handsets", "Handsets", "handsets"),
    ("/reports", "Reports", "reports"),
    ("/audit", "Audit", "audit"),
)
ADMIN_NAV = (("/tokens", "Tokens", "tokens"),)
# store/states.py value → word, icon and the report's CSS class: the colour is never alone
STATE_WORDS: dict[str | None, tuple[str, str, str]] = {
    "verified": ("Clean and verified", "✔", "clean_verified"),
    "clean": ("Clean", "✓", "clean"),
    "labelled": ("Labelled", "⚠", "labelled"),
    "misnamed": ("Misnamed", "≠", "misnamed"),
    "blocked": ("Blocked", "✖", "blocked"),
    "not_delivered": ("Not delivered", "∅", "undelivered"),
    "error": ("Robot error", "!", "not_tested"),
    None: ("Not tested", "–", "not_tested"),
}
LEGEND = ("verified", "clean", "labelled", "misnamed", "blocked", "not_delivered", None)
FLASHES = {
    "started": "Run {} started.",
    "cancelled": "Run {} is being cancelled: its calls end now.",
    "enabled": "Handset {} is in service.",
    "disabled": "Handset {} is out of service: runs leave it out.",
    "released": "Handset {}: lease released.",
    "revoked": "Token {} revoked: its browsers are signed out.",
}

BOX_CSS = (
    "body{margin:0;font:15px/1.45 system-ui,'DejaVu Sans',Arial,sans-serif;color:#1b1f24;"
    "background:#f6f8fa}.box{max-width:520px;margin:60px auto;background:#fff;padding:24px 28px;"
    "border:1px solid #d0d7de;border-top:3px solid #1b1f24}h1{font-size:22px;margin:0 0 8px}"
    ".message{color:#57606a;overflow-wrap:anywhere}label{display:block;margin:14px 0 4px;"
    "font-weight:600}input{width:100%;padding:6px 8px;font:inherit;border:1px solid #d0d7de}"
    "button{margin-top:12px;padding:6px 16px;font:inherit;background:#0072B2;color:#fff;"
    "border:0;border-radius:4px}.hint{font-size:13px;color:#57606a}code{font-size:12px}"
    "a{color:#0072B2}"
)
BOX_CSP = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(BOX_CSS.encode()).digest()).decode()
    + "'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("robot.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["STATE_WORDS"] = STATE_WORDS
    env.globals["LEGEND"] = LEGEND
    return env


def _when(zone: ZoneInfo) -> Any:
    def when(moment: datetime | None) -> str:
        if moment is None:
            return "—"
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")

    def when_iso(text: str | None) -> str:
        return when(datetime.fromisoformat(text)) if text else "—"

    return when, when_iso


def page(
    request: Request, template: str, *, title: str, page_id: str, **context: Any
) -> HTMLResponse:
    """A console page for the signed-in principal (CSRF token and role on the page)."""
    from robot.web.deps import console_of  # pages and deps import each other's modules

    principal: Principal = request.state.principal
    console = console_of(request)
    project = console.project()
    zone = _zone(project.timezone)
    when, when_iso = _when(zone)
    nav = NAV + (ADMIN_NAV if principal.role.allows(Role.ADMIN) else ())
    flashes = [
        text.format(request.query_params[key])
        for key, text in FLASHES.items()
        if key in request.query_params
    ]
    html = (
        environment()
        .get_template(template)
        .render(
            title=title,
            page_id=page_id,
            me=principal,
            csrf=principal.csrf or "",
            operator=principal.role.allows(Role.OPERATOR),
            nav=nav,
            flashes=flashes,
            project_name=project.project_dir.name,
            zone=str(zone),
            when=when,
            when_iso=when_iso,
            day=lambda moment: moment.astimezone(UTC).strftime("%a %Y-%m-%d"),
            last_day=lambda period: (
                (period.end - timedelta(microseconds=1)).astimezone(UTC).strftime("%a %Y-%m-%d")
            ),
            **context,
        )
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_CSP})


def box_page(
    status: int, heading: str, message: str, *, signin: bool = False, next_path: str = "/now"
) -> HTMLResponse:
    """The sign-in form or an error, shown with its own small stylesheet."""
    html = (
        environment()
        .get_template("error.html.j2")
        .render(
            status=status,
            heading=heading,
            message=message,
            signin=signin,
            next=next_path,
            css=Markup(BOX_CSS),  # our constant; its hash is in BOX_CSP
        )
    )
    return HTMLResponse(html, status, headers={"Content-Security-Policy": BOX_CSP})


def error_box(status: int, message: str) -> HTMLResponse:
    """An error as a page a person can act on (the same message as the API's JSON)."""
    heading = {
        400: "That did not work", 401: "Sign in", 403: "Not allowed", 404: "Not found",
        409: "Not now", 413: "Too large", 422: "That did not work",
        503: "The store is unavailable",
    }.get(status, "Something went wrong")  # fmt: skip
    return box_page(status, heading, message)
