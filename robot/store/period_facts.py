"""One pass over a report period: every attempt counted once, in groups fine enough that the
matrix cells, the totals, the attestation and Do-Not-Originate tables, the handsets and the
unjudged calls are all sums over those groups.

Why: the report ran a statement per table, and the matrix one numbered every attempt of the
period with window functions (3 s of the 10 a million-attempt report spent in SQL on SQLite).
Here the database scans the period once and returns a row per distinct combination of the
columns the report counts by (a few per number × carrier cell); the newest attempt in each
cell's dominant state is then fetched by key through the (number, carrier, dialed_at) index.
The figures are the same as the per-table statements gave, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from robot.store.report_queries import (
    CLEAN_STATES,
    CONCLUSIVE_STATES,
    UNJUDGED,
    conclusive,
    of_scenarios,
    variant_of,
)
from robot.store.schema import attempts
from robot.store.states import SEVERITY
from robot.store.types import UtcDateTime

a = attempts.c
_RAW = sa.types.NullType()
_TIME = UtcDateTime()
_SEVERITY = {state.value: rank for state, rank in SEVERITY.items()}
_CONCLUSIVE = frozenset(CONCLUSIVE_STATES)
_CLEAN = frozenset(CLEAN_STATES)
_UNJUDGED = frozenset(UNJUDGED)
# keys per statement when fetching the newest attempts (3 bound values each)
_KEYS_PER_FETCH = 500

# The newest attempt's columns a matrix cell shows (its evidence and what its screen said).
LATEST_COLUMNS = (
    a.id,
    a.dialed_at,
    a.state,
    a.delivery,
    a.handset_id,
    a.name,
    a.number_shown,
    a.spam_label,
    a.spam_class,
    a.verified,
    a.final_code,
    a.final_phrase,
    a.screenshot,
    a.page_source,
    a.sip_trace,
    a.verdict_checks,
)


class Group(NamedTuple):
    """Attempts of one period that agree on every column the report counts by (a tuple: a
    busy week has thousands of groups)."""

    number: str
    carrier: str
    variant: str
    display: str
    state: str | None
    status: str
    delivery: str | None
    verified: str | None
    attestation: str | None
    handset_id: str | None
    calls: int
    # `min`/`max(dialed_at)` as the database holds them: the newest is the key that fetches
    # that attempt again, and only the period's first and last become datetimes
    oldest: Any
    newest: Any

    @property
    def conclusive(self) -> bool:
        return self.state in _CONCLUSIVE

    @property
    def delivered(self) -> bool:
        return self.delivery == "delivered"

    @property
    def badge(self) -> bool:
        return self.delivered and self.verified == "yes"


@dataclass(frozen=True, slots=True)
class PeriodFacts:
    """The groups of one period, and what the report reads off them."""

    groups: tuple[Group, ...]
    dialect: Dialect
    start: datetime
    end: datetime
    scenarios: tuple[str, ...]
    split: tuple[str, ...]

    def totals(self) -> dict[str, Any]:
        """Headline counts: every attempt, and the conclusive ones by what they showed."""
        ok = [g for g in self.groups if g.conclusive]
        delivered = [g for g in ok if g.delivered]
        as_time = _TIME.process_result_value
        return {
            "attempts": sum(g.calls for g in self.groups),
            "conclusive": sum(g.calls for g in ok),
            "delivered": sum(g.calls for g in delivered),
            "clean": sum(g.calls for g in delivered if g.state in _CLEAN),
            "verified": sum(g.calls for g in ok if g.badge),
            "labelled": sum(g.calls for g in ok if g.state == "labelled"),
            "blocked": sum(g.calls for g in ok if g.delivery == "blocked"),
            "numbers": len({g.number for g in ok}),
            "carriers": len({g.carrier for g in ok}),
            "first_at": as_time(min((g.oldest for g in self.groups), default=None), self.dialect),
            "last_at": as_time(max((g.newest for g in self.groups), default=None), self.dialect),
        }

    def display_states(self) -> list[str]:
        """The display states the period's conclusive calls were made in ("" = not recorded)."""
        return sorted({g.display for g in self.groups if g.conclusive})

    def attestation(self) -> list[dict[str, Any]]:
        """Delivered calls and verified badges per carrier and attestation level signed with."""
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for g in self.groups:
            if g.conclusive and g.delivered:
                pair = counts[(g.carrier, g.attestation or "none")]
                pair[0] += g.calls
                pair[1] += g.calls if g.verified == "yes" else 0
        return [
            {"carrier": carrier, "level": level, "delivered": n, "verified": v}
            for (carrier, level), (n, v) in sorted(counts.items())
        ]

    def dno(self, numbers: Sequence[str]) -> list[dict[str, Any]]:
        """Calls, blocks and deliveries of Do-Not-Originate numbers per carrier."""
        wanted = set(numbers)
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for g in self.groups:
            if g.conclusive and g.number in wanted:
                row = counts[(g.number, g.carrier)]
                row[0] += g.calls
                row[1] += g.calls if g.delivery == "blocked" else 0
                row[2] += g.calls if g.delivered else 0
        return [
            {"number": n, "carrier": c, "attempts": k, "blocked": b, "delivered": d}
            for (n, c), (k, b, d) in sorted(counts.items())
        ]

    def handsets(self) -> list[dict[str, Any]]:
        """Attempts per handset (any outcome), carrier by carrier."""
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for g in self.groups:
            if g.handset_id is not None:
                counts[(g.carrier, g.handset_id)] += g.calls
        return [
            {"handset_id": h, "carrier": c, "attempts": n} for (c, h), n in sorted(counts.items())
        ]

    def unjudged(self) -> list[dict[str, Any]]:
        """Calls that say nothing about a number (robot, trunk or signing errors, somebody
        else's call, interrupted calls), counted per kind, most first."""
        counts: dict[str, int] = defaultdict(int)
        for g in self.groups:
            if g.status != "completed" or g.delivery is None:
                counts["interrupted"] += g.calls
            elif g.delivery in _UNJUDGED:
                counts[g.delivery] += g.calls
        return [
            {"kind": k, "calls": n} for k, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
        ]

    def cells(self, conn: sa.Connection, by_display: bool) -> list[dict[str, Any]]:
        """Per number × carrier (× variant; × display state with `by_display`): the dominant
        state of the period (most calls; ties go to the worse state), its share, the cell's
        counts, and the newest attempt in that state (its screen and evidence)."""
        tallies: dict[tuple[str, str, str, str], _Tally] = {}
        for g in self.groups:
            if not g.conclusive:
                continue
            key = (g.number, g.carrier, g.variant, g.display if by_display else "")
            tallies.setdefault(key, _Tally()).add(g)
        newest = _newest_attempts(conn, self, tallies, by_display)
        rows = []
        for key, tally in tallies.items():
            _, same_state, _ = tally.dominant()
            latest = newest.get(key)
            if latest is None:  # changed since the count (pruned, rewritten): left out
                continue
            number, carrier, variant, display = key
            rows.append(
                {
                    **latest,
                    "number": number,
                    "carrier": carrier,
                    "variant": variant,
                    "display": display,
                    "same_state": same_state,
                    "attempts": tally.calls,
                    "n_delivered": tally.delivered,
                    "n_labelled": tally.labelled,
                    "n_verified": tally.verified,
                    "n_blocked": tally.blocked,
                }
            )
        rows.sort(key=lambda r: (r["number"], r["variant"], r["carrier"], r["display"]))
        return rows


