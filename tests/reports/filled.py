"""A store filled with the factory's weeks, shared by the report tests' fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reports.build import build_report
from reports.model import Report
from reports.period import Period
from robot.store.results import SqlResultStore
from tests.reports import factory


@dataclass(frozen=True)
class Filled:
    store: SqlResultStore
    artifacts: Path
    written: int

    @property
    def project_dir(self) -> Path:
        """The folder whose `.ringcheck/` holds this store (SQLite only)."""
        return self.artifacts.parent.parent

    def report(self, period: Period = factory.WEEK) -> Report:
        return build_report(
            self.store,
            period,
            inventory=factory.INVENTORY,
            artifacts_dir=self.artifacts,
            now=factory.NOW,
        )


def fill_store(url: str, root: Path) -> Filled:
    root.mkdir(parents=True, exist_ok=True)
    artifacts = root / "artifacts"
    store = SqlResultStore(url, artifacts_dir=artifacts)
    return Filled(store, artifacts, factory.fill(store, artifacts))
