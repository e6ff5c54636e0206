"""The report's one-pass period aggregation against a count made call by call, on SQLite and
PostgreSQL: dominant states with ties, the newest call among equal times, scenarios, display
states, calls that say nothing about a number, and the period's edges."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from robot.store.engine import read_tx
from robot.store.period_facts import period_facts
from robot.store.results import SqlResultStore
from robot.store.schema import attempts, runs
from robot.store.states import SEVERITY

START = datetime(2026, 11, 23, tzinfo=UTC)
END = START + timedelta(days=7)
CONCLUSIVE = {"blocked", "labelled", "not_delivered", "misnamed", "clean", "verified"}


def _call(
    run: int, number: str, carrier: str, at: datetime, state: str | None, **kw: Any
) -> dict[str, Any]:
    delivery = {
        "blocked": "blocked",
        "not_delivered": "silent_drop",
        "error": "device_error",
        None: None,
    }.get(state, "delivered")
    row = {
        "run_id": run,
        "number": number,
        "carrier": carrier,
        "handset_id": f"h-{carrier}",
        "status": "completed" if state is not None else "interrupted",
        "delivery": delivery,
        "state": state,
        "dialed_at": at,
        "attestation": "A",
        "verified": "yes" if state == "verified" else "no",
        "spam_label": "Spam Risk" if state == "labelled" else None,
        "screenshot": f"shot-{number}-{carrier}-{at:%d%H%M%S}.png",
        "display_state": None,
    }
    row.update(kw)
    return row


def _rows() -> list[dict[str, Any]]:
    t = START + timedelta(days=1)
    tie = t + timedelta(hours=5)
    return [
        # +1..01 on A: two labelled and two clean → the tie goes to the worse, labelled; its
        # two newest labelled calls share a time → the higher id wins (the last written)
        _call(1, "+12025550101", "A", t, "clean"),
        _call(1, "+12025550101", "A", t + timedelta(hours=1), "clean"),
        _call(1, "+12025550101", "A", tie, "labelled", spam_label="Scam Likely"),
        _call(1, "+12025550101", "A", tie, "labelled", spam_label="Spam Risk"),
        _call(1, "+12025550101", "A", t + timedelta(hours=6), "error"),
        _call(1, "+12025550101", "A", t + timedelta(hours=7), None),
        # +1..01 on B: three verified beat one blocked; B-attested, on a phone in use
        _call(1, "+12025550101", "B", t, "verified", attestation="B", display_state="in_use"),
        _call(1, "+12025550101", "B", t + timedelta(hours=1), "verified", display_state="locked"),
        _call(1, "+12025550101", "B", t + timedelta(hours=2), "verified", attestation=None),
        _call(1, "+12025550101", "B", t + timedelta(hours=3), "blocked", attestation=None),
        # another scenario's calls (run 2), and a time the other number's call shares
        _call(2, "+12025550102", "A", tie, "misnamed", name="ACME LN"),
        _call(2, "+12025550102", "A", t + timedelta(hours=9), "not_delivered"),
        _call(2, "+12025550102", "B", t, None, delivery="foreign_call", status="completed"),
        # on the edges: the first instant is in, the end is out
        _call(1, "+12025550103", "A", START, "clean"),
        _call(1, "+12025550103", "A", END, "labelled"),
        _call(1, "+12025550103", "A", START - timedelta(microseconds=1), "blocked"),
    ]


def _fill(url: str) -> SqlResultStore:
    store = SqlResultStore(url)
    with store.engine.begin() as conn:
        for run_id, scenario in ((1, "weekly"), (2, "brand-check")):
            conn.execute(
                runs.insert(),
                {"id": run_id, "scenario": scenario, "trigger": "manual", "status": "completed",
                 "started_at": START},
            )  # fmt: skip
        for row in _rows():
            conn.execute(attempts.insert(), row)
    return store


def _oracle_cells(
    rows: list[dict[str, Any]], by_display: bool
) -> dict[tuple[str, ...], dict[str, Any]]:
    """The matrix cells counted call by call, as the report defines them."""
    cells: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["state"] in CONCLUSIVE:
            display = (r["display_state"] or "") if by_display else ""
            cells[(r["number"], r["carrier"], display)].append(r)
    severity = {k.value: v for k, v in SEVERITY.items()}
    out = {}
    for key, calls in cells.items():
        counts = Counter(r["state"] for r in calls)
        state = max(counts, key=lambda s: (counts[s], severity[s]))
        newest = max(
            (r for r in calls if r["state"] == state), key=lambda r: (r["dialed_at"], r["id"])
        )
        delivered = [r for r in calls if r["delivery"] == "delivered"]
        out[key] = {
            "id": newest["id"],
            "state": state,
            "same_state": counts[state],
            "attempts": len(calls),
            "n_delivered": len(delivered),
            "n_labelled": counts["labelled"],
            "n_verified": sum(r["verified"] == "yes" for r in delivered),
            "n_blocked": sum(r["delivery"] == "blocked" for r in calls),
            "spam_label": newest["spam_label"],
        }
    return out


def _stored(store: SqlResultStore, scenario: str | None = None) -> list[dict[str, Any]]:
    stmt = sa.select(attempts).where(attempts.c.dialed_at >= START, attempts.c.dialed_at < END)
    if scenario:
        stmt = stmt.where(
            attempts.c.run_id.in_(sa.select(runs.c.id).where(runs.c.scenario == scenario))
        )
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def test_cells_match_a_call_by_call_count(store_url: str) -> None:
    store = _fill(store_url)
    try:
        stored = _stored(store)
        with read_tx(store.engine) as conn:
            facts = period_facts(conn, START, END)
            for by_display in (False, True):
                got = {
                    (r["number"], r["carrier"], r["display"]): {
                        k: r[k]
                        for k in (
                            "id",
                            "state",
                            "same_state",
                            "attempts",
                            "n_delivered",
                            "n_labelled",
                            "n_verified",
                            "n_blocked",
                            "spam_label",
                        )
                    }
                    for r in facts.cells(conn, by_display)
                }
                assert got == _oracle_cells(stored, by_display)
        tied = got[("+12025550101", "A", "")]
        # the tie went to the worse state, and of two calls at one time to the later written
        assert (tied["state"], tied["same_state"], tied["spam_label"]) == (
            "labelled",
            2,
            "Spam Risk",
        )
        assert facts.display_states() == ["", "in_use", "locked"]
    finally:
        store.close()


def test_tables_match_a_call_by_call_count(store_url: str) -> None:
    store = _fill(store_url)
    try:
        with read_tx(store.engine) as conn:
            facts = period_facts(conn, START, END)
        totals = facts.totals()
        assert {k: v for k, v in totals.items() if not k.endswith("_at")} == {
            "attempts": 14, "conclusive": 11, "delivered": 9, "clean": 6, "verified": 3,
            "labelled": 2, "blocked": 1, "numbers": 3, "carriers": 2,
        }  # fmt: skip
        assert totals["first_at"] == START
        assert totals["last_at"] == START + timedelta(days=1, hours=9)
        assert facts.attestation() == [
            {"carrier": "A", "level": "A", "delivered": 6, "verified": 0},
            {"carrier": "B", "level": "A", "delivered": 1, "verified": 1},
            {"carrier": "B", "level": "B", "delivered": 1, "verified": 1},
            {"carrier": "B", "level": "none", "delivered": 1, "verified": 1},
        ]
        assert facts.dno(["+12025550101", "+19995550000"]) == [
            {"number": "+12025550101", "carrier": "A", "attempts": 4, "blocked": 0, "delivered": 4},
            {"number": "+12025550101", "carrier": "B", "attempts": 4, "blocked": 1, "delivered": 3},
        ]
        assert facts.handsets() == [
            {"handset_id": "h-A", "carrier": "A", "attempts": 9},
            {"handset_id": "h-B", "carrier": "B", "attempts": 5},
        ]
        assert facts.unjudged() == [
            {"kind": "device_error", "calls": 1},
            {"kind": "foreign_call", "calls": 1},
            {"kind": "interrupted", "calls": 1},
        ]
    finally:
        store.close()


def test_one_scenario_only(store_url: str) -> None:
    store = _fill(store_url)
    try:
        with read_tx(store.engine) as conn:
            facts = period_facts(conn, START, END, ("brand-check",))
            cells = facts.cells(conn, False)
        assert facts.totals()["attempts"] == 3
        # one misnamed, one not delivered: the tie goes to the worse (the misnamed call also
        # shares its time with the other scenario's labelled calls, which stay out)
        assert [(c["number"], c["carrier"], c["state"], c["same_state"]) for c in cells] == [
            ("+12025550102", "A", "not_delivered", 1),
        ]
        oracle = _oracle_cells(_stored(store, "brand-check"), False)
        assert {(c["number"], c["carrier"], ""): c["id"] for c in cells} == {
            k: v["id"] for k, v in oracle.items()
        }
    finally:
        store.close()
