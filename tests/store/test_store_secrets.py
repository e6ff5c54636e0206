"""A store URL's password never reaches exception text, logs, the CLI's output or the database."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import pytest
import sqlalchemy as sa

from robot.errors import StoreError
from robot.store import open_store, safe_url
from tests.store import factory
from tests.store.test_store_cli import ringcheck
from tests.support.peers import free_port

SECRET = "pw-s3cret"


def _all_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def test_unreachable_postgres_error_hides_password(caplog: pytest.LogCaptureFixture) -> None:
    url = f"postgresql+psycopg://ringcheck:{SECRET}@127.0.0.1:{free_port()}/ringcheck_test"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreError) as info:
        open_store(url)
    assert SECRET not in str(info.value)
    assert SECRET not in _all_text(info.value)  # the whole chain, as `-v` prints it
    assert "***" in str(info.value) and "127.0.0.1" in str(info.value)
    assert SECRET not in caplog.text


def test_unparseable_url_error_hides_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store(f"postgresql+psycopg://ringcheck:{SECRET}@host:notaport/db")
    assert SECRET not in _all_text(info.value)
    assert SECRET not in safe_url(f"postgresql+psycopg://u:{SECRET}@h/db")


@pytest.mark.postgres
def test_wrong_password_on_real_postgres(pg_url: str, caplog: pytest.LogCaptureFixture) -> None:
    wrong = sa.make_url(pg_url).set(password=SECRET).render_as_string(hide_password=False)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreError) as info:
        open_store(wrong)
    assert SECRET not in _all_text(info.value)
    assert SECRET not in caplog.text


@pytest.mark.postgres
def test_password_is_not_stored_in_the_database(pg_url: str) -> None:
    parsed = sa.make_url(pg_url)
    password = str(parsed.password or "")
    assert password, "the test database URL has a password"
    # CI's password equals its user name, which is not stored either; still, look for the
    # credential pair first and the bare password only when it cannot be something else.
    needles = [f"{parsed.username}:{password}@", parsed.render_as_string(hide_password=False)]
    if password != parsed.username:
        needles.append(password)
    store = open_store(pg_url)
    run = store.start_run(factory.run())
    assert run.id is not None
    store.record_attempt(factory.full_attempt(run.id))
    store.leases.acquire("pixel-1", "run-1", 30)
    store.handset_state.record_result("pixel-1", "boom", 3)
    with store.engine.connect() as conn:
        for table in ("runs", "attempts", "leases", "handset_state", "alembic_version"):
            rows = conn.execute(sa.text(f"SELECT * FROM {table}")).all()
            assert rows, table
            assert not [n for n in needles if n in repr(rows)], table
    store.close()


def test_cli_error_hides_password(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://ringcheck:{SECRET}@127.0.0.1:{free_port()}/ringcheck_test"
    for args in (("results", "list"), ("-v", "results", "list", "--json")):
        proc = ringcheck(*args, cwd=tmp_path, env={"RINGCHECK_STORE_URL": url})
        assert proc.returncode == 1
        assert "error: " in proc.stderr
        assert SECRET not in proc.stderr + proc.stdout
