"""What a scheduled job does. Module-level so APScheduler's job store can reference it by name.

A job receives only plain strings (the project folder, the scenario name, the farm ready file)
and reloads everything itself, so a job stored yesterday runs today's configuration.
"""

from __future__ import annotations

import logging
from pathlib import Path

from robot.config.project import load_project
from robot.domain.model import Run, RunStatus
from robot.domain.scenario import Scenario
from robot.engine.guards import RunRefused
from robot.errors import RingcheckError
from robot.ports import Clock
from robot.scenario.load import find_scenario, load_scenario
from robot.store.results import SqlResultStore
from robot.wiring import FarmEndpoints, open_project_store, prepare, run_planned

log = logging.getLogger(__name__)

TRIGGER = "schedule"


def fire_scenario(project_dir: str, scenario_name: str, farm_file: str | None = None) -> None:
    """Run one scenario on schedule; problems are logged, never raised into the scheduler."""
    try:
        _fire(Path(project_dir), scenario_name, farm_file)
    except RingcheckError as exc:
        log.error("scheduled run of %s failed: %s", scenario_name, exc)


def _fire(
    project_dir: Path, scenario_name: str, farm_file: str | None, clock: Clock | None = None
) -> None:
    """The same path as `ringcheck run` (`prepare`, then `run_planned`); a fire that cannot
    run still leaves a run in the store saying why (skipped or failed) and a log line."""
    project = load_project(project_dir)
    scenario = load_scenario(find_scenario(scenario_name, project), project)
    farm = FarmEndpoints.read(Path(farm_file)) if farm_file else None
    store = open_project_store(project, clock=clock)
    try:
        try:
            prepared = prepare(project, scenario, farm=farm, store=store)
        except RunRefused as exc:
            _record_not_run(store, scenario, RunStatus.SKIPPED, str(exc))
            log.warning("scheduled run of %s skipped: %s", scenario.name, exc)
            return
        except RingcheckError as exc:  # no handset in service, nothing selected
            _record_not_run(store, scenario, RunStatus.FAILED, str(exc))
            log.error("scheduled run of %s failed: %s", scenario.name, exc)
            return
    finally:
        store.close()
    for line in prepared.skipped_lines():
        log.warning("scheduled run of %s leaves out %s", scenario.name, line)
    summary = run_planned(project, prepared, farm=farm, trigger=TRIGGER)
    log.info(
        "scheduled run %s of %s: %s, %d planned calls, %d failed",
        summary.run.id,
        scenario.name,
        summary.run.status.value,
        len(summary.planned()),
        len(summary.failed),
    )


def _record_not_run(
    store: SqlResultStore, scenario: Scenario, status: RunStatus, note: str
) -> None:
    now = store.clock.now()
    run = store.start_run(Run(scenario=scenario.name, trigger=TRIGGER, started_at=now))
    store.finish_run(
        Run(run.scenario, TRIGGER, now, status=status, ended_at=now, id=run.id, note=note)
    )


def write_weekly_report(project_dir: str, out_dir: str) -> None:
    """Write last week's report (Mondays, from `ringcheck serve --weekly-report DIR`)."""
    from datetime import UTC, datetime

    from reports.period import Period
    from robot.cli.context import CliState
    from robot.cli.report_cmd import EmptyReport, write_report

    try:
        period = Period.last_complete_week(datetime.now(UTC))
        written = write_report(CliState(project=project_dir), period, Path(out_dir))
        log.info("weekly report written to %s", written.path)
    except EmptyReport as exc:  # a quiet week: nothing to report is not a failure of serve
        log.warning("weekly report not written: %s", exc)
    except (RingcheckError, OSError) as exc:
        log.error("weekly report failed: %s", exc)
