"""A scheduler that cannot start (SQLite said "database is locked" while the console wrote the
same file) leaves `serve` standing by and leading at its next turn, instead of ending the
whole process with an internal error and taking the console down with it."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import sqlalchemy as sa

from robot.config.project import load_project
from robot.schedule.service import SchedulerService, make_scheduler
from robot.wiring import open_project_store
from tests.support.peers import wait_until

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class _LockedOnce(SchedulerService):
    """The first start meets a locked store, as under a console writing at that moment."""

    failures = 1

    def _lead(self) -> None:
        if self.failures:
            self.failures -= 1
            self._scheduler = make_scheduler(self.store.engine)  # made, never started
            locked = sqlite3.OperationalError("database is locked")
            raise sa.exc.OperationalError("CREATE TABLE scheduler_jobs", {}, locked)
        super()._lead()


def test_a_scheduler_that_could_not_start_stands_by_then_leads(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES, root)
    project = load_project(root)
    store = open_project_store(project)
    service = _LockedOnce(project, store, lease_ttl_s=0.3)
    thread = threading.Thread(target=service.run, name="scheduler", daemon=True)
    try:
        thread.start()
        wait_until(lambda: service.status.leader or not thread.is_alive(), 30, "a leader")
        assert thread.is_alive(), "the scheduler thread died on a store that was busy once"
        assert service.status.leader and service.failures == 0
    finally:
        service.stop.set()
        thread.join(15)
        store.close()
    assert not thread.is_alive()
    assert service.status.leader is False  # stood down when stopped
