"""The query every reader of attempts shares (`results list` and `export`, evidence bundles,
the console's calls): attempts by filters, newest first.

Kept apart from the report's aggregations (`robot.store.queries`), so a command that lists
attempts builds none of those.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from robot.store.schema import attempts


def select_attempts(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    carrier: str | Sequence[str] | None = None,
    number: str | Sequence[str] | None = None,
    run_id: int | None = None,
    handset_id: str | None = None,
    status: str | None = None,
    ids: list[int] | None = None,
    limit: int | None = None,
    newest_first: bool = True,
) -> sa.Select[Any]:
    """Attempts matching every filter; a sequence of carriers or numbers matches any of them."""
    stmt = sa.select(attempts)
    for column, many in ((attempts.c.carrier, carrier), (attempts.c.number, number)):
        if many is None or isinstance(many, str):
            continue
        stmt = stmt.where(column.in_(list(many)))
    for column, value in (
        (attempts.c.carrier, carrier if isinstance(carrier, str) else None),
        (attempts.c.number, number if isinstance(number, str) else None),
        (attempts.c.run_id, run_id),
        (attempts.c.handset_id, handset_id),
        (attempts.c.status, status),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(attempts.c.dialed_at >= since)
    if until is not None:
        stmt = stmt.where(attempts.c.dialed_at < until)
    if ids is not None:
        stmt = stmt.where(attempts.c.id.in_(ids))
    if newest_first:
        stmt = stmt.order_by(attempts.c.dialed_at.desc(), attempts.c.id.desc())
    else:
        stmt = stmt.order_by(attempts.c.dialed_at, attempts.c.id)
    return stmt.limit(limit) if limit is not None else stmt
