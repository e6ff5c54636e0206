"""`SqlResultStore`: runs and attempts in SQLite or PostgreSQL (robot.ports.ResultStore).

Attempts are written when dialled (`in_progress`) and completed when they end, so a process
killed mid-run leaves rows that the next start marks `interrupted` instead of losing them.
Reports and the CLI read through the query methods here; aggregation happens in SQL.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NoReturn, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from robot.clock import SystemClock
from robot.domain.model import Attempt, AttemptStatus, Run, RunStatus
from robot.errors import AttemptClosedError, StoreError
from robot.store.artifacts import ArtifactStore
from robot.store.attempt_select import select_attempts
from robot.store.damaged import DECODE_ERRORS, attempt_from_damaged_row, raw_select
from robot.store.engine import (
    create_store_engine,
    read_tx,
    safe_url,
    sqlite_path,
    store_error,
    write_tx,
)
from robot.store.evidence import EvidenceStore
from robot.store.leases import SqlHandsetState, SqlLeases
from robot.store.mapping import attempt_to_row, row_to_attempt, row_to_run, run_to_row
from robot.store.migrate import upgrade_to_head
from robot.store.owner import is_alive_here, this_process
from robot.store.schema import attempts, runs

if TYPE_CHECKING:  # the CLI's reads need neither the ports nor the report's queries
    from robot.ports import Clock, ResultStore
    from robot.store import queries

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Interrupted:
    runs: tuple[int, ...] = ()
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Pruned:
    attempts: int = 0
    runs: int = 0
    files: int = 0
    # Runs still in progress, and the attempts older than the age asked for that were kept
    # because they are not older than the oldest of those runs.
    live_runs: tuple[int, ...] = ()
    kept: int = 0
    kept_since: datetime | None = None


class SqlResultStore:
    """The results store; also hands out the lease and handset-state views of its database."""

    def __init__(
        self,
        url: str,
        *,
        artifacts_dir: str | os.PathLike[str] | None = None,
        evidence: EvidenceStore | None = None,
        clock: Clock | None = None,
        migrate: bool = True,
        echo: bool = False,
    ) -> None:
        self.engine = create_store_engine(url, echo=echo)
        self.url = safe_url(self.engine.url)
        self.clock: Clock = clock or SystemClock()
        if evidence is None and artifacts_dir is not None:
            evidence = ArtifactStore(artifacts_dir)
        self.artifacts: EvidenceStore | None = evidence
        self._leases = SqlLeases(self.engine, clock=self.clock)
        self._handset_state = SqlHandsetState(self.engine, clock=self.clock)
        self._owner = this_process()
        if migrate:
            upgrade_to_head(self.engine)

    @property
    def leases(self) -> SqlLeases:
        return self._leases

    @property
    def handset_state(self) -> SqlHandsetState:
        return self._handset_state

    def close(self) -> None:
        self.engine.dispose()

    def _guard(self, what: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except SQLAlchemyError as exc:
            raise store_error(what, exc, self.engine.url) from exc

    # --- writes (ResultStore port) --------------------------------------------------------

    def start_run(self, run: Run, *, owner: str | None = None) -> Run:
        """Record a new run, written by this process (or by `owner`: a queued run is written
        by the workers of its sites)."""
        values = {**run_to_row(run), "owner": owner or self._owner}

        def action() -> Run:
            with write_tx(self.engine) as conn:
                stmt = sa.insert(runs).values(values).returning(runs.c.id)
                return dataclasses.replace(run, id=int(conn.execute(stmt).scalar_one()))

        return self._guard(f"cannot start run of scenario {run.scenario!r}", action)

    def record_attempt(self, attempt: Attempt) -> Attempt:
        """Insert an attempt without id (normally `in_progress`); update one with an id."""
        values = attempt_to_row(attempt)

        def action() -> Attempt:
            with write_tx(self.engine) as conn:
                if attempt.id is None:
                    new_id = conn.execute(_INSERT_ATTEMPT, values).scalar_one()
                    return dataclasses.replace(attempt, id=int(new_id))
                update = _update_attempt(attempt)
                if conn.execute(update, {**values, _ATTEMPT_ID: attempt.id}).rowcount == 0:
                    _why_not_updated(conn, attempt, self.url)
                return attempt

        return self._guard(
            f"cannot record attempt of {attempt.number} on {attempt.carrier}", action
        )

    def finish_run(self, run: Run) -> None:
        """Close the run; any attempt of it still `in_progress` is marked `interrupted`."""
        if run.id is None:
            raise StoreError("cannot finish a run that was never started (no id)")
        status = RunStatus.COMPLETED if run.status is RunStatus.RUNNING else run.status
        ended = run.ended_at or self.clock.now()

        def action() -> None:
            with write_tx(self.engine) as conn:
                conn.execute(
                    sa.update(runs)
                    .where(runs.c.id == run.id)
                    .values(status=status.value, ended_at=ended, note=run.note)
                )
                conn.execute(
                    sa.update(attempts)
                    .where(attempts.c.run_id == run.id, attempts.c.status == "in_progress")
                    .values(status=AttemptStatus.INTERRUPTED.value)
                )

        self._guard(f"cannot finish run {run.id}", action)

    def mark_interrupted(self, *, stale_after: timedelta | None = None) -> Interrupted:
        """Runs whose writer died (on this host) and their open attempts become `interrupted`.

        Writers on other hosts (a shared PostgreSQL store) cannot be checked from here; pass
        `stale_after` to also close runs of any host that started longer ago than that.
        """
        now = self.clock.now()
        stale_before = now - stale_after if stale_after is not None else None

        def action() -> Interrupted:
            with write_tx(self.engine) as conn:
                running = conn.execute(
                    sa.select(runs.c.id, runs.c.owner, runs.c.started_at).where(
                        runs.c.status == "running"
                    )
                ).all()
                dead = tuple(
                    sorted(
                        r.id
                        for r in running
                        if is_alive_here(r.owner) is False
                        or (stale_before is not None and r.started_at < stale_before)
                    )
                )
                if dead:
                    conn.execute(
                        sa.update(runs)
                        .where(runs.c.id.in_(dead))
                        .values(status=RunStatus.INTERRUPTED.value, ended_at=now)
                    )
                # The open attempts first, by their status index (a handful; SQLite's planner
                # would scan every attempt for the two conditions together: 0.2 s of each
                # open of a million-attempt store), then those whose run is over.
                open_ids = conn.execute(
                    sa.select(attempts.c.id).where(attempts.c.status == "in_progress")
                ).scalars().all()
                count = 0
                if open_ids:
                    closed_runs = sa.select(runs.c.id).where(runs.c.status != "running")
                    count = conn.execute(
                        sa.update(attempts)
                        .where(
                            attempts.c.id.in_(open_ids),
                            attempts.c.status == "in_progress",
                            attempts.c.run_id.in_(closed_runs),
                        )
                        .values(status=AttemptStatus.INTERRUPTED.value)
                    ).rowcount
            return Interrupted(runs=dead, attempts=int(count or 0))

        result = self._guard("cannot mark interrupted runs", action)
        if result.runs or result.attempts:
            log.warning(
                "marked %d run(s) and %d attempt(s) interrupted (their process had stopped)",
                len(result.runs),
                result.attempts,
            )
        return result

    # --- reads ----------------------------------------------------------------------------

    def run(self, run_id: int) -> Run | None:
        if not _fits(run_id):
            return None  # no row can have an id beyond 64 bits

        def action() -> Run | None:
            with read_tx(self.engine) as conn:
                row = conn.execute(sa.select(runs).where(runs.c.id == run_id)).first()
            return row_to_run(row._mapping) if row else None

        return self._guard(f"cannot read run {run_id}", action)

    def runs(self, limit: int = 50) -> list[Run]:
        limit = min(limit, _INT64_MAX)
        stmt = sa.select(runs).order_by(runs.c.started_at.desc(), runs.c.id.desc()).limit(limit)

        def action() -> list[Run]:
            with read_tx(self.engine) as conn:
                return [row_to_run(r._mapping) for r in conn.execute(stmt)]

        return self._guard("cannot list runs", action)

    def attempt(self, attempt_id: int) -> Attempt | None:
        found = self.attempts(ids=[attempt_id])
        return found[0] if found else None

    def attempts(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        carrier: str | Sequence[str] | None = None,
        number: str | Sequence[str] | None = None,
        run_id: int | None = None,
        handset_id: str | None = None,
        status: AttemptStatus | None = None,
        ids: list[int] | None = None,
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[Attempt]:
        """Attempts dialled in [since, until) matching every filter given, newest first.

        A row that cannot be read back whole (see `robot.store.damaged`) is still returned,
        with what could be read and the rest named in `Attempt.damaged`."""
        if not _fits(run_id) or (ids is not None and not all(_fits(i) for i in ids)):
            return []  # no row can have an id beyond 64 bits
        if limit is not None:
            limit = min(limit, _INT64_MAX)
        stmt = select_attempts(
            since=since,
            until=until,
            carrier=carrier,
            number=number,
            run_id=run_id,
            handset_id=handset_id,
            status=status.value if status else None,
            ids=ids,
            limit=limit,
            newest_first=newest_first,
        )

        def action() -> list[Attempt]:
            with read_tx(self.engine) as conn:
                try:
                    return [row_to_attempt(r._mapping) for r in conn.execute(stmt)]
                except DECODE_ERRORS:
                    raw = stmt.with_only_columns(*raw_select(attempts))
                    return [
                        attempt_from_damaged_row(r._mapping, row_to_attempt)
                        for r in conn.execute(raw)
                    ]

        return self._guard("cannot read attempts", action)

    def latest_states(
        self, period: queries.Span | None = None, *, carrier: str | None = None
    ) -> list[queries.LatestState]:
        """Per (number, carrier): its most recent classified attempt (within `period`)."""
        from robot.store import queries

        return self._read("latest states", lambda c: queries.latest_states(c, period, carrier))

    def period_states(self, period: queries.Span) -> list[queries.PeriodState]:
        """Per (number, carrier): the dominant state over `period`, its rate and evidence."""
        from robot.store import queries

        return self._read("period states", lambda c: queries.period_states(c, period))

    def changes(
        self, previous: queries.Span, current: queries.Span, *, only_changed: bool = True
    ) -> list[queries.StateChange]:
        """What moved between two periods, regressions first."""
        from robot.store import queries

        return self._read("changes", lambda c: queries.changes(c, previous, current, only_changed))

    def counts(self, period: queries.Span | None = None) -> queries.Counts:
        from robot.store import queries

        stmt = queries.counts_select(period, by_carrier=False)
        return self._read("counts", lambda c: queries.row_to_counts(c.execute(stmt).one()))

    def counts_by_carrier(self, period: queries.Span | None = None) -> dict[str, queries.Counts]:
        from robot.store import queries

        stmt = queries.counts_select(period, by_carrier=True)
        return self._read(
            "counts",
            lambda c: {row.carrier: queries.row_to_counts(row) for row in c.execute(stmt)},
        )

    def calls_since(self, since: datetime) -> queries.CallCounts:
        """Calls dialled since `since` per number and per handset (for daily budgets)."""
        from robot.store import queries

        return self._read("call counts", lambda c: queries.calls_since(c, since))

    def _read(self, what: str, action: Callable[[sa.Connection], T]) -> T:
        def run() -> T:
            with read_tx(self.engine) as conn:
                return action(conn)

        return self._guard(f"cannot read {what}", run)

    # --- housekeeping ---------------------------------------------------------------------

    def prune(self, older_than: datetime) -> Pruned:
        """Delete attempts dialled before `older_than`, their evidence files and empty runs.

        Nothing of a run in progress goes, nor any attempt as new as the oldest such run:
        a pruning during a run must not take the ground from under it."""
        live = self._live_runs()
        cutoff = min([older_than, *(started for _, started in live)])
        live_ids = [run_id for run_id, _ in live]
        old = sa.and_(attempts.c.dialed_at < cutoff, attempts.c.run_id.not_in(live_ids))
        spared = sa.and_(attempts.c.dialed_at < older_than, sa.not_(old))

        def action() -> tuple[list[tuple[int, list[str]]], int, int, int]:
            with write_tx(self.engine) as conn:
                kept = conn.execute(
                    sa.select(sa.func.count()).select_from(attempts).where(spared)
                ).scalar_one()
                files = [
                    (r.id, [p for p in (r.screenshot, r.page_source, r.sip_trace) if p])
                    for r in conn.execute(
                        sa.select(
                            attempts.c.id,
                            attempts.c.screenshot,
                            attempts.c.page_source,
                            attempts.c.sip_trace,
                        ).where(old)
                    )
                ]
                n_attempts = conn.execute(sa.delete(attempts).where(old)).rowcount
                has_attempts = sa.select(attempts.c.id).where(attempts.c.run_id == runs.c.id)
                n_runs = conn.execute(
                    sa.delete(runs).where(
                        runs.c.started_at < cutoff,
                        runs.c.status != "running",
                        ~has_attempts.exists(),
                    )
                ).rowcount
            return files, int(n_attempts or 0), int(n_runs or 0), int(kept or 0)

        files, n_attempts, n_runs, kept = self._guard("cannot prune old results", action)
        deleted = 0
        if self.artifacts is not None:
            for attempt_id, paths in files:
                if paths:
                    try:
                        deleted += self.artifacts.delete_attempt_files(attempt_id, paths)
                    except OSError as exc:  # rows are gone already: report, do not fail
                        log.warning("could not delete evidence of attempt %d: %s", attempt_id, exc)
        return Pruned(
            attempts=n_attempts,
            runs=n_runs,
            files=deleted,
            live_runs=tuple(live_ids),
            kept=kept,
            kept_since=cutoff if live else None,
        )

    def _live_runs(self) -> list[tuple[int, datetime]]:
        """Runs in progress (their writers alive, see `mark_interrupted`), oldest first."""
        self.mark_interrupted()
        stmt = (
            sa.select(runs.c.id, runs.c.started_at)
            .where(runs.c.status == RunStatus.RUNNING.value)
            .order_by(runs.c.started_at)
        )
        return self._read("runs in progress", lambda c: [tuple(r) for r in c.execute(stmt)])


def open_store(
    url: str,
    *,
    artifacts_dir: str | os.PathLike[str] | None = None,
    evidence: EvidenceStore | None = None,
    clock: Clock | None = None,
    create: bool = True,
) -> SqlResultStore:
    """Open (creating the SQLite folder), migrate to head, mark dead writers' attempts and free
    the handsets they leased. With `create=False` (commands that only read) a SQLite store
    that does not exist yet is not created: an empty stand-in, thrown away on close, answers
    instead (nothing recorded yet)."""
    path = sqlite_path(url) if _parses(url) else None
    if path is not None and not create and not path.exists():
        return _EmptyStandIn(artifacts_dir=artifacts_dir, evidence=evidence, clock=clock)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store folder {path.parent}: {exc.strerror}"
            ) from exc
    store = SqlResultStore(url, artifacts_dir=artifacts_dir, evidence=evidence, clock=clock)
    store.mark_interrupted()
    store.leases.reclaim_dead()
    return store


class _EmptyStandIn(SqlResultStore):
    """An empty store in a temporary folder, for reading where nothing was recorded yet."""

    def __init__(
        self,
        *,
        artifacts_dir: str | os.PathLike[str] | None,
        evidence: EvidenceStore | None,
        clock: Clock | None,
    ) -> None:
        self._folder = tempfile.mkdtemp(prefix="ringcheck-empty-")
        super().__init__(
            f"sqlite:///{self._folder}/results.db",
            artifacts_dir=artifacts_dir,
            evidence=evidence,
            clock=clock,
        )

    def close(self) -> None:
        super().close()
        shutil.rmtree(self._folder, ignore_errors=True)


def _satisfies_the_port(store: SqlResultStore) -> ResultStore:
    """Never called: lets mypy check that SqlResultStore implements robot.ports.ResultStore."""
    return store


_INT64_MAX = 2**63 - 1


def _fits(value: int | None) -> bool:
    """Whether a value can be compared with an integer column (64 bits in both databases)."""
    return value is None or -_INT64_MAX - 1 <= value <= _INT64_MAX


def _parses(url: str) -> bool:
    try:
        sa.engine.make_url(url)
    except Exception:
        return False
    return True


__all__ = ["Interrupted", "Pruned", "SqlResultStore", "open_store"]


# Built once and run with each attempt's values: building an insert or update of every column
# and its cache key again for each call was most of recording's CPU (an insert 1.0 -> 0.4 ms).
_ATTEMPT_ID = "attempt_id_"
_INSERT_ATTEMPT = sa.insert(attempts).returning(attempts.c.id)
_UPDATE_ATTEMPT = sa.update(attempts).where(attempts.c.id == sa.bindparam(_ATTEMPT_ID))
_UPDATE_OPEN_ATTEMPT = _UPDATE_ATTEMPT.where(attempts.c.status != AttemptStatus.INTERRUPTED.value)


def _update_attempt(attempt: Attempt) -> sa.Update:
    """An attempt marked `interrupted` by someone else (its run closed, or its worker taken
    for dead and its call given to another) stays so: completing it now would count the call
    twice."""
    return _UPDATE_ATTEMPT if attempt.status is AttemptStatus.INTERRUPTED else _UPDATE_OPEN_ATTEMPT


def _why_not_updated(conn: sa.Connection, attempt: Attempt, url: str) -> NoReturn:
    status = conn.execute(sa.select(attempts.c.status).where(attempts.c.id == attempt.id)).scalar()
    if status is None:
        raise StoreError(f"attempt {attempt.id} is not in the store {url}")
    raise AttemptClosedError(
        f"attempt {attempt.id} of {attempt.number} on {attempt.carrier} was already marked"
        f" {status} (its call was handed to another worker or its run closed); not overwritten"
    )
