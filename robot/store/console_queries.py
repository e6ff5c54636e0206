"""The read side of the store for the web console and its API.

Everything here answers one page or one poll in a few index probes, also with a million
attempts: the matrix asks, per (number, carrier) cell of the project, for its latest
classified attempt (one probe of the `(number, carrier, dialed_at)` index each) instead of
ranking every attempt; lists page backwards by id (keyset), never with OFFSET.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from robot.domain.model import Attempt, Run
from robot.store.engine import read_tx
from robot.store.mapping import row_to_attempt, row_to_run
from robot.store.schema import attempts, runs
from robot.store.states import ScreenState

a = attempts.c

_CLASSIFIED = sa.and_(
    a.status == "completed", a.state.is_not(None), a.state != ScreenState.ERROR.value
)


@dataclass(frozen=True, slots=True)
class AttemptFilter:
    """What a person narrowed a list of attempts to; an empty field does not filter."""

    numbers: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    deliveries: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()  # pass / fail / uncertain / warn
    states: tuple[str, ...] = ()  # what the screen showed (store/states.py)
    statuses: tuple[str, ...] = ()  # in_progress / completed / interrupted
    handset: str | None = None
    run_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        for column, values in (
            (a.number, self.numbers),
            (a.carrier, self.carriers),
            (a.delivery, self.deliveries),
            (a.verdict, self.verdicts),
            (a.state, self.states),
            (a.status, self.statuses),
        ):
            if values:
                clauses.append(column.in_(list(values)))
        if self.scenarios:
            clauses.append(
                a.run_id.in_(sa.select(runs.c.id).where(runs.c.scenario.in_(self.scenarios)))
            )
        if self.handset is not None:
            clauses.append(a.handset_id == self.handset)
        if self.run_id is not None:
            clauses.append(a.run_id == self.run_id)
        if self.since is not None:
            clauses.append(a.dialed_at >= self.since)
        if self.until is not None:
            clauses.append(a.dialed_at < self.until)
        return clauses


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list, newest first; `next_before` pages on (None: this is the last)."""

    items: list[Any]
    next_before: int | None


@dataclass(frozen=True, slots=True)
class CellLatest:
    """The latest classified attempt of one (number, carrier) cell."""

    number: str
    carrier: str
    attempt_id: int
    state: str
    dialed_at: datetime
    name: str | None
    spam_label: str | None
    verified: str | None
    final_code: int | None
    delivery: str | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A run with who asked to cancel it, if anybody."""

    run: Run
    cancel_requested_by: str | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a run has got, counted from its attempts (retries included)."""

    attempts: int = 0
    in_progress: int = 0
    completed: int = 0
    interrupted: int = 0
    passed: int = 0  # pass or warn, as the run summary counts them
    failed: int = 0
    uncertain: int = 0
    errors: int = 0


def _page(rows: list[Any], limit: int, key: Any) -> Page:
    more = len(rows) > limit
    items = rows[:limit]
    return Page(items, key(items[-1]) if more and items else None)


