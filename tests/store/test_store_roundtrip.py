"""Attempts and runs go into the store and come back identical, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from robot.domain.model import AttemptStatus, AttemptTimes, Delivery, RunStatus
from robot.errors import StoreError
from robot.store import SqlResultStore, create_store_engine, open_store
from robot.store.migrate import alembic_config
from robot.store.schema import attempts
from tests.store import factory


def test_full_attempt_round_trips(store_url: str) -> None:
    store = open_store(store_url)
    try:
        run = store.start_run(factory.run())
        assert run.id is not None
        attempt = factory.full_attempt(run.id)
        assert attempt.reading is not None
        reading = dataclasses.replace(
            attempt.reading,
            disagreements=(("name", "ACME Pharmacy", "ACME Pharmacy Inc"), ("number", None, "2")),
            logo_matches=False,
        )
        attempt = dataclasses.replace(attempt, reading=reading)
        saved = store.record_attempt(attempt)
        assert saved.id is not None
        [loaded] = store.attempts(run_id=run.id)
        assert loaded == factory.normalised(dataclasses.replace(attempt, id=saved.id))
        assert loaded.times.dialed_at.tzinfo is UTC
        assert loaded.times.dialed_at == attempt.times.dialed_at  # same instant
        assert store.attempt(saved.id) == loaded
    finally:
        store.close()


def test_attempt_written_when_dialled_then_completed(store_url: str) -> None:
    store = open_store(store_url)
    try:
        run = store.start_run(factory.run())
        assert run.id is not None
        dialled = store.record_attempt(
            dataclasses.replace(
                factory.full_attempt(run.id),
                status=AttemptStatus.IN_PROGRESS,
                delivery=None,
                sip=None,
                reading=None,
                verdict=None,
                settings=(),
                error=None,
                times=AttemptTimes(dialed_at=factory.T0),
            )
        )
        [pending] = store.attempts(run_id=run.id)
        assert pending == dialled
        assert (pending.sip, pending.reading, pending.verdict) == (None, None, None)

        done = dataclasses.replace(factory.full_attempt(run.id), id=dialled.id)
        assert store.record_attempt(done) == done
        [completed] = store.attempts(run_id=run.id)
        assert completed == factory.normalised(done)

        store.finish_run(run)
        finished = store.run(run.id)
        assert finished is not None and finished.status is RunStatus.COMPLETED
        assert finished.ended_at is not None and finished.ended_at.tzinfo is UTC
    finally:
        store.close()


def test_state_is_classified_when_completed(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    run = store.start_run(factory.run())
    assert run.id is not None
    saved = store.record_attempt(factory.full_attempt(run.id))
    with store.engine.connect() as conn:
        state = conn.execute(sa.select(attempts.c.state).where(attempts.c.id == saved.id)).scalar()
    assert state == "labelled"
    store.close()


def test_naive_timestamps_are_refused(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    run = store.start_run(factory.run())
    assert run.id is not None
    naive = dataclasses.replace(
        factory.full_attempt(run.id), times=AttemptTimes(dialed_at=datetime(2026, 11, 23, 9))
    )
    with pytest.raises(StoreError, match="timezone-aware"):
        store.record_attempt(naive)
    store.close()


def test_completing_an_unknown_attempt_is_an_error(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    run = store.start_run(factory.run())
    assert run.id is not None
    ghost = dataclasses.replace(factory.full_attempt(run.id), id=424242)
    with pytest.raises(StoreError, match="424242"):
        store.record_attempt(ghost)
    store.close()


def test_attempt_filters(store_url: str) -> None:
    store = SqlResultStore(store_url)
    try:
        run = store.start_run(factory.run())
        assert run.id is not None
        for i, (number, carrier) in enumerate(
            [("+12025550100", "att"), ("+12025550100", "tmobile"), ("+12025550101", "att")]
        ):
            store.record_attempt(
                factory.simple(
                    run.id,
                    number,
                    carrier,
                    factory.T0.replace(hour=9 + i),
                    delivery=Delivery.BLOCKED,
                )
            )
        assert [a.carrier for a in store.attempts(number="+12025550100")] == ["tmobile", "att"]
        assert [a.number for a in store.attempts(carrier="att", newest_first=False)] == [
            "+12025550100",
            "+12025550101",
        ]
        since = factory.T0.replace(hour=10)
        assert len(store.attempts(since=since)) == 2
        assert len(store.attempts(since=since, until=since.replace(hour=11))) == 1
        assert len(store.attempts(limit=1)) == 1
    finally:
        store.close()


def test_attempts_stored_before_revision_0003_read_back(store_url: str) -> None:
    """A store written by the previous ringcheck (schema 0002) is upgraded on open; its
    readings come back with no disagreements and no logo expectation, and 0003 rolls back."""
    engine = create_store_engine(store_url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002")
            run_id = conn.execute(
                sa.text(
                    "INSERT INTO runs (scenario, trigger, status, started_at)"
                    " VALUES ('old', 'cli', 'completed', :t) RETURNING id"
                ),
                {"t": factory.T0},
            ).scalar_one()
            conn.execute(
                sa.text(
                    "INSERT INTO attempts (run_id, number, carrier, status, dialed_at, name,"
                    " verified, logo) VALUES (:run, '+12025550101', 'sim', 'completed', :t,"
                    " 'NORTHWIND BANK', 'yes', false)"
                ),
                {"run": run_id, "t": factory.T0},
            )
    finally:
        engine.dispose()
    store = open_store(store_url)
    try:
        [old] = store.attempts(run_id=run_id)
        assert old.reading is not None and old.reading.name == "NORTHWIND BANK"
        assert (old.reading.disagreements, old.reading.logo_matches) == ((), None)
    finally:
        store.close()
    engine = create_store_engine(store_url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0002")
            columns = {c["name"] for c in sa.inspect(conn).get_columns("attempts")}
        assert not {"disagreements", "logo_matches"} & columns
    finally:
        engine.dispose()
