"""A second (third…) ringcheck process for the store's multi-process tests.

Run as a script: `python tests/store/worker.py COMMAND ARGS…`. Workers meet at a barrier (a
file per worker in a folder) so their writes really overlap instead of running one after the
other because one process started faster.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from robot.domain.model import Attempt, AttemptStatus, AttemptTimes, Run
from robot.store import SqlResultStore
from robot.store.leases import SqlLeases
from tests.store import factory


def barrier(folder: Path, me: str, parties: int, timeout_s: float = 60.0) -> None:
    (folder / f"ready-{me}").touch()
    deadline = time.monotonic() + timeout_s
    while len(list(folder.glob("ready-*"))) < parties:
        if time.monotonic() > deadline:
            raise SystemExit(f"{me}: barrier timed out")
        time.sleep(0.005)


def insert(url: str, run_id: int, count: int, folder: Path, me: str, parties: int) -> None:
    store = SqlResultStore(url, migrate=False)
    barrier(folder, me, parties)
    base = datetime(2026, 11, 23, tzinfo=UTC)
    for i in range(count):
        dialed = base + timedelta(seconds=i)
        store.record_attempt(factory.simple(run_id, f"+1202555{i:04d}", me, dialed))
    store.close()
    print(f"{me} inserted {count}", flush=True)


def lease(url: str, handset: str, tries: int, folder: Path, me: str, parties: int) -> None:
    """Take, use and give back one handset `tries` times; flag any overlap with another holder."""
    store = SqlResultStore(url, migrate=False)
    leases = SqlLeases(store.engine)
    inside = folder / "inside"
    barrier(folder, me, parties)
    got = 0
    for _ in range(tries):
        if not leases.acquire(handset, me, ttl_s=60):
            continue
        got += 1
        try:
            fd = os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            (folder / f"overlap-{me}").write_text("two holders at once")
            raise SystemExit(3) from None
        os.close(fd)
        if leases.holder(handset) != me:
            (folder / f"lost-{me}").write_text("lease not ours while held")
        os.unlink(inside)
        leases.release(handset, me)
    store.close()
    print(f"{me} acquired {got}", flush=True)


def hang(url: str, attempts: int) -> None:
    """Start a run, dial `attempts` attempts (in progress), say READY, then wait to be killed."""
    store = SqlResultStore(url, migrate=False)
    run = store.start_run(Run("nightly", "schedule", datetime.now(UTC)))
    assert run.id is not None
    for i in range(attempts):
        dialled = Attempt(
            run_id=run.id,
            number=f"+1202555{i:04d}",
            carrier="att",
            times=AttemptTimes(dialed_at=datetime.now(UTC)),
            status=AttemptStatus.IN_PROGRESS,
        )
        store.record_attempt(dialled)
    print(f"READY {run.id}", flush=True)
    sys.stdin.read()  # until killed (or stdin closes)
    store.close()


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "insert":
        url, run_id, count, folder, me, parties = args
        insert(url, int(run_id), int(count), Path(folder), me, int(parties))
    elif command == "lease":
        url, handset, tries, folder, me, parties = args
        lease(url, handset, int(tries), Path(folder), me, int(parties))
    elif command == "hang":
        hang(args[0], int(args[1]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
