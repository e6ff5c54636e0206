"""Runs from the API against the virtual farm, in `ringcheck serve --web-only`: trigger,
follow, cancel — and the farm's ground truth says no call is left up."""

from __future__ import annotations

import pytest

from robot.domain.access import Role
from tests.support.peers import wait_until
from tests.web.conftest import FarmConsole

pytestmark = pytest.mark.slow


def test_a_cancelled_run_ends_its_calls(farm_console: FarmConsole) -> None:
    with farm_console.client(Role.OPERATOR) as client:
        started = client.post("/api/runs", json={"scenario": "demo", "seed": 1})
        assert started.status_code == 202, started.text
        run = started.json()
        assert run["status"] == "running" and run["planned_calls"] == 48
        assert started.headers["location"] == f"/api/runs/{run['id']}"
        wait_until(lambda: farm_console.live_calls() > 0, 60, "calls on the farm")

        cancelled = client.post(f"/api/runs/{run['id']}/cancel")
        assert cancelled.status_code == 202, cancelled.text
        assert cancelled.json()["cancel_requested_by"] == "otto"

        def ended() -> bool:
            return client.get(f"/api/runs/{run['id']}").json()["status"] != "running"

        wait_until(ended, 60, "the run to end")
        wait_until(lambda: farm_console.live_calls() == 0, 30, "no live call on the farm")
        shown = client.get(f"/api/runs/{run['id']}").json()
        assert shown["status"] == "interrupted" and shown["note"] == "cancelled by otto"
        assert shown["finished_attempts"] < 48  # it stopped: the rest were never dialled
        again = client.post(f"/api/runs/{run['id']}/cancel")
        assert again.status_code == 409 and "not running" in again.json()["error"]["message"]
        calls = client.get(f"/api/runs/{run['id']}/attempts").json()["items"]
        assert calls and all(c["status"] != "in_progress" for c in calls)
    with farm_console.client(Role.VIEWER) as viewer:
        audit = viewer.get("/api/audit", params={"actor": "otto"}).json()["items"]
    targets = [(e["action"], e["target"]) for e in audit]
    assert ("run.cancel", f"run {run['id']}") in targets
    assert ("run.trigger", f"run {run['id']}") in targets


def test_a_viewer_cannot_trigger_or_cancel(farm_console: FarmConsole) -> None:
    with farm_console.client(Role.VIEWER) as viewer:
        refused = viewer.post("/api/runs", json={"scenario": "smoke"})
        assert refused.status_code == 403
        assert "operator" in refused.json()["error"]["message"]
        assert viewer.post("/api/runs/1/cancel").status_code == 403
        assert viewer.get("/api/runs").json()["items"] is not None


def test_a_refused_run_says_why_and_dials_nothing(farm_console: FarmConsole) -> None:
    with farm_console.client(Role.OPERATOR) as client:
        before = client.get("/api/runs").json()["count"]
        refused = client.post("/api/runs", json={"scenario": "smoke", "carriers": ["Sprint"]})
        assert refused.status_code == 400
        assert "sim-tmobile" in refused.json()["error"]["message"]
        assert client.get("/api/runs").json()["count"] == before
        plan = client.get("/api/scenarios/smoke/plan", params={"carrier": "T-Mobile", "seed": 3})
        assert plan.status_code == 200
        assert {c["carrier"] for c in plan.json()["calls"]} <= {"sim-tmobile"}
