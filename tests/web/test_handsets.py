"""A handset disabled in the console is out of every run planned after it, from the console
or the shell (one state, in the store), and back once enabled; the audit log says who."""

from __future__ import annotations

import httpx

from robot.domain.access import Role
from tests.web.conftest import ConsoleServer

HANDSET = "pixel8-tmo"


def _planned(client: httpx.Client) -> tuple[set[str], dict[str, str]]:
    """Handsets the nightly plan calls, and those it leaves out with the reason."""
    params = {"ignore_quiet_hours": True}
    response = client.get("/api/scenarios/nightly-regression/plan", params=params)
    assert response.status_code == 200, response.text
    plan = response.json()
    skipped = {s["handset"]: s["reason"] for s in plan["handsets_skipped"]}
    return {c["handset"] for c in plan["calls"]}, skipped


def test_a_disabled_handset_is_left_out_of_the_plan(console_server: ConsoleServer) -> None:
    assert console_server.served is not None
    with console_server.client(Role.OPERATOR) as client:
        used, skipped = _planned(client)
        assert HANDSET in used and HANDSET not in skipped
        assert client.post(f"/api/handsets/{HANDSET}/disable").json()["state"] == "disabled"
        try:
            used, skipped = _planned(client)
            assert HANDSET not in used and "disabled" in skipped[HANDSET]
            listed = {h["id"]: h["state"] for h in client.get("/api/handsets").json()["items"]}
            assert listed[HANDSET] == "disabled"
            # the shell reads the same state the console wrote
            state = console_server.served.console.store.handset_state
            assert state.enabled_override(HANDSET) is False
        finally:
            assert client.post(f"/api/handsets/{HANDSET}/enable").json()["state"] == "ready"
        used, skipped = _planned(client)
        assert HANDSET in used and HANDSET not in skipped
    with console_server.client(Role.VIEWER) as viewer:
        audit = viewer.get("/api/audit", params={"actor": "operator"}).json()["items"]
    assert [(e["action"], e["target"]) for e in audit[:2]] == [
        ("handset.enable", f"handset {HANDSET}"), ("handset.disable", f"handset {HANDSET}"),
    ]  # fmt: skip
