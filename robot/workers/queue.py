"""The Procrastinate side: an app on the store's PostgreSQL, its schema, and how a planned
call becomes a job.

One job is one attempt; it goes on its farm site's queue with its handset as the job's lock,
so no two jobs ever drive one handset at once, on any worker. Jobs survive a worker's death:
another worker of the site finds them through the dead worker's stale heartbeat.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from robot.errors import ConfigError, StoreError
from robot.store.engine import safe_url

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger(__name__)

CALL_TASK = "ringcheck.call"
_SCHEMA_LOCK = 0x72696E67  # advisory lock id while installing the queue's tables ("ring")


def queue_name(site: str) -> str:
    return f"ringcheck-site-{site}"


def handset_lock(handset_id: str) -> str:
    return f"handset:{handset_id}"


def conninfo(store_url: str) -> str:
    """The libpq URI of a `postgresql+psycopg://` store URL (options such as search_path
    kept), for Procrastinate's own connections."""
    url = make_url(store_url)
    if url.get_backend_name() != "postgresql":
        raise ConfigError(
            "farm-site workers need the PostgreSQL store (`store: postgresql+psycopg://...`);"
            f" this project's store is {safe_url(url)}",
            hint="with SQLite, `ringcheck run` makes every call in its own process",
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(
    store_url: str, *, task: Callable[..., Any] | None = None, pool_size: int = 4
) -> procrastinate.App:
    """A Procrastinate app on the store's database; `task` (a worker's job handler) is
    registered as the call task. Enqueuers need none: they defer by task name."""
    try:
        import procrastinate
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ConfigError(
            "farm-site workers need Procrastinate: pip install 'ringcheck[workers]'"
        ) from None
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(store_url), min_size=1, max_size=max(2, pool_size)
    )
    app = procrastinate.App(connector=connector)
    if task is not None:
        app.task(name=CALL_TASK, pass_context=True)(task)
    return app


def ensure_schema(engine: sa.Engine) -> None:
    """Install Procrastinate's tables in the store's schema once (under an advisory lock, so
    two workers starting together do not both try)."""
    from procrastinate.schema import SchemaManager

    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK})
            present = conn.execute(sa.text("SELECT to_regclass('procrastinate_jobs')")).scalar()
            if present is not None:
                return
            raw: Any = conn.connection.dbapi_connection
            with raw.cursor() as cursor:  # psycopg runs a parameterless script as it is
                cursor.execute(SchemaManager.get_schema())
            log.warning("installed the job queue's tables in %s", safe_url(engine.url))
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"cannot install the job queue in {safe_url(engine.url)}: {exc}") from exc


def defer_call(app: procrastinate.App, site: str, handset_id: str, payload: dict[str, Any]) -> int:
    """Put one call on its site's queue, locked by its handset; returns the job id."""
    deferrer = app.configure_task(CALL_TASK, queue=queue_name(site), lock=handset_lock(handset_id))
    return int(deferrer.defer(**payload))
