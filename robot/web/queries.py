"""What the console's pages and the API read, assembled once for both (through the store's
console queries, never SQL of their own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reports.period import Period
from robot.domain.model import Handset, RunStatus
from robot.errors import UsageError
from robot.store.console_queries import CellLatest, Page, RunRecord
from robot.web.console import Console
from robot.web.errors import ApiError
from robot.web.views import attempt_detail, handset_json, run_json

RECENT_RUNS = 10
REPORT_WEEKS = 26


def handset_spec(console: Console, handset_id: str) -> Handset:
    for spec in console.project().handsets:
        if spec.id == handset_id:
            return spec
    known = ", ".join(h.id for h in console.project().handsets) or "none"
    raise ApiError(404, f"no handset {handset_id!r} in the farm file (handsets: {known})")


def handsets(console: Console, ids: list[str] | None = None) -> list[dict[str, Any]]:
    specs = [s for s in console.project().handsets if ids is None or s.id in ids]
    state = console.store.handset_state
    leases = {lease.handset_id: lease for lease in console.store.leases.all()}
    now = console.store.clock.now()
    latest = console.reads.latest_by_handset([s.id for s in specs])
    out = []
    for spec in specs:
        lease = leases.get(spec.id)
        holder = lease.holder if lease is not None and lease.expires_at > now else None
        out.append(handset_json(spec, state.get(spec.id), holder, latest.get(spec.id)))
    return out


def triggered_by(record: RunRecord) -> str | None:
    trigger = record.run.trigger
    return trigger.split(":", 1)[1] if trigger.startswith("console:") else None


def runs_json(console: Console, records: list[RunRecord]) -> list[dict[str, Any]]:
    progress = console.progress.of(console.reads, records)
    live = set(console.launcher.live())
    return [
        run_json(
            r,
            progress.get(r.run.id or 0),
            live=r.run.id in live,
            triggered_by=triggered_by(r),
        )
        for r in records
    ]


def run_record(console: Console, run_id: int) -> RunRecord:
    record = console.reads.run(run_id)
    if record is None:
        raise ApiError(404, f"no run {run_id} in the store (see GET /api/runs)")
    return record


def now_snapshot(console: Console) -> dict[str, Any]:
    """The Now page: running runs with progress, the latest finished ones, every handset."""
    running = console.reads.runs(before=None, limit=50, statuses=[RunStatus.RUNNING.value])
    recent = console.reads.runs(before=None, limit=RECENT_RUNS)
    seen = {r.run.id for r in running.items}
    records = running.items + [r for r in recent.items if r.run.id not in seen]
    return {
        "runs": runs_json(console, records),
        "handsets": handsets(console),
        "at": console.store.clock.now().isoformat(),
    }


def attempt_json(console: Console, attempt_id: int) -> dict[str, Any]:
    attempt = console.store.attempt(attempt_id)
    if attempt is None:
        raise ApiError(
            404, f"no attempt {attempt_id} in the store (pruned, or see GET /api/attempts)"
        )
    run = console.store.run(attempt.run_id)
    return attempt_detail(attempt, run.scenario if run else None)


@dataclass(frozen=True, slots=True)
class Matrix:
    numbers: list[tuple[str, str | None]]  # (E.164, expected name)
    carriers: list[tuple[str, str]]  # (id, the name people know)
    cells: dict[tuple[str, str], CellLatest]

    def as_json(self) -> dict[str, Any]:
        return {
            "numbers": [{"number": n, "expected_name": name} for n, name in self.numbers],
            "carriers": [{"id": c, "name": label} for c, label in self.carriers],
            "cells": [
                {
                    "number": c.number,
                    "carrier": c.carrier,
                    "state": c.state,
                    "attempt": c.attempt_id,
                    "dialed_at": c.dialed_at.isoformat(),
                    "name": c.name,
                    "spam_label": c.spam_label,
                    "verified": c.verified,
                    "final_code": c.final_code,
                    "delivery": c.delivery,
                    "page": f"/attempts/{c.attempt_id}",
                }
                for c in self.cells.values()
            ],
        }


def matrix(console: Console) -> Matrix:
    """The project's numbers × carriers, each with its latest classified attempt."""
    project = console.project()
    labels = {c.name: c.label for c in project.carriers}
    carriers = [(c, labels.get(c, c)) for c in project.carrier_names()]
    numbers = [(n.e164, n.expected_name) for n in project.numbers]
    cells = console.reads.latest_cells([n for n, _ in numbers], [c for c, _ in carriers])
    return Matrix(numbers, carriers, {(c.number, c.carrier): c for c in cells})


def report_weeks(console: Console, now: datetime) -> list[Period]:
    """ISO weeks with attempts, newest first (the last half year, one index probe each)."""
    first, last = console.reads.first_and_last()
    if first is None or last is None:
        return []
    weeks: list[Period] = []
    week = Period.week_containing(min(last, now))
    floor = max(first, now - timedelta(weeks=REPORT_WEEKS))
    while week.end > floor and len(weeks) < REPORT_WEEKS:
        weeks.append(week)
        week = Period.week_containing(week.start - timedelta(days=1))
    present = console.reads.any_between([(w.start, w.end) for w in weeks])
    return [w for w, yes in zip(weeks, present, strict=True) if yes]


def week(label: str) -> Period:
    try:
        return Period.iso_week(label)
    except UsageError as exc:
        raise ApiError(400, f"{label!r} is not an ISO week such as 2026-W48 ({exc})") from None


def page_link(base: str, params: dict[str, Any], page: Page) -> str | None:
    """The URL of the next page, keeping the filters."""
    if page.next_before is None:
        return None
    from urllib.parse import urlencode

    query = [(k, v) for k, values in params.items() for v in _many(values) if v not in (None, "")]
    query.append(("before", page.next_before))
    return f"{base}?{urlencode(query)}"


def _many(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]
