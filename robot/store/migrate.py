"""Bring a store's schema to the current Alembic head when it is opened.

The migration scripts ship inside the package (`robot/store/migrations/`), and the Alembic
configuration is built here in code, so an installed ringcheck needs no alembic.ini. Several
issues add tables; they all add revisions to the same single line of history (a test asserts
one head).

Opening an up-to-date store is the common case (every command does it): it costs one query of
`alembic_version` against the heads read off the revision files, and Alembic itself (a third
of a second to import) is loaded only when there is something to migrate or to explain.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from robot.errors import StoreError
from robot.store.engine import read_tx, safe_url, store_error, write_tx

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Any constant works: it only has to be the same for every ringcheck process.
_PG_MIGRATION_LOCK = 0x72696E67


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


_REVISION = re.compile(r"^revision(?:: [^=]+)? = [\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = (.+)$", re.MULTILINE)


@functools.cache
def shipped_heads() -> frozenset[str]:
    """The heads of the packaged revision files, read as text (no Alembic import). A file
    this cannot read yields no heads, which sends the caller to Alembic's own answer."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is None:
            continue
        if down is None:
            return frozenset()
        revisions.add(revision.group(1))
        parents.update(re.findall(r"[\"']([^\"']+)[\"']", down.group(1)))
    return frozenset(revisions - parents)


def current_revisions(engine: sa.Engine) -> tuple[str, ...]:
    """The revisions the database is at (none for a new database)."""
    with read_tx(engine) as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return ()
        rows = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        return tuple(str(row[0]) for row in rows)


def upgrade_to_head(engine: sa.Engine) -> None:
    """Migrate the database to head, once even if several processes open it together."""
    try:
        current = set(current_revisions(engine))
    except SQLAlchemyError as exc:
        raise store_error("cannot open the store", exc, engine.url) from exc
    if current and current == shipped_heads():
        return
    from alembic import command

    script = script_directory()
    heads = set(script.get_heads())
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
