"""The store's console side: tokens (hashed, shown once), sessions, the audit log, cancelling a
run through the store, and the console's queries — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from robot.domain.access import Role
from robot.domain.model import Delivery, Run, RunStatus, Tristate
from robot.errors import UsageError
from robot.store import open_store
from robot.store.audit import SqlAudit
from robot.store.console_queries import AttemptFilter, SqlConsoleReads
from robot.store.run_control import CancelWatch, SqlRunControl
from robot.store.schema import api_tokens
from robot.store.tokens import SqlTokens, digest
from tests.store import factory
from tests.store.conftest import SteppingClock


def test_a_token_is_shown_once_and_stored_hashed(store_url: str, clock: SteppingClock) -> None:
    store = open_store(store_url, clock=clock)
    try:
        tokens = SqlTokens(store.engine, clock)
        token, secret = tokens.create("alice", Role.OPERATOR, created_by="cli:test")
        assert secret.startswith("rc_") and len(secret) > 40
        with store.engine.connect() as conn:
            stored = conn.execute(sa.select(api_tokens)).one()._mapping
        assert secret not in {str(v) for v in stored.values()}
        assert stored["token_hash"] == digest(secret)
        assert tokens.verify(secret) == token
        assert tokens.verify(secret + "x") is None
        assert tokens.verify("not-a-token") is None
        with pytest.raises(UsageError, match="exists already"):
            tokens.create("alice", Role.VIEWER, created_by="cli:test")
    finally:
        store.close()


def test_revoking_a_token_ends_its_sessions(store_url: str, clock: SteppingClock) -> None:
    store = open_store(store_url, clock=clock)
    try:
        tokens = SqlTokens(store.engine, clock)
        token, secret = tokens.create("bob", Role.VIEWER, created_by="cli:test")
        cookie, session = tokens.open_session(token)
        found = tokens.session(cookie)
        assert found is not None and found.token.name == "bob" and found.csrf == session.csrf
        tokens.revoke("bob", by="cli:test")
        assert tokens.session(cookie) is None
        assert tokens.verify(secret) is None
        with pytest.raises(UsageError, match="no active token"):
            tokens.revoke("bob", by="cli:test")
        again, _ = tokens.create("bob", Role.ADMIN, created_by="cli:test")  # the name is free
        assert again.role is Role.ADMIN
        assert [t.active for t in tokens.list()] == [False, True]
    finally:
        store.close()


def test_sessions_expire_and_close(store_url: str, clock: SteppingClock) -> None:
    store = open_store(store_url, clock=clock)
    try:
        tokens = SqlTokens(store.engine, clock)
        token, _ = tokens.create("carol", Role.VIEWER, created_by="t")
        cookie, _ = tokens.open_session(token, ttl=timedelta(minutes=5))
        other, _ = tokens.open_session(token)
        clock.advance(301)
        assert tokens.session(cookie) is None
        assert tokens.session(other) is not None
        tokens.close_session(other)
        assert tokens.session(other) is None
    finally:
        store.close()


def test_a_one_time_token_signs_in_once(store_url: str, clock: SteppingClock) -> None:
    store = open_store(store_url, clock=clock)
    try:
        tokens = SqlTokens(store.engine, clock)
        _, secret = tokens.create("demo", Role.ADMIN, created_by="demo", once=True)
        assert tokens.verify(secret) is None  # not a bearer token
        token = tokens.redeem_once(secret)
        assert token is not None and token.name == "demo"
        assert tokens.redeem_once(secret) is None
        cookie, _ = tokens.open_session(token)
        assert tokens.session(cookie) is not None
    finally:
        store.close()


def test_audit_log_pages_newest_first(store_url: str, clock: SteppingClock) -> None:
    store = open_store(store_url, clock=clock)
    try:
        audit = SqlAudit(store.engine, clock)
        for n in range(5):
            clock.advance(1)
            audit.record("alice", "run.trigger", role="operator", target=f"run {n}",
                         detail={"scenario": "smoke"}, source="127.0.0.1")  # fmt: skip
        first = audit.entries(limit=3)
        assert [e.target for e in first] == ["run 4", "run 3", "run 2"]
        rest = audit.entries(limit=3, before_id=first[-1].id)
        assert [e.target for e in rest] == ["run 1", "run 0"]
        assert rest[0].detail == {"scenario": "smoke"}
    finally:
        store.close()


def test_a_cancel_request_stops_the_run_that_watches_it(
    store_url: str, clock: SteppingClock
) -> None:
    store = open_store(store_url, clock=clock)
    try:
        run = store.start_run(factory.run())
        assert run.id is not None
        control = SqlRunControl(store.engine, clock)
        stop = threading.Event()
        watch = CancelWatch(control, run.id, stop, poll_s=0.01).start()
        assert control.request_cancel(run.id, "alice")
        assert not control.request_cancel(run.id, "bob")  # asked already
        assert stop.wait(10)
        assert watch.close() == "alice"
        store.finish_run(Run(run.scenario, run.trigger, run.started_at, RunStatus.INTERRUPTED,
                             id=run.id))  # fmt: skip
        assert not control.request_cancel(run.id, "carol")  # no longer running
    finally:
        store.close()


def test_latest_cells_and_filtered_pages(store_url: str, clock: SteppingClock) -> None:
    store = open_store(store_url, clock=clock)
    try:
        run = store.start_run(factory.run("smoke"))
        other = store.start_run(factory.run("nightly"))
        assert run.id is not None and other.id is not None
        t = factory.T0
        made = [
            store.record_attempt(factory.simple(run.id, "+1", "tmo", t, label="Spam Risk")),
            store.record_attempt(
                factory.simple(run.id, "+1", "tmo", t + timedelta(1), verified=Tristate.YES)
            ),
            store.record_attempt(  # an error later than the rest: not a state of the cell
                factory.simple(
                    run.id, "+1", "tmo", t + timedelta(2), delivery=Delivery.DEVICE_ERROR
                )
            ),
            store.record_attempt(
                factory.simple(other.id, "+2", "att", t, delivery=Delivery.BLOCKED, code=608)
            ),
        ]
        reads = SqlConsoleReads(store.engine)
        cells = reads.latest_cells(["+1", "+2", "+3"], ["tmo", "att"])
        assert {(c.number, c.carrier): c.state for c in cells} == {
            ("+1", "tmo"): "verified",
            ("+2", "att"): "blocked",
        }
        page = reads.attempts(AttemptFilter(numbers=("+1",)), before=None, limit=2)
        assert [x.id for x in page.items] == [made[2].id, made[1].id]
        rest = reads.attempts(AttemptFilter(numbers=("+1",)), before=page.next_before, limit=2)
        assert [x.id for x in rest.items] == [made[0].id] and rest.next_before is None
        nightly = reads.attempts(AttemptFilter(scenarios=("nightly",)), before=None, limit=9)
        assert [x.id for x in nightly.items] == [made[3].id]
        errors = reads.attempts(AttemptFilter(deliveries=("device_error",)), before=None, limit=9)
        assert [x.id for x in errors.items] == [made[2].id]
        progress = reads.progress([run.id])
        assert progress[run.id].attempts == 3 and progress[run.id].errors == 1
    finally:
        store.close()
