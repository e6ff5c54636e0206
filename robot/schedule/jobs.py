"""What a scheduled job does. Module-level so APScheduler's job store can reference it by name.

A job receives only plain strings (the project folder, the scenario name, the farm ready file)
and reloads everything itself, so a job stored yesterday runs today's configuration.
"""

from __future__ import annotations

import logging
from pathlib import Path

from robot.config.project import load_project
from robot.domain.model import Run, RunStatus
from robot.domain.scenario import plan
from robot.engine.guards import RunRefused, check_disk, check_quiet_hours
from robot.errors import RingcheckError
from robot.scenario.load import find_scenario, load_scenario
from robot.wiring import FarmEndpoints, open_project_store, run_planned

log = logging.getLogger(__name__)

TRIGGER = "schedule"


def fire_scenario(project_dir: str, scenario_name: str, farm_file: str | None = None) -> None:
    """Run one scenario on schedule; problems are logged, never raised into the scheduler."""
    try:
        _fire(Path(project_dir), scenario_name, farm_file)
    except RunRefused as exc:
        log.warning("scheduled run of %s skipped: %s", scenario_name, exc)
    except RingcheckError as exc:
        log.error("scheduled run of %s failed: %s", scenario_name, exc)


def _fire(project_dir: Path, scenario_name: str, farm_file: str | None) -> None:
    project = load_project(project_dir)
    scenario = load_scenario(find_scenario(scenario_name, project), project)
    calls = plan(scenario, project.numbers, project.handsets)
    store = open_project_store(project)
    try:
        now = store.clock.now()
        check_quiet_hours(scenario, now)
        if not calls:  # nothing enabled to call: still leave a trace that the schedule fired
            run = store.start_run(Run(scenario=scenario.name, trigger=TRIGGER, started_at=now))
            store.finish_run(
                Run(
                    scenario=run.scenario,
                    trigger=TRIGGER,
                    started_at=now,
                    status=RunStatus.COMPLETED,
                    id=run.id,
                )
            )
            log.info("scheduled run %s of %s: no calls selected", run.id, scenario.name)
            return
        check_disk(project.artifacts_dir, len(calls))
    finally:
        store.close()
    farm = FarmEndpoints.read(Path(farm_file)) if farm_file else None
    summary = run_planned(project, scenario, calls, farm=farm, trigger=TRIGGER)
    log.info(
        "scheduled run %s of %s: %s, %d attempts, %d failed",
        summary.run.id,
        scenario.name,
        summary.run.status.value,
        len(summary.attempts),
        len(summary.failed),
    )


def write_weekly_report(project_dir: str, out_dir: str) -> None:
    """Write last week's report (Mondays, from `ringcheck serve --weekly-report DIR`)."""
    from datetime import UTC, datetime

    from reports.period import Period
    from robot.cli.context import CliState
    from robot.cli.report_cmd import write_report

    try:
        period = Period.last_complete_week(datetime.now(UTC))
        written = write_report(CliState(project=project_dir), period, Path(out_dir))
        log.info("weekly report written to %s", written.path)
    except (RingcheckError, OSError) as exc:
        log.error("weekly report failed: %s", exc)
