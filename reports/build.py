"""`build_report()`: turn the store's SQL aggregates into a `Report`.

The work per row here is per number × carrier cell, carrier or group, never per attempt:
the counting happens in `robot.store.report_queries`. The inventory (numbers, handsets) is
optional; with it the matrix also shows cells nobody tested and the Do-Not-Originate table
knows which numbers are registered inbound-only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from reports import assemble
from reports.evidence import EvidenceSource, Thumbnailer, as_source
from reports.model import (
    AttestationCell,
    AttestationMatrix,
    CarrierTrend,
    Cell,
    Change,
    HandsetInfo,
    Methodology,
    Observation,
    Report,
    ScenarioInfo,
    TrendPoint,
    pct,
)
from reports.period import Period
from robot.domain.model import Handset, Number
from robot.store import report_queries as q
from robot.store.engine import read_tx
from robot.store.period_facts import period_facts

TREND_PERIODS = 12
# Inline thumbnails (≈3 KB each as data: URIs): the changed cells' before/after screens,
# then the gallery's worst cells. The byte budget keeps the page under 5 MB in any case.
CHANGES_INLINE_MAX = 50
GALLERY_INLINE_MAX = 40
THUMBNAIL_BYTES_MAX = 2_500_000


class HasEngine(Protocol):
    @property
    def engine(self) -> sa.Engine: ...


@dataclass(frozen=True, slots=True)
class Inventory:
    """What the project says exists; every field may be empty (the store alone suffices)."""

    numbers: Sequence[Number] = ()
    handsets: Sequence[Handset] = ()
    timezone: str = "UTC"
    # carrier id as stored (e.g. `sim-tmobile`) → the name people know ("T-Mobile")
    carrier_labels: Mapping[str, str] = field(default_factory=dict)
    # scenario → the display name it expects instead of each number's own (`expect.name`);
    # its calls get rows of their own in the matrix, judged by that name
    scenario_names: Mapping[str, str] = field(default_factory=dict)


def _engine(store: HasEngine | sa.Engine) -> sa.Engine:
    return store if isinstance(store, sa.Engine) else store.engine


def build_report(
    store: HasEngine | sa.Engine,
    period: Period,
    *,
    inventory: Inventory | None = None,
    artifacts_dir: Path | EvidenceSource | None = None,
    title: str = "ringcheck weekly report",
    now: datetime | None = None,
    trend_periods: int = TREND_PERIODS,
    gallery_inline_max: int = GALLERY_INLINE_MAX,
    scenarios: Sequence[str] = (),
    thumbnail_cache: Path | None = None,
) -> Report:
    """Aggregate `period` (and the one before, and the trend window) into a `Report`, over
    the runs of `scenarios` only when any are named; thumbnails made once are kept in
    `thumbnail_cache` by their screen's content hash."""
    inventory = inventory or Inventory()
    only = tuple(scenarios)
    split = sorted(inventory.scenario_names)
    previous = period.previous()
    trailing = period.trailing(trend_periods)
    source = as_source(artifacts_dir)
    engine = _engine(store)
    with read_tx(engine) as conn, ThreadPoolExecutor(max_workers=2) as side:
        # The trend reads twelve weeks on a connection of its own while this one reads the
        # period (the database works on both at once; both release the GIL while waiting).
        trend_job = side.submit(
            _trend, engine, [p.start for p in trailing] + [trailing[-1].end], only
        )
        q.tune_for_reading(conn)
        # One pass over each period; every table of the report is a sum over its groups.
        now_facts = period_facts(conn, period.start, period.end, only, split)
        before_facts = period_facts(conn, previous.start, previous.end, only, split)
        totals, previous_totals = now_facts.totals(), before_facts.totals()
        # Columns per display state only when this period tested phones in more than one.
        by_display = len(now_facts.display_states()) > 1
        now_rows, before_rows = (
            now_facts.cells(conn, by_display),
            before_facts.cells(conn, by_display),
        )
        exists = _exists(source, [*now_rows, *before_rows])
        now_cells, before_cells = _cells(now_rows, exists), _cells(before_rows, exists)
        matrix = assemble.matrix(now_cells, before_cells, inventory, inventory.scenario_names)
        changes = assemble.changes(now_cells, before_cells)
        gallery = Report.gallery_of(matrix)
        # Screenshots decode while the database answers the rest (both release the GIL).
        thumbs_job = side.submit(
            _thumbnails, source, changes, gallery, gallery_inline_max, thumbnail_cache
        )
        trend_rows = trend_job.result()
        attestation_rows = now_facts.attestation()
        dno_rows = now_facts.dno([n.e164 for n in inventory.numbers if n.do_not_originate])
        blocked = q.blocked(conn, period.start, period.end, scenarios=only)
        handset_rows = now_facts.handsets()
        scenario_rows = q.scenarios(conn, period.start, period.end, only)
        unjudged_rows = now_facts.unjudged()
        thumbs = thumbs_job.result()
    return Report(
        title=title,
        period=period,
        previous=previous,
        generated_at=(now or datetime.now(UTC)),
        totals=assemble.totals(totals),
        previous_totals=assemble.totals(previous_totals),
        headline=assemble.headline(assemble.totals(totals), assemble.totals(previous_totals)),
        changes=changes,
        matrix=matrix,
        trends=_trends(trend_rows, trailing, matrix.carriers),
        attestation=_attestation(attestation_rows, matrix.carriers),
        dno=assemble.dno(dno_rows),
        blocked=assemble.blocked(blocked.rows),
        blocked_truncated=max(0, blocked.total_groups - len(blocked.rows)),
        methodology=dataclasses.replace(
            _methodology(totals, handset_rows, scenario_rows, inventory),
            unjudged=tuple((str(r["kind"]), int(r["calls"])) for r in unjudged_rows),
        ),
        thumbnails=thumbs,
        carrier_labels=dict(inventory.carrier_labels),
        scenarios=only,
    )