class SqlConsoleReads:
    """Queries for the console's pages and API (SQLite and PostgreSQL alike)."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def attempts(self, where: AttemptFilter, *, before: int | None, limit: int) -> Page:
        """Attempts matching `where`, newest (highest id) first."""
        stmt = sa.select(attempts).where(*where.where()).order_by(a.id.desc()).limit(limit + 1)
        if before is not None:
            stmt = stmt.where(a.id < before)
        with read_tx(self._engine) as conn:
            found = [row_to_attempt(r._mapping) for r in conn.execute(stmt)]
        return _page(found, limit, lambda item: item.id)

    def runs(
        self,
        *,
        before: int | None,
        limit: int,
        scenario: str | None = None,
        statuses: Sequence[str] = (),
        ids: Sequence[int] | None = None,
    ) -> Page:
        """Runs newest first, with who asked to cancel them."""
        stmt = sa.select(runs).order_by(runs.c.id.desc()).limit(limit + 1)
        if before is not None:
            stmt = stmt.where(runs.c.id < before)
        if scenario is not None:
            stmt = stmt.where(runs.c.scenario == scenario)
        if statuses:
            stmt = stmt.where(runs.c.status.in_(list(statuses)))
        if ids is not None:
            stmt = stmt.where(runs.c.id.in_(list(ids)))
        with read_tx(self._engine) as conn:
            found = [
                RunRecord(row_to_run(r._mapping), r.cancel_requested_by) for r in conn.execute(stmt)
            ]
        return _page(found, limit, lambda item: item.run.id)

    def run(self, run_id: int) -> RunRecord | None:
        page = self.runs(before=None, limit=1, ids=[run_id])
        return page.items[0] if page.items else None

    def progress(self, run_ids: Sequence[int]) -> dict[int, Progress]:
        """Per run: its attempts by status and by verdict (one GROUP BY over the run_id index)."""
        if not run_ids:
            return {}

        def count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
            return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

        stmt = (
            sa.select(
                a.run_id,
                sa.func.count().label("attempts"),
                count(a.status == "in_progress").label("in_progress"),
                count(a.status == "completed").label("completed"),
                count(a.status == "interrupted").label("interrupted"),
                count(a.verdict.in_(("pass", "warn"))).label("passed"),
                count(a.verdict == "fail").label("failed"),
                count(a.verdict == "uncertain").label("uncertain"),
                count(a.state == ScreenState.ERROR.value).label("errors"),
            )
            .where(a.run_id.in_(list(run_ids)))
            .group_by(a.run_id)
        )
        with read_tx(self._engine) as conn:
            rows = conn.execute(stmt).all()
        fields = Progress.__dataclass_fields__
        return {int(r.run_id): Progress(**{f: int(r._mapping[f]) for f in fields}) for r in rows}

    def latest_cells(self, numbers: Sequence[str], carriers: Sequence[str]) -> list[CellLatest]:
        """Per (number, carrier) of the two lists: its latest classified attempt, if any."""
        if not numbers or not carriers:
            return []
        with read_tx(self._engine) as conn:
            nums = _values(conn, list(dict.fromkeys(numbers)), "n")
            cars = _values(conn, list(dict.fromkeys(carriers)), "c")
            latest = (
                sa.select(a.id)
                .where(a.number == nums.c.value, a.carrier == cars.c.value, _CLASSIFIED)
                .order_by(a.dialed_at.desc(), a.id.desc())
                .limit(1)
                .correlate(nums, cars)
                .scalar_subquery()
            )
            cells = (
                sa.select(nums.c.value.label("number"), cars.c.value.label("carrier"))
                .add_columns(latest.label("attempt_id"))
                .select_from(nums.join(cars, sa.true()))
                .subquery("cells")
            )
            stmt = sa.select(
                cells.c.number,
                cells.c.carrier,
                a.id,
                a.state,
                a.dialed_at,
                a.name,
                a.spam_label,
                a.verified,
                a.final_code,
                a.delivery,
            ).join(attempts, a.id == cells.c.attempt_id)
            rows = conn.execute(stmt).all()
        return [
            CellLatest(
                number=str(r.number),
                carrier=str(r.carrier),
                attempt_id=int(r.id),
                state=str(r.state),
                dialed_at=r.dialed_at,
                name=r.name,
                spam_label=r.spam_label,
                verified=r.verified,
                final_code=r.final_code,
                delivery=r.delivery,
            )
            for r in rows
        ]

    def latest_by_handset(self, handset_ids: Sequence[str]) -> dict[str, Attempt]:
        """Per handset: its latest attempt with a screenshot (one index probe each)."""
        out: dict[str, Attempt] = {}
        with read_tx(self._engine) as conn:
            for handset_id in handset_ids:
                row = conn.execute(
                    sa.select(attempts)
                    .where(a.handset_id == handset_id, a.screenshot.is_not(None))
                    .order_by(a.dialed_at.desc(), a.id.desc())
                    .limit(1)
                ).first()
                if row is not None:
                    out[handset_id] = row_to_attempt(row._mapping)
        return out

    def any_between(self, spans: Sequence[tuple[datetime, datetime]]) -> list[bool]:
        """For each [start, end): whether any attempt was dialled in it (an index probe each)."""
        out = []
        with read_tx(self._engine) as conn:
            for start, end in spans:
                probe = sa.select(a.id).where(a.dialed_at >= start, a.dialed_at < end).limit(1)
                out.append(conn.execute(probe).first() is not None)
        return out

    def last_attempt_between(self, start: datetime, end: datetime) -> int | None:
        """The highest attempt id dialled in [start, end), None when there is none (a cached
        weekly report stays valid while this does not change)."""
        stmt = sa.select(sa.func.max(a.id)).where(a.dialed_at >= start, a.dialed_at < end)
        with read_tx(self._engine) as conn:
            found = conn.execute(stmt).scalar()
        return int(found) if found is not None else None

    def first_and_last(self) -> tuple[datetime | None, datetime | None]:
        with read_tx(self._engine) as conn:
            first = conn.execute(sa.select(sa.func.min(a.dialed_at))).scalar()
            last = conn.execute(sa.select(sa.func.max(a.dialed_at))).scalar()
        return first, last


def _values(conn: sa.Connection, values: list[str], name: str) -> Any:
    """A one-column table of `values` (column `value`) for a join in SQL: `unnest` of an array
    on PostgreSQL, `json_each` of a JSON array on SQLite."""
    if conn.dialect.name == "postgresql":
        param = sa.bindparam(f"{name}_values", values, type_=postgresql.ARRAY(sa.String))
        return sa.func.unnest(param).table_valued("value").render_derived(name=name)
    param = sa.bindparam(f"{name}_values", json.dumps(values), type_=sa.String)
    return sa.func.json_each(param).table_valued("value").alias(name)
