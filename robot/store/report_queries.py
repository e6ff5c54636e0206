"""SQL aggregation behind the weekly report: every count is a GROUP BY or a window function.

The period's own tables (matrix, totals, attestation, Do-Not-Originate, handsets, unjudged
calls) come from one pass in `robot.store.period_facts`; the trend, the blocked calls and the
scenarios are here.

The report reads one period (83 000 attempts in a busy week) plus the trailing trend window,
so nothing here loops over attempt rows in Python: each function runs one statement and
returns a few rows per number × carrier cell, carrier or group. The same statements run on
SQLite (3.25+, for window functions) and PostgreSQL.

"Conclusive" attempts are those that say something about the network: completed, and not a
robot-side failure (trunk or device error) nor a SIP-only outcome. Rates use only those.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from robot.store.damaged import DECODE_ERRORS, decode_row, raw_select, utc_or_none
from robot.store.schema import attempts, runs

# Values of `attempts.state` (robot/store/states.py) that say something about the network;
# `error` (our robot or trunk failed) and NULL (in progress, interrupted) do not.
CONCLUSIVE_STATES = ("blocked", "labelled", "not_delivered", "misnamed", "clean", "verified")
CLEAN_STATES = ("clean", "verified")

a = attempts.c


def _flag(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    """1/0 for SUM(): portable across SQLite and PostgreSQL booleans."""
    return sa.case((condition, 1), else_=0)


def _in_period(
    start: datetime, end: datetime, scenarios: Sequence[str] = ()
) -> sa.ColumnElement[bool]:
    """Dialled in [start, end), by runs of `scenarios` when any are named."""
    return sa.and_(a.dialed_at >= start, a.dialed_at < end, of_scenarios(scenarios))


def of_scenarios(scenarios: Sequence[str]) -> sa.ColumnElement[bool]:
    """Attempts of runs of these scenarios (every attempt when none is named)."""
    if not scenarios:
        return sa.true()
    return a.run_id.in_(sa.select(runs.c.id).where(runs.c.scenario.in_(list(scenarios))))


def variant_of(split: Sequence[str]) -> sa.ColumnElement[str]:
    """The matrix row variant of an attempt: its scenario when that scenario expects something
    of its own (a name override), else "" (the project's expectations, one shared row)."""
    if not split:
        return sa.literal("", sa.String)
    return sa.func.coalesce(
        sa.select(runs.c.scenario)
        .where(runs.c.id == a.run_id, runs.c.scenario.in_(list(split)))
        .scalar_subquery(),
        "",
    )


def conclusive() -> sa.ColumnElement[bool]:
    return a.state.in_(CONCLUSIVE_STATES)


BLOCKED = a.delivery == "blocked"


def _row(result: Any) -> dict[str, Any]:
    return dict(result._mapping)


def tune_for_reading(conn: sa.Connection) -> None:
    """Let this connection map the SQLite file into memory for the big scans (a no-op on
    PostgreSQL). Per connection only: writers and other readers are unaffected."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA mmap_size = 1073741824")
        conn.exec_driver_sql("PRAGMA cache_size = -65536")


def trend(
    conn: sa.Connection, bounds: Sequence[datetime], scenarios: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Per carrier and period (index into `bounds`, whose n+1 edges make n periods).

    A twelve-week window is most of a store, so how it is read decides the time. SQLite:
    one statement a period grouped by carrier, which the (carrier, dialed_at, state,
    delivery, verified, run_id) index answers alone, in order, with nothing sorted (one
    statement bucketing every row took 2 to 3 s on a million calls, this 0.5 s). PostgreSQL
    has no skip scan to use that index per period; one parallel pass over the window that
    buckets each row is its fastest plan.
    """
    if conn.dialect.name == "sqlite":
        rows = [
            row
            for bucket, (start, end) in enumerate(itertools.pairwise(bounds))
            for row in _trend_rows(conn, start, end, sa.literal(bucket), scenarios, (a.carrier,))
        ]
    else:
        bucket = sa.case(
            *[(a.dialed_at < edge, i) for i, edge in enumerate(bounds[1:])], else_=None
        )
        rows = _trend_rows(conn, bounds[0], bounds[-1], bucket, scenarios, (a.carrier, bucket))
    return sorted(rows, key=lambda r: (r["carrier"], r["bucket"]))


def _trend_rows(
    conn: sa.Connection,
    start: datetime,
    end: datetime,
    bucket: sa.ColumnElement[Any],
    scenarios: Sequence[str],
    group_by: Sequence[sa.ColumnElement[Any]],
) -> list[dict[str, Any]]:
    delivered = a.delivery == "delivered"
    stmt = (
        sa.select(
            a.carrier,
            bucket.label("bucket"),
            sa.func.count().label("attempts"),
            sa.func.sum(_flag(delivered)).label("delivered"),
            sa.func.sum(_flag(a.state == "labelled")).label("labelled"),
            sa.func.sum(_flag(sa.and_(delivered, a.verified == "yes"))).label("verified"),
        )
        .where(_in_period(start, end, scenarios), conclusive())
        .group_by(*group_by)
    )
    return [_row(row) for row in conn.execute(stmt)]


@dataclass(frozen=True, slots=True)
class BlockedGroups:
    rows: list[dict[str, Any]]
    total_groups: int


def blocked(
    conn: sa.Connection,
    start: datetime,
    end: datetime,
    limit: int = 200,
    scenarios: Sequence[str] = (),
) -> BlockedGroups:
    """Blocks grouped by number, carrier and SIP code, with the newest block's details."""
    part = (a.number, a.carrier, a.final_code)
    ranked = (
        sa.select(
            a.id,
            a.number,
            a.carrier,
            a.dialed_at,
            a.final_code,
            a.final_phrase,
            a.reason_protocol,
            a.reason_cause,
            a.reason_text,
            a.reason_location,
            a.redress,
            sa.func.row_number()
            .over(partition_by=part, order_by=(a.dialed_at.desc(), a.id.desc()))
            .label("rn"),
            sa.func.count().over(partition_by=part).label("count"),
        )
        .where(_in_period(start, end, scenarios), a.status == "completed", BLOCKED)
        .subquery()
    )
    r = ranked.c
    newest = sa.select(ranked).where(r.rn == 1)
    total = conn.execute(sa.select(sa.func.count()).select_from(newest.subquery())).scalar_one()
    rows = conn.execute(newest.order_by(r["count"].desc(), r.number, r.carrier).limit(limit)).all()
    return BlockedGroups([_row(row) for row in rows], int(total))


def scenarios(
    conn: sa.Connection, start: datetime, end: datetime, only: Sequence[str] = ()
) -> list[dict[str, Any]]:
    stmt = (
        sa.select(
            runs.c.scenario,
            sa.func.count(sa.distinct(runs.c.id)).label("runs"),
            sa.func.count(a.id).label("attempts"),
        )
        .select_from(attempts.join(runs, runs.c.id == a.run_id))
        .where(_in_period(start, end, only))
        .group_by(runs.c.scenario)
        .order_by(runs.c.scenario)
    )
    return [_row(row) for row in conn.execute(stmt)]


def evidence_summary(
    conn: sa.Connection,
    number: str,
    carrier: str | None,
    start: datetime | None,
    end: datetime | None,
) -> list[dict[str, Any]]:
    """What a disputed number's calls showed, grouped: carrier, state, label, SIP code."""
    keys = (a.carrier, a.state, a.spam_label, a.final_code)
    stmt = sa.select(
        *keys,
        sa.func.count().label("calls"),
        sa.func.min(a.dialed_at).label("first_at"),
        sa.func.max(a.dialed_at).label("last_at"),
    ).where(a.number == number, a.state.is_not(None))
    if carrier:
        stmt = stmt.where(a.carrier == carrier)
    if start is not None:
        stmt = stmt.where(a.dialed_at >= start)
    if end is not None:
        stmt = stmt.where(a.dialed_at < end)
    stmt = stmt.group_by(*keys).order_by(a.carrier, sa.func.count().desc())
    try:
        return [_row(row) for row in conn.execute(stmt)]
    except DECODE_ERRORS:  # a damaged time in the store: those bounds are left unknown
        raw = stmt.with_only_columns(
            *keys,
            sa.func.count().label("calls"),
            sa.type_coerce(sa.func.min(a.dialed_at), sa.types.NullType()).label("first_at"),
            sa.type_coerce(sa.func.max(a.dialed_at), sa.types.NullType()).label("last_at"),
        )
        return [
            {
                **_row(row),
                "first_at": utc_or_none(row.first_at),
                "last_at": utc_or_none(row.last_at),
            }
            for row in conn.execute(raw)
        ]


def attempts_for_evidence(
    conn: sa.Connection,
    number: str,
    carrier: str | None,
    start: datetime | None,
    end: datetime | None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Every stored field of one number's attempts, newest first, for an evidence bundle."""
    stmt = sa.select(attempts).where(a.number == number)
    if carrier:
        stmt = stmt.where(a.carrier == carrier)
    if start is not None:
        stmt = stmt.where(a.dialed_at >= start)
    if end is not None:
        stmt = stmt.where(a.dialed_at < end)
    stmt = stmt.order_by(a.dialed_at.desc(), a.id.desc()).limit(limit)
    try:
        return [_row(row) for row in conn.execute(stmt)]
    except DECODE_ERRORS:  # a damaged row: every row read raw, the bad values named
        rows = []
        for row in conn.execute(stmt.with_only_columns(*raw_select(attempts))):
            values, damaged = decode_row(attempts, row._mapping)
            rows.append({**values, "damaged": damaged})
        return rows


def last_attempt_at(conn: sa.Connection, scenarios: Sequence[str] = ()) -> datetime | None:
    """When the newest attempt (of these scenarios) was dialled: where to point a person whose
    period holds none."""
    value = conn.execute(sa.select(sa.func.max(a.dialed_at)).where(of_scenarios(scenarios)))
    result: datetime | None = value.scalar_one()
    return result


def known_scenarios(conn: sa.Connection) -> list[str]:
    """Every scenario with a run in the store, for "did you mean" on `--scenario`."""
    rows = conn.execute(sa.select(runs.c.scenario).distinct().order_by(runs.c.scenario))
    return [str(r[0]) for r in rows]


def known_carriers(conn: sa.Connection) -> list[str]:
    """Every carrier with an attempt in the store, for "did you mean" on `--carrier`."""
    rows = conn.execute(sa.select(a.carrier).distinct().order_by(a.carrier))
    return [str(r[0]) for r in rows]


UNJUDGED = ("device_error", "trunk_error", "signing_rejected", "foreign_call")
