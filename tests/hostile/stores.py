"""Stores for the hostile suite: a project's SQLite store with recorded attempts, and the
ways a row can be damaged behind ringcheck's back (an edit by hand, a disk fault)."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from robot.domain.model import (
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Check,
    CheckState,
    Delivery,
    Reading,
    Run,
    RunStatus,
    Tristate,
    Verdict,
)
from robot.store import SqlResultStore, open_store


def project_store(project: Path) -> SqlResultStore:
    return open_store(
        f"sqlite:///{project / '.ringcheck' / 'results.db'}",
        artifacts_dir=project / ".ringcheck" / "artifacts",
    )


def record(
    store: SqlResultStore,
    *,
    numbers: int = 1,
    age: timedelta = timedelta(hours=1),
    finish: bool = True,
    name: str = "Northwind Bank",
) -> tuple[Run, list[Attempt]]:
    """A run (finished, or still in progress) with one completed attempt per number."""
    started = datetime.now(UTC) - age
    run = store.start_run(Run(scenario="smoke", trigger="manual", started_at=started))
    assert run.id is not None
    recorded = []
    for index in range(numbers):
        attempt = Attempt(
            run_id=run.id,
            number=f"+1202555{101 + index:04d}",
            carrier="sim-tmo",
            handset_id="pixel8-tmo",
            status=AttemptStatus.COMPLETED,
            delivery=Delivery.DELIVERED,
            times=AttemptTimes(dialed_at=started + timedelta(seconds=index + 1)),
            reading=Reading(name=name, spam_label=None, verified=Tristate.NO, engine="test"),
            verdict=Verdict(checks=(Check("name", CheckState.PASS, f"name is {name}"),)),
        )
        recorded.append(store.record_attempt(attempt))
    if finish:
        store.finish_run(dataclasses.replace(run, status=RunStatus.COMPLETED))
    return run, recorded


def store_with_one_attempt(project: Path) -> None:
    store = project_store(project)
    try:
        record(store)
    finally:
        store.close()


def damage(project: Path, attempt_id: int, column: str, value: object) -> None:
    """Write `value` into one column behind the store's back, as a hand edit would."""
    with sqlite3.connect(project / ".ringcheck" / "results.db") as db:
        db.execute(f"UPDATE attempts SET {column} = ? WHERE id = ?", (value, attempt_id))
