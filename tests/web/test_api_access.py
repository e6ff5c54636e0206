"""Who may reach what, over real HTTP: every route of the app is enumerated, so a route added
later is covered without anyone remembering to add it here."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from openapi_spec_validator import validate
from starlette.routing import Route

from robot.domain.access import Role
from tests.web.conftest import ConsoleServer

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC = {("GET", "/healthz")}
ANY_SIGNED_IN_MAY = {("POST", "/signout")}
SIGN_IN = {("GET", "/signin"), ("POST", "/signin")}  # anonymous by nature: it checks the token
ADMIN_ONLY = {
    ("GET", "/api/tokens"), ("POST", "/api/tokens"), ("DELETE", "/api/tokens/{name}"),
    ("GET", "/tokens"), ("POST", "/tokens"), ("POST", "/tokens/{token_id}/revoke"),
}  # fmt: skip
SAMPLE = {
    "run_id": "1", "attempt_id": "1", "kind": "screenshot", "name": "no-such-scenario",
    "handset_id": "pixel8-tmo", "iso_week": "2026-W48", "token_id": "1", "action": "enable",
    "path": "x",
}  # fmt: skip


def routes(server: ConsoleServer) -> Iterator[tuple[str, str]]:
    """Every (method, path template) the app answers."""
    assert server.served is not None
    from robot.web.app import create_app

    app = create_app(server.served.console)
    for route in _walk(app.routes):
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                yield method, route.path


def _walk(found: list[Any]) -> Iterator[APIRoute | Route]:
    """Routes, including those of included routers (FastAPI keeps them behind a wrapper that
    holds the router; the router's own routes carry their full paths)."""
    for route in found:
        router = getattr(route, "original_router", None)
        if router is not None:
            yield from _walk(router.routes)
        elif isinstance(route, APIRoute | Route):
            yield route
        else:
            raise AssertionError(f"a route of an unknown kind: {route!r}")


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: SAMPLE.get(m.group(1), "1"), path)


def test_the_app_has_the_routes_this_test_expects(console_server: ConsoleServer) -> None:
    found = set(routes(console_server))
    assert len(found) > 40
    assert found >= PUBLIC | SIGN_IN | ANY_SIGNED_IN_MAY | ADMIN_ONLY
    for method, path in found:
        assert not set(re.findall(r"\{(\w+)", path)) - set(SAMPLE), (method, path)


def test_nothing_but_healthz_answers_without_a_token(console_server: ConsoleServer) -> None:
    with console_server.client() as client:
        for method, path in routes(console_server):
            response = client.request(method, concrete(path))
            if (method, path) in PUBLIC:
                assert response.status_code == 200, path
                continue
            assert response.status_code == 401, (method, path, response.text[:200])
            if path.startswith("/api/"):
                assert response.headers["www-authenticate"].startswith("Bearer")
                assert "Bearer" in response.json()["error"]["message"]
        # not even a path that does not exist tells an anonymous client anything
        assert client.get("/api/nothing-here").status_code == 401
        bad = client.get("/api/runs", headers={"Authorization": "Bearer rc_not-a-real-token"})
        assert bad.status_code == 401
        assert "not valid" in bad.json()["error"]["message"]


def test_a_browser_without_a_session_gets_the_sign_in_form(console_server: ConsoleServer) -> None:
    with console_server.client() as client:
        page = client.get("/attempts/7?x=1", headers={"Accept": "text/html"})
    assert page.status_code == 401
    assert 'action="/signin"' in page.text and 'value="/attempts/7?x=1"' in page.text
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR])
def test_a_role_below_the_route_gets_403(console_server: ConsoleServer, role: Role) -> None:
    with console_server.client(role) as client:
        for method, path in routes(console_server):
            if (method, path) in PUBLIC | SIGN_IN | ANY_SIGNED_IN_MAY:
                continue
            needs_more = (method, path) in ADMIN_ONLY or (method in UNSAFE and role is Role.VIEWER)
            response = client.request(method, concrete(path), json={})
            if needs_more:
                assert response.status_code == 403, (method, path, response.text[:200])
                message = response.json()["error"]["message"]
                assert f"has the {role.value} role" in message
            else:
                assert response.status_code != 403, (method, path, response.text[:200])


@contextlib.contextmanager
def _signed_in(server: ConsoleServer, role: Role) -> Iterator[tuple[httpx.Client, str]]:
    """A browser-like client signed in with a token: its session cookie and CSRF token."""
    with server.client(follow_redirects=False) as client:
        yield client, _sign_in(client, server, role)


