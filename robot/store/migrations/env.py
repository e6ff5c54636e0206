"""Alembic environment for the results store, configured from code (no alembic.ini needed).

`robot.store.migrate.upgrade_to_head()` passes an open connection in
`config.attributes["connection"]`; the `alembic` command line can still be used by developers
with `-x url=…` or `sqlalchemy.url` (e.g. to autogenerate a revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from robot.store.engine import create_store_engine
from robot.store.schema import metadata

config = context.config


def _configure(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: later revisions rebuild tables in batch mode.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise RuntimeError("give the store URL: alembic -x url=sqlite:///path/results.db ...")
    return url


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = create_store_engine(_url())
    try:
        with engine.connect() as conn:
            _configure(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
