"""Time: the project's timezone is the default of schedules and quiet hours, cron weekdays mean
what cron says, and `schedule list` shows local times with their zone. Fixed clocks only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from robot.config.project import load_project
from robot.domain.scenario import QuietHours
from robot.engine.guards import RunRefused, check_quiet_hours, in_quiet_hours
from robot.scenario.load import load_scenario
from robot.schedule.cron import cron_trigger, cron_weekdays, weekday_field
from robot.schedule.service import make_scheduler, scheduled_scenarios, sync_jobs, trigger_for
from robot.wiring import open_project_store

NEW_YORK = ZoneInfo("America/New_York")
PROJECT = "timezone: America/New_York\nstore: sqlite:///.ringcheck/results.db\n"
# Saturday 2026-12-05 12:00 UTC = 07:00 in New York (EST, UTC-5)
SATURDAY = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "ringcheck.yaml").write_text(PROJECT)
    (tmp_path / "scenarios").mkdir()
    return tmp_path


def _write(project: Path, name: str, body: str) -> Path:
    path = project / "scenarios" / f"{name}.yaml"
    path.write_text(f"name: {name}\n{body}")
    return path


def test_a_schedule_without_timezone_fires_at_nine_new_york(project: Path) -> None:
    path = _write(project, "morning", 'schedule:\n  cron: "0 9 * * *"\n')
    scenario = load_scenario(path, load_project(project))
    assert scenario.schedule is not None and scenario.schedule.timezone == "America/New_York"
    trigger = trigger_for(scenario.schedule)
    winter = trigger.get_next_fire_time(None, SATURDAY)
    assert winter == datetime(2026, 12, 5, 9, 0, tzinfo=NEW_YORK)
    assert winter.astimezone(UTC).hour == 14
    summer = trigger.get_next_fire_time(None, datetime(2026, 7, 1, 14, 0, tzinfo=UTC))
    assert summer.astimezone(UTC) == datetime(2026, 7, 2, 13, 0, tzinfo=UTC)  # EDT, UTC-4


def test_the_job_serve_stores_fires_at_nine_new_york(project: Path) -> None:
    _write(project, "morning", 'schedule:\n  cron: "0 9 * * *"\n')
    loaded = load_project(project)
    store = open_project_store(loaded)
    scheduler = make_scheduler(store.engine)
    scheduler.start(paused=True)
    try:
        sync_jobs(scheduler, scheduled_scenarios(loaded), loaded.project_dir, None)
        job = scheduler.get_job("scenario:morning")
        assert job is not None
        fire = job.trigger.get_next_fire_time(None, SATURDAY)
        assert fire == datetime(2026, 12, 5, 9, 0, tzinfo=NEW_YORK)
    finally:
        scheduler.shutdown(wait=False)
        store.close()


def test_a_stored_job_follows_a_change_of_time_zone(project: Path) -> None:
    """Jobs stored while schedules defaulted to UTC are moved to the project's zone."""
    loaded = load_project(project)
    store = open_project_store(loaded)
    scheduler = make_scheduler(store.engine)
    scheduler.start(paused=True)
    try:
        from robot.schedule.jobs import fire_scenario

        scheduler.add_job(
            fire_scenario, trigger=cron_trigger("0 9 * * *", "UTC"), id="scenario:morning",
            name="morning", args=[str(loaded.project_dir), "morning", None],
        )  # fmt: skip
        _write(project, "morning", 'schedule:\n  cron: "0 9 * * *"\n')
        sync_jobs(scheduler, scheduled_scenarios(loaded), loaded.project_dir, None)
        job = scheduler.get_job("scenario:morning")
        assert str(job.trigger.timezone) == "America/New_York"
    finally:
        scheduler.shutdown(wait=False)
        store.close()


def test_weekdays_mean_what_cron_says() -> None:
    weekdays = cron_trigger("0 9 * * 1-5", "America/New_York")
    assert weekdays.get_next_fire_time(None, SATURDAY) == datetime(
        2026, 12, 7, 9, 0, tzinfo=NEW_YORK
    )  # Monday, not Tuesday (APScheduler alone counts 0 as Monday)
    sunday = cron_trigger("30 6 * * 0", "America/New_York")
    assert sunday.get_next_fire_time(None, SATURDAY) == datetime(
        2026, 12, 6, 6, 30, tzinfo=NEW_YORK
    )


