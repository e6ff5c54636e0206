"""The packaged Alembic history has one head and builds exactly the schema of schema.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from robot.errors import StoreError
from robot.store import create_store_engine, open_store, upgrade_to_head
from robot.store.migrate import MIGRATIONS_DIR, current_revisions, script_directory
from robot.store.schema import metadata


def test_one_head() -> None:
    assert len(script_directory().get_heads()) == 1


def test_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert list((MIGRATIONS_DIR / "versions").glob("*.py"))
    assert not list(Path(MIGRATIONS_DIR).parent.glob("alembic.ini"))


def test_empty_database_upgrades_to_head_matching_metadata(store_url: str) -> None:
    path = sa.make_url(store_url).database
    if store_url.startswith("sqlite") and path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_store_engine(store_url)
    try:
        upgrade_to_head(engine)
        upgrade_to_head(engine)  # second open: nothing to do
        assert set(current_revisions(engine)) == set(script_directory().get_heads())
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), metadata
            )
            tables = set(sa.inspect(conn).get_table_names())
        assert diff == []
        assert {"runs", "attempts", "leases", "handset_state", "alembic_version"} <= tables
    finally:
        engine.dispose()


def test_store_from_a_newer_ringcheck_is_refused(sqlite_url: str) -> None:
    engine = create_store_engine(sqlite_url)
    try:
        upgrade_to_head(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'fff999'"))
        with pytest.raises(StoreError, match="newer ringcheck"):
            upgrade_to_head(engine)
    finally:
        engine.dispose()


def test_open_store_creates_the_sqlite_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'deeper' / 'results.db'}"
    open_store(url).close()
    assert (tmp_path / "new" / "deeper" / "results.db").is_file()
