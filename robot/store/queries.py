"""The read side of the store for reports and the CLI; every aggregation runs in SQL.

Periods are half-open `[start, end)` in UTC. Anything with `.start` and `.end` datetimes works
as a period (the report's `Period`, or `Window` here). Only completed attempts count towards
states; `error` attempts (our trunk or robot failed) say nothing about a number and are left out
of latest and dominant states, but are counted in `Counts.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from robot.domain.model import Attempt
from robot.store.mapping import row_to_attempt
from robot.store.schema import attempts
from robot.store.states import SEVERITY, ScreenState


class Span(Protocol):
    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open period [start, end) in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class LatestState:
    """The most recent classified attempt of one (number, carrier)."""

    number: str
    carrier: str
    state: str
    attempt: Attempt


@dataclass(frozen=True, slots=True)
class PeriodState:
    """The dominant state of one (number, carrier) over a period, with evidence."""

    number: str
    carrier: str
    state: str
    state_attempts: int  # attempts in that state
    attempts: int  # classified attempts of this (number, carrier) in the period
    evidence_id: int  # the latest attempt in the dominant state
    name: str | None
    spam_label: str | None
    final_code: int | None
    screenshot: str | None

    @property
    def rate(self) -> float:
        return self.state_attempts / self.attempts if self.attempts else 0.0


@dataclass(frozen=True, slots=True)
class StateChange:
    """One (number, carrier) whose dominant state, name or label moved between two periods."""

    number: str
    carrier: str
    before: PeriodState | None
    after: PeriodState | None

    @property
    def worsened_by(self) -> int:
        """Positive for a regression (severity went up), negative for an improvement."""
        before = SEVERITY[ScreenState(self.before.state)] if self.before else 0
        after = SEVERITY[ScreenState(self.after.state)] if self.after else 0
        return after - before


@dataclass(frozen=True, slots=True)
class Counts:
    """Headline figures of a period; rates are left to the caller (and to the zero check)."""

    attempts: int = 0  # completed attempts
    interrupted: int = 0
    delivered: int = 0
    blocked: int = 0
    labelled: int = 0
    verified: int = 0  # delivered with the verified badge read as yes
    clean: int = 0  # delivered, no label, name fine (verified or not)
    misnamed: int = 0
    not_delivered: int = 0
    errors: int = 0
    numbers: int = 0
    carriers: int = 0


_CLASSIFIED = sa.and_(
    attempts.c.status == "completed",
    attempts.c.state.is_not(None),
    attempts.c.state != ScreenState.ERROR.value,
)


def _in(span: Span | None) -> list[sa.ColumnElement[bool]]:
    if span is None:
        return []
    return [attempts.c.dialed_at >= span.start, attempts.c.dialed_at < span.end]


def latest_states(conn: sa.Connection, span: Span | None, carrier: str | None) -> list[LatestState]:
    where = [_CLASSIFIED, *_in(span)]
    if carrier is not None:
        where.append(attempts.c.carrier == carrier)
    rn = (
        sa.func.row_number()
        .over(
            partition_by=(attempts.c.number, attempts.c.carrier),
            order_by=(attempts.c.dialed_at.desc(), attempts.c.id.desc()),
        )
        .label("rn")
    )
    ranked = sa.select(attempts.c.id, rn).where(*where).subquery()
    stmt = (
        sa.select(attempts)
        .join(ranked, ranked.c.id == attempts.c.id)
        .where(ranked.c.rn == 1)
        .order_by(attempts.c.number, attempts.c.carrier)
    )
    return [
        LatestState(row.number, row.carrier, row.state, row_to_attempt(row._mapping))
        for row in conn.execute(stmt)
    ]


def _severity(column: Any) -> sa.ColumnElement[int]:
    return sa.case({s.value: n for s, n in SEVERITY.items()}, value=column, else_=0)


_EVIDENCE = ("state", "n", "total", "last_id", "name", "spam_label", "final_code", "screenshot")


def dominant_select(spans: dict[str, Span]) -> sa.Select[Any]:
    """Per period tag and (number, carrier): the most frequent state, ties to the worse one.

    One pass over the attempts of all `spans` (tagged by their key), so comparing two periods
    needs no join between two aggregates, which SQLite would do row by row.
    """
    tag = sa.case(
        *((sa.and_(*_in(span)), sa.literal(key)) for key, span in spans.items()),
        else_=sa.null(),
    ).label("period")
    in_any = sa.or_(*(sa.and_(*_in(span)) for span in spans.values()))
    per_state = (
        sa.select(
            tag,
            attempts.c.number,
            attempts.c.carrier,
            attempts.c.state,
            sa.func.count().label("n"),
            sa.func.max(attempts.c.id).label("last_id"),
        )
        .where(_CLASSIFIED, in_any)
        .group_by(tag, attempts.c.number, attempts.c.carrier, attempts.c.state)
        .subquery("per_state")
    )
    key = (per_state.c.period, per_state.c.number, per_state.c.carrier)
    ranked = sa.select(
        per_state,
        sa.func.row_number()
        .over(
            partition_by=key,
            order_by=(
                per_state.c.n.desc(),
                _severity(per_state.c.state).desc(),
                per_state.c.last_id.desc(),
            ),
        )
        .label("rn"),
        sa.func.sum(per_state.c.n).over(partition_by=key).label("total"),
    ).subquery("ranked")
    evidence = attempts.alias("evidence")
    return (
        sa.select(
            ranked.c.period,
            ranked.c.number,
            ranked.c.carrier,
            ranked.c.state,
            ranked.c.n,
            ranked.c.total,
            ranked.c.last_id,
            evidence.c.name,
            evidence.c.spam_label,
            evidence.c.final_code,
            evidence.c.screenshot,
        )
        .join(evidence, evidence.c.id == ranked.c.last_id)
        .where(ranked.c.rn == 1)
    )


def _period_state(row: Any, prefix: str = "") -> PeriodState | None:
    m = row._mapping
    if m[f"{prefix}state"] is None:
        return None
    return PeriodState(
        number=m["number"],
        carrier=m["carrier"],
        state=m[f"{prefix}state"],
        state_attempts=int(m[f"{prefix}n"]),
        attempts=int(m[f"{prefix}total"]),
        evidence_id=int(m[f"{prefix}last_id"]),
        name=m[f"{prefix}name"],
        spam_label=m[f"{prefix}spam_label"],
        final_code=m[f"{prefix}final_code"],
        screenshot=m[f"{prefix}screenshot"],
    )


def period_states(conn: sa.Connection, span: Span) -> list[PeriodState]:
    dom = dominant_select({"p": span}).subquery("dom")
    stmt = sa.select(dom).order_by(dom.c.number, dom.c.carrier)
    return [s for s in (_period_state(row) for row in conn.execute(stmt)) if s]


def changes(
    conn: sa.Connection, previous: Span, current: Span, only_changed: bool
) -> list[StateChange]:
    """Before/after dominant states side by side (pivoted with GROUP BY), regressions first.

    If the two periods overlap, an attempt in both counts for the previous one.
    """
    dom = dominant_select({"b": previous, "a": current}).subquery("dom")

    def side(tag: str, column: str) -> Any:
        value = sa.case((dom.c.period == tag, dom.c[column]), else_=sa.null())
        return sa.func.max(value).label(f"{tag}_{column}")

    pivot = (
        sa.select(
            dom.c.number,
            dom.c.carrier,
            *(side(tag, column) for tag in ("b", "a") for column in _EVIDENCE),
        )
        .group_by(dom.c.number, dom.c.carrier)
        .subquery("pivot")
    )
    worsened = _severity(pivot.c.a_state) - _severity(pivot.c.b_state)
    stmt = sa.select(pivot).order_by(worsened.desc(), pivot.c.number, pivot.c.carrier)
    if only_changed:
        stmt = stmt.where(
            sa.or_(
                pivot.c.b_state.is_distinct_from(pivot.c.a_state),
                pivot.c.b_name.is_distinct_from(pivot.c.a_name),
                pivot.c.b_spam_label.is_distinct_from(pivot.c.a_spam_label),
            )
        )
    return [
        StateChange(
            number=row.number,
            carrier=row.carrier,
            before=_period_state(row, "b_"),
            after=_period_state(row, "a_"),
        )
        for row in conn.execute(stmt)
    ]


def _count_when(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def counts_select(span: Span | None, by_carrier: bool) -> sa.Select[Any]:
    completed = attempts.c.status == "completed"
    state = attempts.c.state
    columns: list[Any] = [
        _count_when(completed).label("attempts"),
        _count_when(attempts.c.status == "interrupted").label("interrupted"),
        _count_when(sa.and_(completed, attempts.c.delivery == "delivered")).label("delivered"),
        _count_when(state == "blocked").label("blocked"),
        _count_when(state == "labelled").label("labelled"),
        _count_when(
            sa.and_(completed, attempts.c.delivery == "delivered", attempts.c.verified == "yes")
        ).label("verified"),
        _count_when(state.in_(("clean", "verified"))).label("clean"),
        _count_when(state == "misnamed").label("misnamed"),
        _count_when(state == "not_delivered").label("not_delivered"),
        _count_when(state == "error").label("errors"),
        sa.func.count(sa.distinct(attempts.c.number)).label("numbers"),
        sa.func.count(sa.distinct(attempts.c.carrier)).label("carriers"),
    ]
    if by_carrier:
        columns.insert(0, attempts.c.carrier)
    stmt = sa.select(*columns).where(*_in(span))
    if by_carrier:
        stmt = stmt.group_by(attempts.c.carrier).order_by(attempts.c.carrier)
    return stmt


def row_to_counts(row: Any) -> Counts:
    m = row._mapping
    return Counts(**{f: int(m[f] or 0) for f in Counts.__dataclass_fields__})


@dataclass(frozen=True, slots=True)
class CallCounts:
    """Calls dialled since some moment, per caller number and per handset (daily budgets)."""

    by_number: dict[str, int]
    by_handset: dict[str, int]


def calls_since(conn: sa.Connection, since: datetime) -> CallCounts:
    """Two GROUP BYs over the attempts dialled since `since`, whatever their outcome."""
    a = attempts.c
    recent = a.dialed_at >= since
    by_number = conn.execute(
        sa.select(a.number, sa.func.count()).where(recent).group_by(a.number)
    ).all()
    by_handset = conn.execute(
        sa.select(a.handset_id, sa.func.count())
        .where(recent, a.handset_id.is_not(None))
        .group_by(a.handset_id)
    ).all()
    return CallCounts(
        by_number={str(n): int(c) for n, c in by_number},
        by_handset={str(h): int(c) for h, c in by_handset},
    )
