"""Limits on the numbers people type (`--limit`, run ids): past them, one clear error.

SQLite and PostgreSQL hold 64-bit integers; a `--limit 99999999999999999999` used to surface as
an `OverflowError` deep in the driver. Checked here, at the CLI boundary, it is a usage error
(exit 2) that names the option and the range.
"""

from __future__ import annotations

from robot.errors import UsageError

MAX_ROWS = 1_000_000
"""The most rows a listing prints; more is an export (`results export`)."""
MAX_ID = 2**63 - 1


def row_limit(value: int, option: str = "--limit") -> int:
    if not 1 <= value <= MAX_ROWS:
        raise UsageError(
            f"{option} {value}: give a count from 1 to {MAX_ROWS:,}"
            + (" (use `results export` for everything)" if value > MAX_ROWS else "")
        )
    return value


def record_id(value: int, what: str) -> int:
    if not 1 <= value <= MAX_ID:
        raise UsageError(f"{what} {value} cannot exist: ids run from 1 to {MAX_ID}")
    return value
