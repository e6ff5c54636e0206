"""Engines for the store: SQLite tuned for several writer processes, PostgreSQL via psycopg 3.

SQLite is the embedded default, and several processes (a scheduled run, a manual run, the CLI)
may write the same file. WAL lets readers go on while one writes; `BEGIN IMMEDIATE` takes the
write lock at the start of a write transaction, so two writers queue on the busy timeout instead
of failing half-way with "database is locked". Reads keep a plain deferred `BEGIN`.

Within one process the writers of a file also queue on a lock of ours before `BEGIN IMMEDIATE`
(`_process_write_lock`). SQLite's busy handler is no queue: a waiter sleeps up to 100 ms between
tries and a newcomer may take the lock first every time, so with a run's many threads writing
(handsets, the trunk gate holding the lock while an INVITE leaves, alert listeners) a writer
could be passed over for the whole busy timeout under load and its attempt was lost to
"database is locked". A thread now waits for its own process's writers without a timeout, and
only one writer per process meets other processes on the busy timeout.

Store URLs may hold a password: messages only ever show `safe_url()`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url

from robot.errors import StoreError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0
_WRITE = "ringcheck_write"


def safe_url(url: str | URL) -> str:
    """The URL with its password replaced by ***, for every message a person may see."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:
        return "<unparseable store URL>"
    return parsed.render_as_string(hide_password=True)


def scrub(text: str, url: str | URL | None) -> str:
    """Remove the URL's password from text produced by a driver, in case it echoes it."""
    if url is None:
        return text
    try:
        password = (make_url(url) if isinstance(url, str) else url).password
    except Exception:
        return text
    if password:
        text = text.replace(str(password), "***")
    return text


def store_error(what: str, exc: BaseException, url: str | URL | None) -> StoreError:
    """Our error for a failed database operation, naming the store but never its password."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = detail[0] if detail else type(exc).__name__
    where = f" ({safe_url(url)})" if url is not None else ""
    if "unable to open database file" in first:
        first += " (does its folder exist, and may this user write there?)"
    return StoreError(scrub(f"{what}{where}: {first}", url))


def create_store_engine(url: str | URL, *, echo: bool = False) -> sa.Engine:
    """An engine for `url` with the SQLite settings above; PostgreSQL as configured."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:
        # The parser's own message quotes the whole URL, password included: drop it.
        raise StoreError(f"store URL is not valid: {safe_url(url)}") from None
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise StoreError("an in-memory SQLite store cannot be shared: give a file path")
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
        # Pooled on purpose: when the last connection to a WAL database closes, SQLite
        # checkpoints and deletes the WAL, which made every write cost a full fsync.
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except Exception as exc:  # missing driver, bad option
        raise store_error("cannot create the store engine", exc, parsed) from None
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    log.debug("store engine for %s", safe_url(parsed))
    return engine


def _tune_sqlite(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is too late).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get(_WRITE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


@contextlib.contextmanager
def write_tx(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A write transaction: `BEGIN IMMEDIATE` on SQLite, after this process's other writers of
    the same file; a normal one elsewhere."""
    with _process_write_lock(engine), engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


_file_locks: dict[str, threading.RLock] = {}
_file_locks_guard = threading.Lock()


def _process_write_lock(engine: sa.Engine) -> contextlib.AbstractContextManager[object]:
    """The lock this process's writers of a SQLite file take in turn (one per file, shared by
    every engine on it); nothing for other databases, whose row locks queue writers. Reentrant:
    a nested write transaction meets SQLite's busy timeout as before instead of hanging."""
    path = sqlite_path(engine.url) if engine.dialect.name == "sqlite" else None
    if path is None:
        return contextlib.nullcontext()
    key = os.path.realpath(path)
    with _file_locks_guard:
        lock = _file_locks.get(key)
        if lock is None:
            lock = _file_locks[key] = threading.RLock()
    return lock


@contextlib.contextmanager
def read_tx(engine: sa.Engine) -> Iterator[sa.Connection]:
    with engine.connect() as conn, conn.begin():
        yield conn


def sqlite_path(url: str | URL) -> Path | None:
    """The database file of a SQLite URL, or None for another backend."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def dialect_insert(engine: sa.Engine, table: sa.Table) -> Any:
    """An INSERT that supports ON CONFLICT for the engine's dialect (SQLite or PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    raise StoreError(
        f"unsupported store database {engine.dialect.name!r} (use SQLite or PostgreSQL)"
    )
