"""Checks before a run rings anyone: quiet hours, the daily call budget, and free disk.

Test calls to real phones at 3 a.m. wake people and cost money; a full disk half-way through a
run loses evidence. Each check refuses clearly up front rather than failing mid-run.
"""

from __future__ import annotations

import shutil
import zoneinfo
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, time
from pathlib import Path

from robot.domain.scenario import PlannedCall, QuietHours, Scenario
from robot.errors import RingcheckError

BYTES_PER_ATTEMPT = 3 * 1024 * 1024
"""Room kept per planned call: two 1080x2400 PNG frames, page sources and a SIP trace."""

DISK_RESERVE = 64 * 1024 * 1024


class RunRefused(RingcheckError):
    """A run that must not start now (quiet hours, no disk); nothing was dialled."""

    exit_code = 2


def in_quiet_hours(quiet: QuietHours, now: datetime) -> bool:
    """Whether `now` falls in the quiet window, which may wrap past midnight."""
    local = now.astimezone(zoneinfo.ZoneInfo(quiet.timezone)).time()
    start, end = _clock(quiet.start), _clock(quiet.end)
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def check_quiet_hours(scenario: Scenario, now: datetime) -> None:
    quiet = scenario.quiet_hours
    if quiet is not None and in_quiet_hours(quiet, now):
        raise RunRefused(
            f"scenario {scenario.name} is in its quiet hours ({quiet.start}-{quiet.end} "
            f"{quiet.timezone}); run it later or pass --ignore-quiet-hours"
        )


def check_disk(artifacts_dir: Path, calls: int) -> None:
    """Refuse when the artifacts folder cannot hold the evidence of `calls` attempts."""
    folder = artifacts_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    needed = calls * BYTES_PER_ATTEMPT + DISK_RESERVE
    if free < needed:
        raise RunRefused(
            f"not enough free disk for the evidence of {calls} calls in {artifacts_dir}: "
            f"{free // 2**20} MiB free, {needed // 2**20} MiB needed; free space or run "
            "`ringcheck results prune --older-than 90d`"
        )


def within_budget(
    scenario: Scenario,
    calls: Sequence[PlannedCall],
    made_today: Callable[[str, str], int],
) -> tuple[list[PlannedCall], list[str]]:
    """Keep the calls the daily budgets allow; `made_today(kind, key)` counts earlier calls
    today for kind `number` or `handset`. Returns the kept calls and why others were skipped."""
    per_number, per_handset = scenario.daily_budget_per_number, scenario.daily_budget_per_handset
    if per_number is None and per_handset is None:
        return list(calls), []
    used: Counter[tuple[str, str]] = Counter()
    kept, skipped = [], []
    for call in calls:
        keys = [("number", call.number.e164, per_number), ("handset", call.handset.id, per_handset)]
        over = [
            (kind, key, limit)
            for kind, key, limit in keys
            if limit is not None and made_today(kind, key) + used[(kind, key)] >= limit
        ]
        if over:
            kind, key, limit = over[0]
            skipped.append(
                f"{call.number.e164} -> {call.handset.id}: daily budget of {limit} "
                f"calls for {kind} {key} reached"
            )
            continue
        for kind, key, _ in keys:
            used[(kind, key)] += 1
        kept.append(call)
    return kept, skipped
