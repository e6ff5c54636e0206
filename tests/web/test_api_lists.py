"""The lists of the REST API as a script uses them: filters by number, carrier, scenario,
date and outcome pick exactly the calls they name, and following `next` pages through a
list once, newest first, with the filters kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from robot.domain.access import Role
from robot.domain.model import (
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Delivery,
    Run,
    SipEvent,
    SipOutcome,
)
from tests.web.conftest import ConsoleServer

DAY = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)  # a Tuesday of 2026-W47
CALLS = [  # number, carrier, delivery, days after DAY
    ("+12025550101", "sim-tmobile", Delivery.DELIVERED, 0),
    ("+12025550101", "sim-att", Delivery.BLOCKED, 0),
    ("+12025550102", "sim-tmobile", Delivery.DELIVERED, 1),
    ("+12025550102", "sim-att", Delivery.DELIVERED, 1),
    ("+12025550101", "sim-tmobile", Delivery.BLOCKED, 8),  # the week after
    ("+12125550103", "sim-verizon", Delivery.DELIVERED, 8),
    ("+12025550101", "sim-att", Delivery.DELIVERED, 9),
]


@pytest.fixture(scope="module")
def recorded(console_server: ConsoleServer) -> dict[str, list[int]]:
    """Two runs of two scenarios: attempt ids per scenario, in the order of CALLS."""
    assert console_server.served is not None
    store = console_server.served.console.store
    ids: dict[str, list[int]] = {}
    for scenario, calls in (("weekly", CALLS[:4]), ("recheck", CALLS[4:])):
        run = store.start_run(Run(scenario=scenario, trigger="manual", started_at=DAY))
        assert run.id is not None
        for number, carrier, delivery, days in calls:
            at = DAY + timedelta(days=days)
            blocked = delivery is Delivery.BLOCKED
            attempt = store.record_attempt(
                Attempt(
                    run_id=run.id, number=number, carrier=carrier, handset_id=None,
                    times=AttemptTimes(dialed_at=at, captured_at=at, ended_at=at),
                    status=AttemptStatus.COMPLETED, delivery=delivery,
                    sip=SipOutcome(
                        call_id=f"{scenario}-{len(ids.get(scenario, []))}@x",
                        events=(SipEvent(603 if blocked else 200, "x", 5.0),),
                        final_code=603 if blocked else 200, final_phrase="x",
                    ),
                )
            )  # fmt: skip
            assert attempt.id is not None
            ids.setdefault(scenario, []).append(attempt.id)
        store.finish_run(Run(scenario, "manual", DAY, id=run.id))
    return ids


def _all_pages(client: httpx.Client, url: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list, following `next`; and how many pages that took."""
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    page = response.json()
    items, pages = list(page["items"]), 1
    while page["next"] is not None:
        page = client.get(page["next"]).json()
        items += page["items"]
        pages += 1
    return items, pages


def test_filters_pick_exactly_the_calls_they_name(
    console_server: ConsoleServer, recorded: dict[str, list[int]]
) -> None:
    weekly, recheck = recorded["weekly"], recorded["recheck"]
    every = weekly + recheck
    with console_server.client(Role.VIEWER) as client:

        def ids(**params: Any) -> set[int]:
            items, _ = _all_pages(client, "/api/attempts", **params)
            return {item["id"] for item in items} & set(every)

        assert ids(scenario="weekly") == set(weekly)
        assert ids(number="+12025550101") == {every[i] for i in (0, 1, 4, 6)}
        assert ids(carrier="sim-att") == {every[i] for i in (1, 3, 6)}
        assert ids(number="+12025550101", carrier="sim-tmobile") == {every[0], every[4]}
        assert ids(outcome="blocked") == {every[1], every[4]}
        assert ids(since="2026-W47", until="2026-W47") == set(weekly)
        assert ids(since="2026-11-25", until="2026-11-25") == {every[4], every[5]}
        assert ids(since="2026-11-26", scenario="recheck") == {every[6]}
        assert ids(since="2026-11-26", scenario="weekly") == set()
        assert ids(run=_run_of(client, recheck[0])) == set(recheck)


def _run_of(client: httpx.Client, attempt_id: int) -> int:
    return int(client.get(f"/api/attempts/{attempt_id}").json()["run_id"])


def test_next_pages_through_once_newest_first(
    console_server: ConsoleServer, recorded: dict[str, list[int]]
) -> None:
    every = recorded["weekly"] + recorded["recheck"]
    with console_server.client(Role.VIEWER) as client:
        items, pages = _all_pages(client, "/api/attempts", limit=2, since="2026-W47")
        mine = [item for item in items if item["id"] in every]
        assert pages >= 4  # seven calls, two a page
        assert len(items) == len({item["id"] for item in items})  # none twice
        assert sorted(item["id"] for item in mine) == sorted(every)  # none lost
        dialled = [item["dialed_at"] for item in items]
        assert dialled == sorted(dialled, reverse=True)
        first = client.get("/api/attempts", params={"limit": 2, "carrier": "sim-att"}).json()
        assert "carrier=sim-att" in first["next"] and "limit=2" in first["next"]
        runs, run_pages = _all_pages(client, "/api/runs", limit=1)
        assert run_pages >= 2 and {r["scenario"] for r in runs} >= {"weekly", "recheck"}