def _sign_in(client: httpx.Client, server: ConsoleServer, role: Role) -> str:
    response = client.post(
        "/signin", data={"token": server.tokens.of(role), "next": "/now"},
        headers={"Accept": "text/html"},
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/now"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback: a Secure cookie would be dropped
    page = client.get("/now", headers={"Accept": "text/html"})
    assert page.status_code == 200
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def test_a_browser_session_needs_the_csrf_token_on_every_change(
    console_server: ConsoleServer,
) -> None:
    with _signed_in(console_server, Role.ADMIN) as (client, csrf):
        for method, path in routes(console_server):
            if method not in UNSAFE or (method, path) in SIGN_IN:
                continue
            url = concrete(path)
            missing = client.request(method, url, data={"x": "1"}, headers={"Accept": "text/html"})
            assert missing.status_code == 403, (method, path)
            assert "CSRF" in missing.text
            wrong = client.request(method, url, headers={"X-CSRF-Token": csrf + "x"})
            assert wrong.status_code == 403, (method, path)
        # with the token, a form goes through (and the route sees its other fields)
        done = client.post(
            "/handsets/pixel8-tmo/disable", data={"csrf": csrf}, headers={"Accept": "text/html"}
        )
        assert done.status_code == 303 and "disabled=pixel8-tmo" in done.headers["location"]
        api = client.post("/api/handsets/pixel8-tmo/enable", headers={"X-CSRF-Token": csrf})
        assert api.status_code == 200 and api.json()["enabled"] is True


def test_bearer_clients_need_no_csrf_token(console_server: ConsoleServer) -> None:
    with console_server.client(Role.OPERATOR) as client:
        response = client.post("/api/handsets/pixel8-tmo/disable")
        assert response.status_code == 200 and response.json()["state"] == "disabled"
        assert client.post("/api/handsets/pixel8-tmo/enable").json()["state"] == "ready"
        audit = client.get("/api/audit", params={"actor": "operator"}).json()["items"]
    assert [e["action"] for e in audit[:2]] == ["handset.enable", "handset.disable"]
    assert audit[0]["target"] == "handset pixel8-tmo" and audit[0]["source"] == "127.0.0.1"


def test_signing_out_ends_the_session(console_server: ConsoleServer) -> None:
    with _signed_in(console_server, Role.VIEWER) as (client, csrf):
        out = client.post("/signout", data={"csrf": csrf}, headers={"Accept": "text/html"})
        assert out.status_code == 303
        assert client.get("/api/now").status_code == 401


def test_revoking_a_token_signs_its_browsers_out(console_server: ConsoleServer) -> None:
    assert console_server.served is not None
    tokens = console_server.served.console.tokens
    _, secret = tokens.create("temp", Role.OPERATOR, created_by="test")
    with console_server.client(follow_redirects=False) as browser:
        browser.post("/signin", data={"token": secret})
        assert browser.get("/api/me").json()["name"] == "temp"
        with console_server.client(Role.ADMIN) as admin:
            assert admin.delete("/api/tokens/temp").json()["revoked_by"]
        assert browser.get("/api/me").status_code == 401
    with console_server.client() as client:
        gone = client.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert gone.status_code == 401


def test_a_sign_in_link_works_once(console_server: ConsoleServer) -> None:
    assert console_server.served is not None
    link = console_server.served.sign_in_link("link-test", Role.VIEWER)
    path = link.removeprefix(console_server.url)
    with console_server.client(follow_redirects=False) as browser:
        first = browser.get(path, headers={"Accept": "text/html"})
        assert first.status_code == 303 and first.headers["location"] == "/now"
        assert browser.get("/api/me").json()["role"] == "viewer"
    with console_server.client(follow_redirects=False) as other:
        again = other.get(path, headers={"Accept": "text/html"})
        assert again.status_code == 401 and "used already" in again.text
        secret = path.split("once=", 1)[1]
        as_bearer = other.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
        assert as_bearer.status_code == 401


def test_sign_in_refuses_other_sites_and_foreign_redirects(console_server: ConsoleServer) -> None:
    with console_server.client(follow_redirects=False) as client:
        forged = client.post(
            "/signin", data={"token": console_server.tokens.viewer},
            headers={"Origin": "https://evil.example"},
        )  # fmt: skip
        assert forged.status_code == 403
        away = client.post(
            "/signin", data={"token": console_server.tokens.viewer, "next": "//evil.example/x"}
        )
        assert away.status_code == 303 and away.headers["location"] == "/now"
        wrong = client.post("/signin", data={"token": "rc_wrong"})
        assert wrong.status_code == 401
    with console_server.client(Role.ADMIN) as admin:
        failed = admin.get("/api/audit", params={"action": "sign_in_failed"}).json()["items"]
    assert failed and "rc_wrong" not in str(failed)


def test_the_openapi_document_validates(console_server: ConsoleServer) -> None:
    with console_server.client(Role.VIEWER) as client:
        spec = client.get("/api/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    for path in (
        "/api/runs", "/api/runs/{run_id}/cancel", "/api/attempts",
        "/api/attempts/{attempt_id}/evidence/{kind}", "/api/handsets/{handset_id}/disable",
        "/api/reports/{iso_week}", "/api/scenarios/{name}/plan", "/api/audit",
    ):  # fmt: skip
        assert path in paths, path
    assert not any(p.startswith(("/now", "/signin", "/static")) for p in paths)
    assert "bearer" in str(spec["components"]["securitySchemes"]).lower()


def test_errors_say_what_to_do(console_server: ConsoleServer) -> None:
    with console_server.client(Role.OPERATOR) as client:
        unknown = client.post("/api/runs", json={"scenario": "smok"})
        assert unknown.status_code == 400
        assert "smoke" in unknown.json()["error"]["message"]  # did you mean
        extra = client.post("/api/runs", json={"scenario": "smoke", "carier": ["x"]})
        assert extra.status_code == 422 and "carier" in extra.json()["error"]["message"]
        carrier = client.get("/api/attempts", params={"carrier": "Sprint"})
        assert carrier.status_code == 400 and "sim-tmobile" in carrier.json()["error"]["message"]
        outcome = client.get("/api/attempts", params={"outcome": "blockd"})
        assert "blocked" in outcome.json()["error"]["message"]
        since = client.get("/api/attempts", params={"since": "last tuesday"})
        assert since.status_code == 400 and "ISO week" in since.json()["error"]["message"]
        missing = client.get("/api/attempts/999999")
        assert missing.status_code == 404 and "no attempt 999999" in missing.text
        handset = client.post("/api/handsets/nokia/disable")
        assert handset.status_code == 404 and "pixel8-tmo" in handset.text
        week = client.get("/api/reports/2026-W99")
        assert week.status_code == 400
        page = client.get("/api/runs", params={"limit": 0})
        assert page.status_code == 422 and "limit" in page.json()["error"]["message"]


def test_pages_carry_a_csp_without_inline_scripts(console_server: ConsoleServer) -> None:
    with console_server.client(Role.VIEWER) as client:
        for path in ("/now", "/matrix", "/scenarios", "/handsets", "/audit", "/attempts"):
            page = client.get(path, headers={"Accept": "text/html"})
            assert page.status_code == 200, path
            csp = page.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert page.headers["x-frame-options"] == "DENY"
            assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None, path


def test_admins_make_and_revoke_tokens_in_the_browser(console_server: ConsoleServer) -> None:
    with _signed_in(console_server, Role.ADMIN) as (client, csrf):
        made = client.post(
            "/tokens", data={"csrf": csrf, "name": "ci-job", "role": "operator"},
            headers={"Accept": "text/html"},
        )  # fmt: skip
        assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
        found = re.search(r'<code id="new-token">(rc_[^<]+)</code>', made.text)
        assert found is not None
        secret = found.group(1)
        with console_server.client() as api:
            me = api.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).json()
            assert me["name"] == "ci-job" and me["role"] == "operator"
            listed = client.get("/api/tokens", headers={"X-CSRF-Token": csrf}).json()["items"]
            token_id = next(
                t["id"] for t in listed if t["name"] == "ci-job" and not t["revoked_at"]
            )
            assert secret not in str(listed)
            gone = client.post(f"/tokens/{token_id}/revoke", data={"csrf": csrf})
            assert gone.status_code == 303
            again = api.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
            assert again.status_code == 401


def test_releasing_a_handset_says_who_held_it(console_server: ConsoleServer) -> None:
    assert console_server.served is not None
    leases = console_server.served.console.store.leases
    assert leases.acquire("pixel8-tmo", "a-crashed-run", 300)
    with console_server.client(Role.OPERATOR) as client:
        busy = client.get("/api/handsets/pixel8-tmo").json()
        assert busy["state"] == "busy" and busy["leased_by"] == "a-crashed-run"
        released = client.post("/api/handsets/pixel8-tmo/release").json()
    assert released["released_from"] == "a-crashed-run" and released["state"] == "ready"