@pytest.mark.parametrize(
    ("field", "days"),
    [
        ("1-5", {1, 2, 3, 4, 5}),
        ("0", {0}),
        ("7", {0}),
        ("5-7", {5, 6, 0}),
        ("0,6", {0, 6}),
        ("*/2", {0, 2, 4, 6}),
        ("1-5/2", {1, 3, 5}),
        ("mon-fri", {1, 2, 3, 4, 5}),
        ("SUN,sat", {0, 6}),
    ],
)
def test_cron_weekday_fields(field: str, days: set[int]) -> None:
    assert cron_weekdays(field) == days


def test_weekday_fields_become_names() -> None:
    assert weekday_field("1-5") == "mon,tue,wed,thu,fri"
    assert weekday_field("0-6") == "*"
    with pytest.raises(ValueError, match="out of range"):
        weekday_field("8")
    with pytest.raises(ValueError, match="backwards"):
        weekday_field("5-1")


def _ny(hour: int, minute: int = 0, day: int = 5) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (_ny(20, 59), False),
        (_ny(21, 0), True),
        (_ny(23, 30), True),
        (_ny(0, 0, day=6), True),
        (_ny(6, 59, day=6), True),
        (_ny(7, 0, day=6), False),
        (_ny(12, 0), False),
    ],
)
def test_quiet_hours_across_midnight_in_the_projects_zone(project, moment, quiet) -> None:
    path = _write(project, "nightly", 'quiet_hours:\n  start: "21:00"\n  end: "07:00"\n')
    scenario = load_scenario(path, load_project(project))
    assert scenario.quiet_hours == QuietHours("21:00", "07:00", "America/New_York")
    utc = moment.astimezone(UTC)  # the store's clock is UTC
    assert in_quiet_hours(scenario.quiet_hours, utc) is quiet
    if quiet:
        with pytest.raises(RunRefused, match="21:00-07:00 America/New_York"):
            check_quiet_hours(scenario, utc)
    else:
        check_quiet_hours(scenario, utc)


def test_a_zone_named_in_the_scenario_wins_and_no_project_means_utc(project: Path) -> None:
    path = _write(
        project,
        "paris",
        'schedule:\n  cron: "0 9 * * *"\n  timezone: Europe/Paris\n'
        'quiet_hours: {start: "22:00", end: "06:00"}\n',
    )
    scenario = load_scenario(path, load_project(project))
    assert scenario.schedule.timezone == "Europe/Paris"
    assert scenario.quiet_hours.timezone == "America/New_York"
    assert load_scenario(path).quiet_hours.timezone == "UTC"


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    return subprocess.run(
        [sys.executable, "-m", "robot.cli", "--project", str(project), *args],
        env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_schedule_list_before_serve_ever_ran_reads_the_scenario_files(project: Path) -> None:
    _write(project, "morning", 'schedule:\n  cron: "0 9 * * 1-5"\n')
    _write(
        project,
        "late",
        'schedule:\n  cron: "30 22 * * *"\nquiet_hours: {start: "21:00", end: "07:00"}\n',
    )
    listed = _cli(project, "schedule", "list")
    assert listed.returncode == 0, listed.stderr
    text = listed.stdout
    assert "(UTC)" not in text
    assert "America/New_York" in text and "0 9 * * mon,tue,wed,thu,fri" in text
    assert "09:00 E" in text  # EST or EDT: the local time and its zone
    assert "has not run on this store yet" in text
    assert "quiet hours: skipped" in text
    listed_json = json.loads(_cli(project, "schedule", "list", "--json").stdout)
    rows = {r["scenario"]: r for r in listed_json}
    assert rows["morning"]["source"] == "scenario file"
    assert rows["morning"]["timezone"] == "America/New_York"
    assert rows["morning"]["next_run_time"].endswith(("-05:00", "-04:00"))
    assert rows["late"]["in_quiet_hours"] is True and rows["morning"]["in_quiet_hours"] is False
