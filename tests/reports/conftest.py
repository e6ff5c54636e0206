"""A store filled once per module with ten weeks of realistic calls (see factory.py).

`filled` runs on SQLite and, marked `postgres`, on PostgreSQL in a private schema that is
dropped afterwards (RINGCHECK_TEST_PG_URL); `filled_sqlite` is SQLite only.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from reports.model import Report
from tests.reports.filled import Filled, fill_store
from tests.support.peers import need

PG_ENV = "RINGCHECK_TEST_PG_URL"


@pytest.fixture(scope="session")
def filled_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    """Laid out as a project folder would be: `.ringcheck/results.db` and `.ringcheck/artifacts`."""
    root = tmp_path_factory.mktemp("report-project")
    filled = fill_store(f"sqlite:///{root / '.ringcheck' / 'results.db'}", root / ".ringcheck")
    yield filled
    filled.store.close()


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose default schema is new and private to this module."""
    base = os.environ.get(PG_ENV, "")
    problem = None if base else f"set {PG_ENV}"
    if base:
        try:
            probe = sa.create_engine(base, connect_args={"connect_timeout": 3})
            with probe.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            probe.dispose()
        except Exception as exc:
            problem = type(exc).__name__
    need("postgresql", problem is None, problem or "")
    schema = f"rc_report_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def filled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Filled]:
    """The filled store on each backend: aggregation must agree on both."""
    if request.param == "sqlite":
        yield request.getfixturevalue("filled_sqlite")
        return
    url = request.getfixturevalue("pg_schema_url")
    filled = fill_store(url, tmp_path_factory.mktemp("report-pg"))
    yield filled
    filled.store.close()


@pytest.fixture(scope="session")
def report(filled_sqlite: Filled) -> Report:
    return filled_sqlite.report()
