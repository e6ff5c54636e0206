"""One date vocabulary for every command: `--since` and `--until` take a day (2026-11-23), an
ISO week (2026-W48), a time (2026-11-23T08:00, UTC unless it says) or an age (7d, 12w, 48h).

`--since` is the start of what it names; `--until` includes what it names (the whole day or
week), so `--since 2026-W48 --until 2026-W48` is that week. Days and weeks are UTC, like the
report's periods.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from reports.period import Period
from robot.errors import UsageError

_AGE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_WEEK = re.compile(r"^\s*\d{4}-?W\d{2}\s*$", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
FORMS = "a day (2026-11-23), an ISO week (2026-W48), a time (2026-11-23T08:00) or an age (7d)"
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
"""Dates outside [EARLIEST, LATEST) cannot hold a test call; refusing them up front keeps
the arithmetic after (the end of a day, the periods before a report's) within Python's range."""
MAX_AGE = timedelta(days=36_525)
MAX_REPORT_PERIOD = timedelta(days=5 * 366)
"""A report compares its period with the ones before it: five years back eight times still
lands after 1930."""


def parse_age(text: str, option: str = "--older-than") -> timedelta:
    """`90d`, `12w`, `48h` → a timedelta."""
    match = _AGE.match(text)
    if not match:
        raise UsageError(
            f"{option} {text!r}: expected a number and a unit, such as 90d, 12w or 48h"
        )
    count, unit = int(match.group(1)), _UNITS[match.group(2).lower()]
    hours = count * {"hours": 1, "days": 24, "weeks": 168}[unit]
    if hours > MAX_AGE.days * 24:
        raise UsageError(f"{option} {text.strip()}: at most 100 years (36525d, 5218w)")
    return timedelta(**{unit: count})


def parse_moment(
    text: str, now: datetime, option: str = "--since", *, end: bool = False
) -> datetime:
    """The moment `text` names; with `end`, the end of the day or week it names (exclusive)."""
    try:
        moment = _moment(text, now, option, end=end)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise UsageError(
            f"{option} {text.strip()}: outside the dates ringcheck can hold "
            f"({EARLIEST:%Y-%m-%d} to {LATEST - timedelta(days=1):%Y-%m-%d})"
        )
    return moment


def _moment(text: str, now: datetime, option: str, *, end: bool) -> datetime:
    raw = text.strip()
    if _AGE.match(raw):
        return now - parse_age(raw, option)
    if _WEEK.match(raw):
        try:
            week = Period.iso_week(raw)
        except UsageError as exc:
            raise UsageError(f"{option} {text!r}: {exc}".replace("--week ", "")) from None
        return week.end if end else week.start
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"{option} {text!r}: expected {FORMS}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def span(
    since: str | None, until: str | None, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """`[since, until)` from the two options; either may be open."""
    start = parse_moment(since, now, "--since") if since else None
    stop = parse_moment(until, now, "--until", end=True) if until else None
    if start is not None and stop is not None and stop <= start:
        raise UsageError(f"--until {until} is not after --since {since}")
    return start, stop


def period(since: str | None, until: str | None, now: datetime) -> Period:
    """A report period: `--since`/`--until`, or by default the last complete ISO week."""
    if not since and not until:
        return Period.last_complete_week(now)
    start, stop = span(since, until, now)
    if start is None:
        raise UsageError(f"--until {until} needs a --since (e.g. --since 2026-W48)")
    if (stop or now) - start > MAX_REPORT_PERIOD:
        raise UsageError(
            f"--since {since} to {until or 'now'}: a report covers at most five years; "
            "write one per year"
        )
    return Period.between(start, stop or now)