def _trend(
    engine: sa.Engine, bounds: Sequence[datetime], scenarios: Sequence[str]
) -> list[dict[str, Any]]:
    with read_tx(engine) as conn:
        q.tune_for_reading(conn)
        return q.trend(conn, bounds, scenarios)


def _cells(rows: Sequence[dict[str, Any]], exists: assemble.Exists | None) -> dict[Any, Cell]:
    return {
        (r["number"], r["carrier"], r["variant"] or "", r["display"] or ""): assemble.cell(
            r, exists
        )
        for r in rows
    }


def _exists(
    source: EvidenceSource | None, rows: Sequence[dict[str, Any]]
) -> assemble.Exists | None:
    """Evidence links only for files that are really there (and inside the store), looked
    up together: one look per folder rather than per file."""
    if source is None:
        return None
    names = (r[k] for r in rows for k in ("screenshot", "page_source", "sip_trace") if r[k])
    return source.present(names).__contains__


def _thumbnails(
    source: EvidenceSource | None,
    changes: Sequence[Change],
    cells: Sequence[Any],
    gallery_max: int,
    cache_dir: Path | None = None,
) -> dict[int, str]:
    """Inline thumbnails: changed cells' before/after first, then the gallery, worst first.

    Both a count and a byte budget apply, so the page stays under 5 MB whatever the
    screenshots look like; cells past the budget keep their link to the full screenshot.
    """
    if source is None:
        return {}
    wanted: list[Observation] = []
    for change in changes[:CHANGES_INLINE_MAX]:
        wanted.extend(o for o in (change.before, change.after) if o is not None)
    wanted.extend(c.latest for c in cells[:gallery_max] if c.latest is not None)
    with_shots = [o for o in wanted if o.evidence is not None and o.evidence.screenshot]
    uris = Thumbnailer(source, cache_dir=cache_dir).many(
        o.evidence.screenshot for o in with_shots if o.evidence and o.evidence.screenshot
    )
    out: dict[int, str] = {}
    spent = 0
    for obs in with_shots:
        uri = uris.get(obs.evidence.screenshot or "") if obs.evidence else None
        if uri is None or obs.attempt_id in out:
            continue
        if spent + len(uri) > THUMBNAIL_BYTES_MAX:
            break
        out[obs.attempt_id] = uri
        spent += len(uri)
    return out


def _trends(
    rows: Sequence[dict[str, Any]], trailing: Sequence[Period], carriers: Sequence[str]
) -> tuple[CarrierTrend, ...]:
    by_key = {(r["carrier"], r["bucket"]): r for r in rows if r["bucket"] is not None}
    names = sorted(set(carriers) | {r["carrier"] for r in rows})
    out = []
    for carrier in names:
        points = []
        for i, p in enumerate(trailing):
            row = by_key.get((carrier, i))
            if row is None:
                points.append(TrendPoint(p.label, 0, None, None, None))
                continue
            n, d = int(row["attempts"]), int(row["delivered"])
            points.append(
                TrendPoint(
                    p.label,
                    n,
                    pct(d, n),
                    pct(int(row["labelled"]), d),
                    pct(int(row["verified"]), d),
                )
            )
        out.append(CarrierTrend(carrier, tuple(points)))
    return tuple(out)


def _attestation(rows: Sequence[dict[str, Any]], carriers: Sequence[str]) -> AttestationMatrix:
    cells = tuple(
        AttestationCell(r["carrier"], r["level"], int(r["delivered"]), int(r["verified"]))
        for r in rows
    )
    levels = ["A", "B", "C"]
    if any(c.level == "none" for c in cells):
        levels.append("none")
    names = sorted(set(carriers) | {c.carrier for c in cells})
    return AttestationMatrix(tuple(levels), tuple(names), cells)


def _methodology(
    totals: dict[str, Any],
    handset_rows: Sequence[dict[str, Any]],
    scenario_rows: Sequence[dict[str, Any]],
    inventory: Inventory,
) -> Methodology:
    specs = {h.id: h for h in inventory.handsets}
    handsets = []
    for row in handset_rows:
        spec = specs.get(row["handset_id"])
        handsets.append(
            HandsetInfo(
                id=row["handset_id"],
                carrier=row["carrier"],
                attempts=int(row["attempts"]),
                model=spec.model if spec else "",
                os_version=spec.os_version if spec else "",
                dialer=spec.dialer.value if spec else "",
                platform=spec.platform.value if spec else "",
            )
        )
    scenarios = tuple(
        ScenarioInfo(r["scenario"], int(r["runs"]), int(r["attempts"])) for r in scenario_rows
    )
    return Methodology(
        handsets=tuple(handsets),
        scenarios=scenarios,
        first_at=totals["first_at"],
        last_at=totals["last_at"],
        timezone=inventory.timezone,
    )
