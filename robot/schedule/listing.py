"""What `ringcheck schedule list` shows: each scheduled scenario, its next run in its own local
time and zone, and whether that run will happen.

The job store is what `serve` fires; the scenario files are what people edit. Both are read: a
schedule `serve` has not stored yet (it never ran, or a file is new or changed since it started)
is listed from its file and says so, and a next run that falls inside the scenario's quiet hours
is flagged, since that run will be skipped.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from apscheduler.job import Job
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from robot.domain.scenario import Scenario
from robot.engine.guards import in_quiet_hours
from robot.schedule.cron import crontab_of

STORED = "job store"
FROM_FILE = "scenario file"


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    id: str
    scenario: str
    schedule: str  # "0 9 * * 1-5" or "every 60s"
    timezone: str
    next_run: datetime | None  # aware, in `timezone`
    paused: bool
    source: str  # STORED or FROM_FILE
    note: str = ""
    in_quiet_hours: bool = False

    @property
    def state(self) -> str:
        if self.paused:
            return "paused"
        return "active" if self.source == STORED else "not stored yet"

    def next_run_text(self) -> str:
        return self.next_run.strftime("%Y-%m-%d %H:%M %Z") if self.next_run else "-"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "scenario": self.scenario,
            "schedule": self.schedule,
            "timezone": self.timezone,
            "next_run_time": self.next_run.isoformat() if self.next_run else None,
            "paused": self.paused,
            "source": self.source,
            "state": self.state,
            "in_quiet_hours": self.in_quiet_hours,
            "note": self.note,
        }


def describe_trigger(trigger: BaseTrigger) -> tuple[str, str]:
    """(schedule, zone name) of a trigger `serve` stored."""
    zone = _zone_name(getattr(trigger, "timezone", None))
    if isinstance(trigger, CronTrigger):
        return crontab_of(trigger), zone
    if isinstance(trigger, IntervalTrigger):
        return f"every {trigger.interval.total_seconds():g}s", zone
    return str(trigger), zone


def same_trigger(a: BaseTrigger, b: BaseTrigger) -> bool:
    """Whether two triggers fire at the same times (`str()` of a trigger omits its zone)."""
    return str(a) == str(b) and describe_trigger(a) == describe_trigger(b)


def _zone_name(zone: tzinfo | None) -> str:
    if zone is None:
        return "UTC"
    return str(getattr(zone, "key", None) or zone)


def _local(moment: datetime | None, zone: str) -> datetime | None:
    if moment is None:
        return None
    try:
        return moment.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return moment


def schedule_rows(
    jobs: Sequence[Job],
    scenarios: Sequence[Scenario],
    triggers: dict[str, BaseTrigger],
    now: datetime,
    *,
    job_prefix: str,
) -> list[ScheduleRow]:
    """Rows for the stored jobs, then for scheduled scenario files `serve` has not stored.

    `triggers` maps a scenario name to the trigger its file asks for (as `serve` would build
    it), so a stored job whose file has changed since is noted."""
    by_name = {s.name: s for s in scenarios}
    rows: list[ScheduleRow] = []
    stored: set[str] = set()
    for job in jobs:
        schedule, zone = describe_trigger(job.trigger)
        next_run = _local(job.next_run_time, zone)
        note = ""
        scenario = by_name.get(job.name) if job.id.startswith(job_prefix) else None
        if job.id.startswith(job_prefix):
            stored.add(job.name)
            wanted = triggers.get(job.name)
            if scenario is None:
                note = "no scheduled scenario file: serve removes it when it next syncs"
            elif wanted is not None and not same_trigger(wanted, job.trigger):
                note = "the file changed: serve applies it on restart or SIGHUP"
        rows.append(
            ScheduleRow(
                id=job.id,
                scenario=job.name,
                schedule=schedule,
                timezone=zone,
                next_run=next_run,
                paused=job.next_run_time is None,
                source=STORED,
                note=note,
                in_quiet_hours=_quiet(scenario, next_run),
            )
        )
    for scenario in scenarios:
        if scenario.name in stored or scenario.name not in triggers:
            continue
        trigger = triggers[scenario.name]
        schedule, zone = describe_trigger(trigger)
        next_run = _local(trigger.get_next_fire_time(None, now), zone)
        rows.append(
            ScheduleRow(
                id=job_prefix + scenario.name,
                scenario=scenario.name,
                schedule=schedule,
                timezone=zone,
                next_run=next_run,
                paused=False,
                source=FROM_FILE,
                note="not stored by `ringcheck serve` yet: it will fire once serve runs",
                in_quiet_hours=_quiet(scenario, next_run),
            )
        )
    return rows


def _quiet(scenario: Scenario | None, moment: datetime | None) -> bool:
    if scenario is None or scenario.quiet_hours is None or moment is None:
        return False
    return in_quiet_hours(scenario.quiet_hours, moment)
