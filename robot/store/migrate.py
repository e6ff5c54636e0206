"""Bring a store's schema to the current Alembic head when it is opened.

The migration scripts ship inside the package (`robot/store/migrations/`), and the Alembic
configuration is built here in code, so an installed ringcheck needs no alembic.ini. Several
issues add tables; they all add revisions to the same single line of history (a test asserts
one head).
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from robot.errors import StoreError
from robot.store.engine import read_tx, safe_url, store_error, write_tx

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any constant works: it only has to be the same for every ringcheck process.
_PG_MIGRATION_LOCK = 0x72696E67


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def current_revisions(engine: sa.Engine) -> tuple[str, ...]:
    with read_tx(engine) as conn:
        return tuple(MigrationContext.configure(conn).get_current_heads())


def upgrade_to_head(engine: sa.Engine) -> None:
    """Migrate the database to head, once even if several processes open it together."""
    script = script_directory()
    heads = set(script.get_heads())
    try:
        current = set(current_revisions(engine))
    except SQLAlchemyError as exc:
        raise store_error("cannot open the store", exc, engine.url) from exc
    if current == heads:
        return
    try:
        unknown = {rev for rev in current if _unknown(script, rev)}
        if unknown:
            raise StoreError(
                f"the store {safe_url(engine.url)} has schema revision {', '.join(sorted(unknown))}"
                " from a newer ringcheck: upgrade ringcheck or use another store"
            )
        with write_tx(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        log.info("store %s migrated to %s", safe_url(engine.url), ", ".join(sorted(heads)))
    except SQLAlchemyError as exc:
        raise store_error("cannot migrate the store", exc, engine.url) from exc


def _unknown(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is None
    except Exception:
        return True
