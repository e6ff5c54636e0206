"""The results store: runs, attempts, evidence files, handset leases and health state.

SQLite file by default, PostgreSQL by URL; the schema is migrated with Alembic on open.
`open_store(url)` is the way in for the engine and the CLI; reports use the query methods of
`SqlResultStore` (aggregation in SQL), never SQL of their own.
"""

from __future__ import annotations

from robot.store.artifacts import ArtifactKind, ArtifactStore
from robot.store.engine import create_store_engine, safe_url
from robot.store.leases import HandsetStatus, Lease, SqlHandsetState, SqlLeases
from robot.store.migrate import upgrade_to_head
from robot.store.queries import Counts, LatestState, PeriodState, Span, StateChange, Window
from robot.store.results import Interrupted, Pruned, SqlResultStore, open_store
from robot.store.states import SEVERITY, ScreenState

__all__ = [
    "SEVERITY",
    "ArtifactKind",
    "ArtifactStore",
    "Counts",
    "HandsetStatus",
    "Interrupted",
    "LatestState",
    "Lease",
    "PeriodState",
    "Pruned",
    "ScreenState",
    "Span",
    "SqlHandsetState",
    "SqlLeases",
    "SqlResultStore",
    "StateChange",
    "Window",
    "create_store_engine",
    "open_store",
    "safe_url",
    "upgrade_to_head",
]
