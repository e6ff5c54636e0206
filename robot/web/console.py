"""What the web console serves from, wired in one place: the project (reloaded when its files
change), the store and its console views, the run launcher, and where the virtual farm is."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from robot.clock import SystemClock
from robot.config.project import Project, load_project
from robot.ports import Clock
from robot.store.audit import SqlAudit
from robot.store.console_queries import SqlConsoleReads
from robot.store.results import SqlResultStore
from robot.store.tokens import SqlTokens
from robot.web.evidence import ReportCache
from robot.web.launcher import RunCalls, RunLauncher
from robot.web.progress import FinishedProgress
from robot.wiring import FarmEndpoints, run_planned

log = logging.getLogger(__name__)


class ProjectSource:
    """The project, loaded once and again whenever one of its files changes (a QA engineer
    adds a number or a handset: the console sees it without a restart)."""

    def __init__(self, project_dir: Path, project: Project | None = None) -> None:
        self._dir = project_dir
        self._lock = threading.Lock()
        self._project = project or load_project(project_dir)
        self._stamp = self._stamp_of(self._project)

    @staticmethod
    def _stamp_of(project: Project) -> tuple[tuple[str, float], ...]:
        files = [project.file, *project.numbers_files]
        if project.farm_file is not None:
            files.append(project.farm_file)
        stamps = []
        for path in files:
            try:
                stamps.append((str(path), path.stat().st_mtime))
            except OSError:
                stamps.append((str(path), -1.0))
        return tuple(stamps)

    def __call__(self) -> Project:
        with self._lock:
            if self._stamp_of(self._project) != self._stamp:
                fresh = load_project(self._dir)  # a broken edit raises: the page says why
                self._project, self._stamp = fresh, self._stamp_of(fresh)
                log.info("project files changed: reloaded %s", self._dir)
            return self._project


@dataclass
class Console:
    """Everything the web app needs; `close` stops the console's runs (their calls end)."""

    project: ProjectSource
    store: SqlResultStore
    farm_file: Path | None = None
    clock: Clock = field(default_factory=SystemClock)
    run_calls: RunCalls = run_planned
    launcher: RunLauncher = field(init=False)
    tokens: SqlTokens = field(init=False)
    audit: SqlAudit = field(init=False)
    reads: SqlConsoleReads = field(init=False)
    reports: ReportCache = field(default_factory=ReportCache)
    progress: FinishedProgress = field(default_factory=FinishedProgress)

    def __post_init__(self) -> None:
        self.launcher = RunLauncher(self.project, self.store, self.farm, run_calls=self.run_calls)
        self.tokens = SqlTokens(self.store.engine, self.store.clock)
        self.audit = SqlAudit(self.store.engine, self.store.clock)
        self.reads = SqlConsoleReads(self.store.engine)

    def farm(self) -> FarmEndpoints | None:
        """The virtual farm's endpoints, read afresh (the farm may have been restarted)."""
        return FarmEndpoints.read(self.farm_file) if self.farm_file is not None else None

    def close(self) -> None:
        self.launcher.close()