class _Tally:
    """One matrix cell's counts while its groups are summed."""

    __slots__ = ("blocked", "calls", "delivered", "labelled", "states", "verified")

    def __init__(self) -> None:
        self.calls = self.delivered = self.labelled = self.verified = self.blocked = 0
        self.states: dict[str, list[Any]] = {}  # state → [calls, newest dialed_at (raw)]

    def add(self, g: Group) -> None:
        self.calls += g.calls
        self.delivered += g.calls if g.delivered else 0
        self.labelled += g.calls if g.state == "labelled" else 0
        self.verified += g.calls if g.badge else 0
        self.blocked += g.calls if g.delivery == "blocked" else 0
        assert g.state is not None
        seen = self.states.setdefault(g.state, [0, g.newest])
        seen[0] += g.calls
        if g.newest > seen[1]:
            seen[1] = g.newest

    def dominant(self) -> tuple[str, int, Any]:
        """(state, its calls, its newest dialed_at): most calls, ties to the worse state."""
        state, (calls, newest) = max(
            self.states.items(), key=lambda item: (item[1][0], _SEVERITY.get(item[0], 0))
        )
        return state, calls, newest


def period_facts(
    conn: sa.Connection,
    start: datetime,
    end: datetime,
    scenarios: Sequence[str] = (),
    split: Sequence[str] = (),
) -> PeriodFacts:
    """Group the attempts dialled in [start, end) (of `scenarios` when named) by everything
    the report counts by; `split` names scenarios whose calls form matrix rows of their own."""
    per_call = (
        sa.select(
            a.number,
            a.carrier,
            variant_of(split).label("variant"),
            sa.func.coalesce(a.display_state, "").label("display"),
            a.state,
            a.status,
            a.delivery,
            a.verified,
            a.attestation,
            a.handset_id,
            a.dialed_at,
        )
        .where(a.dialed_at >= start, a.dialed_at < end, of_scenarios(scenarios))
        .subquery("per_call")
    )
    c = per_call.c
    keys = (
        c.number,
        c.carrier,
        c.variant,
        c.display,
        c.state,
        c.status,
        c.delivery,
        c.verified,
        c.attestation,
        c.handset_id,
    )
    stmt = sa.select(
        *keys,
        sa.func.count().label("calls"),
        sa.type_coerce(sa.func.min(c.dialed_at), _RAW).label("oldest"),
        sa.type_coerce(sa.func.max(c.dialed_at), _RAW).label("newest"),
    ).group_by(*keys)
    groups = tuple(Group._make(row) for row in conn.execute(stmt))
    return PeriodFacts(groups, conn.dialect, start, end, tuple(scenarios), tuple(split))


