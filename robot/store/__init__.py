"""The results store: runs, attempts, evidence files, handset leases and health state.

SQLite file by default, PostgreSQL by URL; the schema is migrated with Alembic on open.
`open_store(url)` is the way in for the engine and the CLI; reports use the query methods of
`SqlResultStore` (aggregation in SQL), never SQL of their own. Names load on first use
(`robot.lazy`): importing the package imports neither SQLAlchemy nor Alembic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from robot.lazy import lazy_exports

if TYPE_CHECKING:
    from robot.store.artifacts import ArtifactKind, ArtifactStore
    from robot.store.engine import create_store_engine, safe_url
    from robot.store.leases import HandsetStatus, Lease, SqlHandsetState, SqlLeases
    from robot.store.migrate import upgrade_to_head
    from robot.store.queries import Counts, LatestState, PeriodState, Span, StateChange, Window
    from robot.store.results import Interrupted, Pruned, SqlResultStore, open_store
    from robot.store.states import SEVERITY, ScreenState

_EXPORTS = {
    "ArtifactKind": "robot.store.artifacts",
    "ArtifactStore": "robot.store.artifacts",
    "create_store_engine": "robot.store.engine",
    "safe_url": "robot.store.engine",
    "HandsetStatus": "robot.store.leases",
    "Lease": "robot.store.leases",
    "SqlHandsetState": "robot.store.leases",
    "SqlLeases": "robot.store.leases",
    "upgrade_to_head": "robot.store.migrate",
    "Counts": "robot.store.queries",
    "LatestState": "robot.store.queries",
    "PeriodState": "robot.store.queries",
    "Span": "robot.store.queries",
    "StateChange": "robot.store.queries",
    "Window": "robot.store.queries",
    "Interrupted": "robot.store.results",
    "Pruned": "robot.store.results",
    "SqlResultStore": "robot.store.results",
    "open_store": "robot.store.results",
    "SEVERITY": "robot.store.states",
    "ScreenState": "robot.store.states",
}
__getattr__ = lazy_exports(__name__, _EXPORTS)

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
