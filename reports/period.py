"""Report periods: an ISO week or an explicit date range, and the periods before it.

A period is half-open, [start, end), in UTC, so consecutive periods never share an attempt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from robot.errors import UsageError

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Period:
    """A report period [start, end) in UTC with the label people see."""

    start: datetime
    end: datetime
    label: str

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Period:
        """The period of the same length just before this one (the base for deltas)."""
        return self.shifted(-1)

    def shifted(self, steps: int) -> Period:
        start = self.start + self.length * steps
        end = self.end + self.length * steps
        return Period(start, end, _label(start, end))

    def trailing(self, count: int) -> tuple[Period, ...]:
        """The last `count` periods ending with this one, oldest first (for trend charts)."""
        return tuple(self.shifted(-k) for k in range(count - 1, -1, -1))

    @classmethod
    def iso_week(cls, text: str) -> Period:
        """`2026-W48` → Monday 00:00 UTC to the next Monday."""
        match = _WEEK.match(text.strip())
        if not match:
            raise UsageError(f"--week {text!r}: expected an ISO week such as 2026-W48")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise UsageError(f"--week {text!r}: {year} has no week {week}") from exc
        start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
        return cls(start, start + timedelta(days=7), f"{year}-W{week:02d}")

    @classmethod
    def dates(cls, first: str, last: str) -> Period:
        """`--from 2026-11-01 --to 2026-11-07`: both days included."""
        try:
            first_day = date.fromisoformat(first)
            last_day = date.fromisoformat(last)
        except ValueError as exc:
            raise UsageError(f"--from/--to: dates are written YYYY-MM-DD ({exc})") from exc
        if last_day < first_day:
            raise UsageError(f"--to {last} is before --from {first}")
        start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
        end = datetime(last_day.year, last_day.month, last_day.day, tzinfo=UTC) + timedelta(1)
        return cls(start, end, _label(start, end))

    @classmethod
    def between(cls, start: datetime, end: datetime) -> Period:
        """[start, end) labelled as people read it (an ISO week when it is exactly one)."""
        return cls(start, end, _label(start, end))

    @classmethod
    def week_containing(cls, moment: datetime) -> Period:
        year, week, _ = moment.astimezone(UTC).isocalendar()
        return cls.iso_week(f"{year}-W{week:02d}")

    @classmethod
    def last_complete_week(cls, now: datetime) -> Period:
        """The default report: the last full ISO week before `now`."""
        return cls.week_containing(now).previous()


def _label(start: datetime, end: datetime) -> str:
    if end - start == timedelta(days=7) and start.isoweekday() == 1 and start.hour == 0:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    last = (end - timedelta(microseconds=1)).date()
    return f"{start.date().isoformat()} – {last.isoformat()}"