def _newest_attempts(
    conn: sa.Connection,
    facts: PeriodFacts,
    tallies: dict[tuple[str, str, str, str], _Tally],
    by_display: bool,
) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """For each cell, the newest of its calls in its dominant state (ties: the higher id),
    fetched by (number, carrier, dialed_at) through the index rather than by ranking the
    period's calls."""
    wanted: dict[tuple[str, str, str, str], tuple[str, Any]] = {}
    for key, tally in tallies.items():
        state, _, newest = tally.dominant()
        wanted[key] = (state, newest)
    lookup = sorted({(key[0], key[1], newest) for key, (_, newest) in wanted.items()})
    found: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for chunk in _chunks(lookup, _KEYS_PER_FETCH):
        for row in conn.execute(_fetch(facts, chunk)):
            key = (row.number, row.carrier, row.variant or "", row.display if by_display else "")
            want = wanted.get(key)
            if want is None or (row.state, row.newest) != want:
                continue
            held = found.get(key)
            if held is None or row.id > held["id"]:
                found[key] = {col.key: row._mapping[col.key] for col in LATEST_COLUMNS}
    return found


def _fetch(facts: PeriodFacts, keys: Sequence[tuple[str, str, Any]]) -> sa.Select[Any]:
    raw_time = sa.type_coerce(a.dialed_at, _RAW)
    return sa.select(
        *LATEST_COLUMNS,
        a.number,
        a.carrier,
        variant_of(facts.split).label("variant"),
        sa.func.coalesce(a.display_state, "").label("display"),
        raw_time.label("newest"),
    ).where(
        # by time alone, through its index: a time picks out a call or a few, and the caller
        # keeps those of the number and carrier it asked for
        raw_time.in_(sorted({newest for _, _, newest in keys})),
        conclusive(),
        of_scenarios(facts.scenarios),
    )


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
