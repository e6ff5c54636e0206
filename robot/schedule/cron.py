"""Cron expressions as people write them, turned into APScheduler 3 triggers.

APScheduler 3 numbers weekdays from Monday = 0, while cron numbers them from Sunday = 0 (7 is
Sunday too): `CronTrigger.from_crontab("0 9 * * 1-5")` fires Tuesday to Saturday. The weekday
field is therefore rewritten as weekday names, which mean the same to both.
"""

from __future__ import annotations

from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_APSCHEDULER_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day(token: str) -> int:
    token = token.strip().lower()
    if token.isdigit():
        value = int(token)
        if not 0 <= value <= 7:
            raise ValueError(f"weekday {value} is out of range (0-7, 0 and 7 are Sunday)")
        return value
    if token in _NAMES:
        return _NAMES.index(token)
    raise ValueError(f"{token!r} is not a weekday (0-7 or sun, mon, ...)")


def cron_weekdays(field: str) -> set[int]:
    """The days (0 = Sunday … 6 = Saturday) a cron weekday field selects."""
    days: set[int] = set()
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"step {step} in {part!r} must be at least 1")
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            low, high = base.split("-", 1)
            first, last = _day(low), _day(high)
            if first > last:
                raise ValueError(f"weekday range {base!r} runs backwards")
        else:
            first = last = _day(base)
            if step_text:
                last = 6
        days.update(day % 7 for day in range(first, last + 1, step))
    return days


def weekday_field(field: str) -> str:
    """A cron weekday field as APScheduler weekday names (`*` stays `*`)."""
    if field == "*":
        return field
    days = cron_weekdays(field)
    if days == set(range(7)):
        return "*"
    names = {_NAMES[day] for day in days}
    return ",".join(name for name in _APSCHEDULER_ORDER if name in names)


def cron_trigger(expression: str, timezone: str | tzinfo) -> CronTrigger:
    """A trigger firing when the 5-field cron `expression` says, in `timezone`."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month weekday), got {len(fields)}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=weekday_field(weekday),
        timezone=timezone,
    )


def crontab_of(trigger: CronTrigger) -> str:
    """The 5-field form of a trigger built by `cron_trigger` (for `schedule list`)."""
    fields = {f.name: str(f) for f in trigger.fields}
    return " ".join(fields[name] for name in ("minute", "hour", "day", "month", "day_of_week"))
