"""Limits every process and host shares through the store: a trunk's calls per second and
concurrent calls, per-number pacing, and daily call budgets.

Each process used to keep these in memory, so two hosts on one trunk together exceeded what
the carrier allows. Here a trunk's starts are checked and recorded under the lock of its row
(`SELECT … FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite) *while the INVITE is sent*,
so the order of starts is the order on the wire, and the window is measured on the database's
clock, the one clock every host shares.

The calls-per-second rule is a sliding window: at most `n` starts in any `window_s`, with
`n = max(1, floor(cps))` and `window_s = n / cps` (never shorter than one second), so no
one-second window ever holds more than `cps` starts whatever their spacing.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
import zoneinfo
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from robot.clock import SystemClock
from robot.errors import StoreError
from robot.ports import Clock
from robot.store.engine import dialect_insert, store_error, write_tx
from robot.store.schema import daily_calls, number_pacing, trunk_calls, trunk_gates

WINDOW_GUARD_S = 0.05
"""Added to every window: the far end stamps arrivals a little after we send."""
SLOT_POLL_S = 0.2
"""How often a call waiting for a free concurrent-call slot asks again."""


def cps_window(cps: float) -> tuple[int, float]:
    """(starts allowed, window in seconds) for a calls-per-second limit."""
    if cps <= 0:
        raise ValueError("cps must be positive")
    allowed = max(1, math.floor(cps))
    return allowed, max(1.0, allowed / cps)


class LimitWaitStopped(StoreError):
    """The run stopped while a call waited for its trunk, number or budget."""


# Every call runs these: built once and run with each call's values, as record_attempt's are,
# instead of building each statement (and SQLAlchemy's cache key of it) for every call; a
# start and its release took 1.3 ms of CPU that way, 0.6 ms this way (SQLite).
_GATE_TRUNK: sa.BindParameter[str] = sa.bindparam("gate_trunk")
_RECENT_STARTS = sa.select(trunk_gates.c.recent_starts).where(trunk_gates.c.trunk == _GATE_TRUNK)
_RECENT_STARTS_LOCKED = _RECENT_STARTS.with_for_update()
_SET_RECENT_STARTS = (
    sa.update(trunk_gates)
    .where(trunk_gates.c.trunk == _GATE_TRUNK)
    .values(recent_starts=sa.bindparam("starts", type_=trunk_gates.c.recent_starts.type))
)
_DROP_EXPIRED = sa.delete(trunk_calls).where(
    trunk_calls.c.trunk == _GATE_TRUNK, trunk_calls.c.expires_at <= sa.bindparam("now")
)
_CALLS_UP = (
    sa.select(sa.func.count()).select_from(trunk_calls).where(trunk_calls.c.trunk == _GATE_TRUNK)
)
_TAKE_SLOT = sa.insert(trunk_calls).returning(trunk_calls.c.id)
_FREE_SLOT = sa.delete(trunk_calls).where(trunk_calls.c.id == sa.bindparam("slot_id"))
_PG_NOW = sa.text("SELECT extract(epoch FROM clock_timestamp())")
_LAST_CALL = sa.select(number_pacing.c.last_at).where(
    number_pacing.c.number == sa.bindparam("number")
)


class SqlTrunkGate:
    """Admits call starts on a trunk within its CPS window and concurrent-call limit."""

    def __init__(self, engine: sa.Engine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock: Clock = clock or SystemClock()
        self._postgres = engine.dialect.name == "postgresql"
        # trunks whose gate row is known to exist (rows are never deleted): a write
        # transaction per call to ensure it again queued with every other writer of the store
        self._ensured: set[str] = set()

    @contextlib.contextmanager
    def start(
        self,
        trunk: str,
        *,
        cps: float,
        max_calls: int,
        holder: str,
        ttl_s: float,
        stop: threading.Event,
    ) -> Iterator[list[int]]:
        """Wait for a slot and the CPS window, then yield inside the trunk's lock: the caller
        sends its INVITE there. On leaving, the start is recorded (even when sending failed:
        it may have gone out) and, when sending worked, the slot is taken; its id is put in
        the yielded list for `release`."""
        allowed, window_s = cps_window(cps)
        self._ensure_row(trunk)
        while True:
            wait_s = None
            with self._guarded(f"cannot admit a call on trunk {trunk}"):
                conn_cm = write_tx(self._engine)
                conn = conn_cm.__enter__()
                try:
                    wait_s, recent = self._wait_needed(conn, trunk, allowed, window_s, max_calls)
                    if wait_s is None:
                        slot: list[int] = []
                        failed = True
                        try:
                            yield slot
                            failed = False
                        finally:
                            self._record(conn, trunk, recent, allowed, holder, ttl_s, slot, failed)
                finally:
                    conn_cm.__exit__(None, None, None)
            if wait_s is None:
                return
            if stop.wait(min(wait_s, 1.0)):
                raise LimitWaitStopped(f"stopped while waiting for trunk {trunk}")

    def release(self, slot_id: int) -> None:
        """The call is over: free its concurrent-call slot."""
        with self._guarded("cannot free a trunk slot"), write_tx(self._engine) as conn:
            conn.execute(_FREE_SLOT, {"slot_id": slot_id})

    def release_holder(self, holder: str) -> int:
        """Free every slot of a process known to be dead (a killed worker); count them."""
        with self._guarded("cannot free trunk slots"), write_tx(self._engine) as conn:
            result = conn.execute(sa.delete(trunk_calls).where(trunk_calls.c.holder == holder))
            return int(result.rowcount or 0)

    def calls_up(self, trunk: str) -> int:
        now = self._clock.now()
        with self._guarded("cannot count trunk calls"), write_tx(self._engine) as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(trunk_calls)
                    .where(trunk_calls.c.trunk == trunk, trunk_calls.c.expires_at > now)
                ).scalar_one()
            )

    # --- helpers ------------------------------------------------------------------------
    def _ensure_row(self, trunk: str) -> None:
        if trunk in self._ensured:
            return
        stmt = (
            dialect_insert(self._engine, trunk_gates)
            .values(trunk=trunk, recent_starts=[])
            .on_conflict_do_nothing(index_elements=[trunk_gates.c.trunk])
        )
        with self._guarded(f"cannot prepare trunk {trunk}"), write_tx(self._engine) as conn:
            conn.execute(stmt)
        self._ensured.add(trunk)

    def _wait_needed(
        self, conn: sa.Connection, trunk: str, allowed: int, window_s: float, max_calls: int
    ) -> tuple[float | None, list[float]]:
        """Seconds to wait before asking again (None when the call may start now), and the
        trunk's recent starts as read under its lock."""
        read = _RECENT_STARTS_LOCKED if self._postgres else _RECENT_STARTS
        recent = [float(s) for s in conn.execute(read, {"gate_trunk": trunk}).scalar_one() or []]
        now = self._clock.now()
        conn.execute(_DROP_EXPIRED, {"gate_trunk": trunk, "now": now})
        up = conn.execute(_CALLS_UP, {"gate_trunk": trunk}).scalar_one()
        if up >= max_calls:
            return SLOT_POLL_S, recent
        db_now = self._db_now(conn)
        span = window_s + WINDOW_GUARD_S
        inside = [s for s in recent if s > db_now - span]
        if len(inside) >= allowed:
            return max(0.001, inside[-allowed] + span - db_now), recent
        return None, recent

    def _record(
        self,
        conn: sa.Connection,
        trunk: str,
        recent: list[float],
        allowed: int,
        holder: str,
        ttl_s: float,
        slot: list[int],
        failed: bool,
    ) -> None:
        """The start among the trunk's recent ones (`recent`: read in this transaction, under
        the row's lock, so nobody changed it since) and, when sending worked, its slot."""
        starts = [*recent, self._db_now(conn)][-allowed:]
        conn.execute(_SET_RECENT_STARTS, {"gate_trunk": trunk, "starts": starts})
        if failed:
            return
        now = self._clock.now()
        slot_id = conn.execute(
            _TAKE_SLOT,
            {
                "trunk": trunk,
                "holder": holder,
                "started_at": now,
                "expires_at": now + timedelta(seconds=ttl_s),
            },
        ).scalar_one()
        slot.append(int(slot_id))

    def _db_now(self, conn: sa.Connection) -> float:
        """Seconds since the epoch on the database's clock (this host's for SQLite)."""
        if self._postgres:
            return float(conn.execute(_PG_NOW).scalar_one())
        return time.time()

    @contextlib.contextmanager
    def _guarded(self, what: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise store_error(what, exc, self._engine.url) from exc


class SqlNumberPacing:
    """Keeps calls from one number at least a scenario's interval apart, across hosts."""

    def __init__(self, engine: sa.Engine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock: Clock = clock or SystemClock()
        # built once per store, run with each call's values (see the trunk gate's statements)
        insert = dialect_insert(engine, number_pacing)
        self._claim = insert.on_conflict_do_update(
            index_elements=[number_pacing.c.number],
            set_={"last_at": insert.excluded.last_at},
            where=number_pacing.c.last_at <= sa.bindparam("earliest"),
        ).returning(number_pacing.c.number)

    def wait_turn(self, number: str, interval_s: float, stop: threading.Event) -> bool:
        """Block until `number` may call again, and claim the turn; False when stopping."""
        while True:
            now = self._clock.now()
            claim = {
                "number": number,
                "last_at": now,
                "earliest": now - timedelta(seconds=interval_s),
            }
            try:
                with write_tx(self._engine) as conn:
                    if conn.execute(self._claim, claim).first() is not None:
                        return True
                    last = conn.execute(_LAST_CALL, {"number": number}).scalar_one()
            except SQLAlchemyError as exc:
                raise store_error(
                    f"cannot pace calls from {number}", exc, self._engine.url
                ) from exc
            wait_s = (last + timedelta(seconds=interval_s) - now).total_seconds()
            if stop.wait(min(max(wait_s, 0.01), 1.0)):
                return False


class SqlDailyCalls:
    """Counts calls against daily budgets, atomically across hosts."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def claim(
        self, day: str, limits: list[tuple[str, str, int]], seed: dict[str, int]
    ) -> str | None:
        """Count one call against each `(kind, key, limit)` of `day`; None when all allow it,
        else the one that is spent (and nothing is counted). `seed` gives, per `kind:key`,
        the calls already made today when a counter is first created."""
        try:
            with write_tx(self._engine) as conn:
                for kind, key, limit in limits:
                    if not self._take(conn, day, kind, key, limit, seed.get(f"{kind}:{key}", 0)):
                        raise _Spent(f"daily budget of {limit} calls for {kind} {key} reached")
        except _Spent as spent:  # the transaction rolled back: nothing was counted
            return str(spent)
        except SQLAlchemyError as exc:
            raise store_error("cannot count calls against budgets", exc, self._engine.url) from exc
        return None

    def _take(
        self, conn: sa.Connection, day: str, kind: str, key: str, limit: int, seeded: int
    ) -> bool:
        if seeded >= limit:
            return False
        stmt = dialect_insert(self._engine, daily_calls).values(
            day=day, kind=kind, key=key, used=seeded + 1
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[daily_calls.c.day, daily_calls.c.kind, daily_calls.c.key],
            set_={"used": daily_calls.c.used + 1},
            where=daily_calls.c.used < limit,
        ).returning(daily_calls.c.used)
        return conn.execute(stmt).first() is not None


class _Spent(Exception):
    pass


def day_key(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


class _Counts(Protocol):
    @property
    def by_number(self) -> dict[str, int]: ...

    @property
    def by_handset(self) -> dict[str, int]: ...


class _Attempts(Protocol):
    def calls_since(self, since: datetime) -> _Counts: ...


class StoreBudgets:
    """Daily budgets counted in the store (the engine's `CallBudgets`), so two runs or two
    hosts never overspend one. A counter starts, on its first call of the (local) day, from
    the attempts the store already holds for that day; then every claimed call counts."""

    def __init__(
        self, counter: SqlDailyCalls, attempts: _Attempts, clock: Clock, timezone: str
    ) -> None:
        self._counter = counter
        self._attempts = attempts
        self._clock = clock
        self._zone = zoneinfo.ZoneInfo(timezone)

    def claim(
        self, number: str, handset_id: str, per_number: int | None, per_handset: int | None
    ) -> str | None:
        pairs = (("number", number, per_number), ("handset", handset_id, per_handset))
        limits = [(kind, key, limit) for kind, key, limit in pairs if limit is not None]
        if not limits:
            return None
        local = self._clock.now().astimezone(self._zone)
        start = datetime.combine(local.date(), datetime.min.time(), tzinfo=local.tzinfo)
        counts = self._attempts.calls_since(start)
        seed = {
            f"number:{number}": counts.by_number.get(number, 0),
            f"handset:{handset_id}": counts.by_handset.get(handset_id, 0),
        }
        return self._counter.claim(day_key(local), limits, seed)
