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


def parse_age(text: str, option: str = "--older-than") -> timedelta:
    """`90d`, `12w`, `48h` → a timedelta."""
    match = _AGE.match(text)
    if not match:
        raise UsageError(
            f"{option} {text!r}: expected a number and a unit, such as 90d, 12w or 48h"
        )
    return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


def parse_moment(
    text: str, now: datetime, option: str = "--since", *, end: bool = False
) -> datetime:
    """The moment `text` names; with `end`, the end of the day or week it names (exclusive)."""
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
    return Period.between(start, stop or now)
