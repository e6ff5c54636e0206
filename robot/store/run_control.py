"""Asking a run to stop, through the store, so it works whichever process runs it.

The console (or any process) records who asked; the process running the run watches its row
(`CancelWatch`) and sets the run's stop event, which ends its live calls and marks the run
interrupted, as Ctrl-C does. The same row is what workers on other hosts will watch.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from robot.ports import Clock
from robot.store.engine import read_tx, store_error, write_tx
from robot.store.schema import runs

log = logging.getLogger(__name__)

CANCEL_POLL_S = 1.0


class SqlRunControl:
    def __init__(self, engine: sa.Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def request_cancel(self, run_id: int, by: str) -> bool:
        """Ask a running run to stop; False when it is not running (or already asked)."""
        try:
            with write_tx(self._engine) as conn:
                done = conn.execute(
                    sa.update(runs)
                    .where(
                        runs.c.id == run_id,
                        runs.c.status == "running",
                        runs.c.cancel_requested_at.is_(None),
                    )
                    .values(cancel_requested_at=self._clock.now(), cancel_requested_by=by[:200])
                ).rowcount
        except SQLAlchemyError as exc:
            raise store_error(f"cannot cancel run {run_id}", exc, self._engine.url) from exc
        return bool(done)

    def cancel_requested_by(self, run_id: int) -> str | None:
        """Who asked this run to stop, or None."""
        try:
            with read_tx(self._engine) as conn:
                row = conn.execute(
                    sa.select(runs.c.cancel_requested_at, runs.c.cancel_requested_by).where(
                        runs.c.id == run_id
                    )
                ).first()
        except SQLAlchemyError as exc:
            raise store_error(f"cannot read run {run_id}", exc, self._engine.url) from exc
        if row is None or row.cancel_requested_at is None:
            return None
        return str(row.cancel_requested_by or "someone")


class CancelWatch:
    """A thread that sets `stop` once somebody asks, through the store, for the run to stop."""

    def __init__(
        self,
        control: SqlRunControl,
        run_id: int,
        stop: threading.Event,
        *,
        poll_s: float = CANCEL_POLL_S,
        on_cancel: Callable[[str], None] | None = None,
    ) -> None:
        self._control = control
        self._run_id = run_id
        self._stop = stop
        self._poll_s = poll_s
        self._on_cancel = on_cancel
        self._done = threading.Event()
        self.cancelled_by: str | None = None
        self._thread = threading.Thread(target=self._watch, name=f"cancel-watch-{run_id}")
        self._thread.daemon = True

    def start(self) -> CancelWatch:
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._done.wait(self._poll_s):
            try:
                who = self._control.cancel_requested_by(self._run_id)
            except Exception:  # a store hiccup must not end the run: try again next time
                log.warning("cannot check whether run %d was cancelled", self._run_id)
                continue
            if who is not None:
                self.cancelled_by = who
                log.warning("run %d cancelled by %s: ending its calls", self._run_id, who)
                self._stop.set()
                if self._on_cancel is not None:
                    self._on_cancel(who)
                return

    def close(self) -> str | None:
        """Stop watching; returns who cancelled the run (checked once more), if anybody."""
        self._done.set()
        self._thread.join(timeout=5)
        if self.cancelled_by is None:
            try:
                self.cancelled_by = self._control.cancel_requested_by(self._run_id)
            except Exception:
                log.warning("cannot check whether run %d was cancelled", self._run_id)
        return self.cancelled_by
