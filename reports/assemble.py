"""Pure assembly of report parts from aggregated rows (one row per cell or group).

No I/O and no SQL: these functions turn the dictionaries `report_queries` returns into the
frozen model, decide each cell's state and find what changed between two periods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from reports.model import (
    BlockedCall,
    Cell,
    CellState,
    Change,
    ChangeKind,
    DnoRow,
    Evidence,
    Matrix,
    MatrixRow,
    Metric,
    Observation,
    Totals,
    pct,
)
from robot.domain.model import RedressContact

# number, carrier, variant (a scenario with its own expectations), display state ("" unless
# the period tested several)
Key = tuple[str, str, str, str]
Exists = Callable[[str], bool]

_ORDER = list(ChangeKind)
# `attempts.state` words (robot/store/states.py) → the report's cell states.
_STORED = {
    "blocked": CellState.BLOCKED,
    "labelled": CellState.LABELLED,
    "not_delivered": CellState.UNDELIVERED,
    "misnamed": CellState.MISNAMED,
    "clean": CellState.CLEAN,
    "verified": CellState.CLEAN_VERIFIED,
}


def totals(row: Mapping[str, Any]) -> Totals:
    return Totals(**{k: int(row[k] or 0) for k in Totals.__dataclass_fields__})


def headline(now: Totals, before: Totals) -> tuple[Metric, ...]:
    """The headline figures with their change; rates over conclusive or delivered calls."""

    def rate(t: Totals, part: str, whole: str) -> float | None:
        return pct(getattr(t, part), getattr(t, whole))

    def metric(key: str, title: str, whole: str, better: bool | None) -> Metric:
        value, previous = rate(now, key, whole), rate(before, key, whole)
        detail = f"{getattr(now, key):,} of {getattr(now, whole):,}"
        return Metric(key, title, value, previous, True, better, detail)

    def count(key: str, title: str) -> Metric:
        return Metric(key, title, float(getattr(now, key)), float(getattr(before, key)), False)

    return (
        count("numbers", "Numbers tested"),
        count("carriers", "Carriers tested"),
        count("attempts", "Test calls"),
        metric("delivered", "Delivered", "conclusive", True),
        metric("clean", "Shown clean", "delivered", True),
        metric("verified", "Verified badge", "delivered", True),
        metric("labelled", "Labelled", "delivered", False),
        metric("blocked", "Blocked", "conclusive", False),
    )


def state_of(row: Mapping[str, Any]) -> CellState:
    """The stored state when the store classified the attempt, else derived from its columns."""
    stored = _STORED.get(row.get("state") or "")
    if stored is not None:
        return stored
    delivery = row.get("delivery")
    if delivery == "blocked":
        return CellState.BLOCKED
    if delivery != "delivered":
        return CellState.UNDELIVERED
    if row.get("spam_label"):
        return CellState.LABELLED
    if row.get("verified") == "yes":
        return CellState.CLEAN_VERIFIED
    return CellState.CLEAN


def observation(row: Mapping[str, Any], exists: Exists | None = None) -> Observation:
    def keep(path: str | None) -> str | None:
        return path if path and (exists is None or exists(path)) else None

    shot, source, trace = keep(row["screenshot"]), keep(row["page_source"]), keep(row["sip_trace"])
    evidence = Evidence(int(row["id"]), shot, source, trace) if shot or source or trace else None
    return Observation(
        attempt_id=int(row["id"]),
        dialed_at=row["dialed_at"],
        state=state_of(row),
        delivery=row["delivery"] or "",
        handset_id=row["handset_id"],
        name=row["name"],
        number_shown=row["number_shown"],
        label=row["spam_label"] or None,
        label_class=row["spam_class"],
        verified=row["verified"] or "unknown",
        final_code=row["final_code"],
        final_phrase=row["final_phrase"],
        evidence=evidence,
        warnings=warnings_of(row.get("verdict_checks")),
        uncertain=warnings_of(row.get("verdict_checks"), state="uncertain"),
    )


def warnings_of(checks: Any, *, state: str = "warn") -> tuple[str, ...]:
    """Reasons of the checks stored with a `warn` state (a CNAM-truncated name), or with
    another state (`uncertain`: the reading could not decide)."""
    if not isinstance(checks, list):
        return ()
    return tuple(
        str(c.get("reason", ""))
        for c in checks
        if isinstance(c, Mapping) and c.get("state") == state
    )


def cell(row: Mapping[str, Any], exists: Exists | None = None) -> Cell:
    latest = observation(row, exists)
    return Cell(
        number=row["number"],
        carrier=row["carrier"],
        state=latest.state,
        latest=latest,
        attempts=int(row["attempts"]),
        same_state=int(row["same_state"]),
        delivered=int(row["n_delivered"]),
        labelled=int(row["n_labelled"]),
        verified=int(row["n_verified"]),
        blocked=int(row["n_blocked"]),
        variant=str(row.get("variant") or ""),
        display=str(row.get("display") or ""),
    )


def matrix(
    now: Mapping[Key, Cell],
    before: Iterable[Key],
    inventory: Any,
    names: Mapping[str, str | None] | None = None,
) -> Matrix:
    """Rows: the inventory's numbers in its order, then any other number seen; all carriers.

    A number tested by a scenario that expects a name of its own gets one more row for that
    scenario (`names`: scenario → the name it expects), judged by that name only. When the
    cells are split by display state (`Key`'s last part), each carrier gets a column per
    display state seen this period.
    """
    names = names or {}
    seen = set(now) | set(before)
    carriers = sorted({c for _, c, _, _ in seen} | {h.carrier for h in inventory.handsets})
    displays = sorted({d for _, _, _, d in now} | {d for _, _, _, d in before}) or [""]
    columns = [(carrier, display) for carrier in carriers for display in displays]
    known = {n.e164: n for n in inventory.numbers}
    order = list(known) + sorted({n for n, _, _, _ in seen} - set(known))
    variants: dict[str, set[str]] = {}
    for number, _, variant, _ in seen:
        variants.setdefault(number, set()).add(variant)
    rows = []
    for number in order:
        spec = known.get(number)
        shown = variants.get(number, set())
        if spec is not None:
            shown = shown | {""}  # every number of the inventory has its row, tested or not
        for variant in sorted(shown):
            cells = tuple(
                now.get((number, carrier, variant, display))
                or Cell(
                    number, carrier, CellState.NOT_TESTED, variant=variant, display=display
                )
                for carrier, display in columns
            )
            expected = names.get(variant) if variant else (spec.expected_name if spec else None)
            rows.append(
                MatrixRow(
                    number, expected, bool(spec and spec.do_not_originate), cells, variant
                )
            )
    return Matrix(tuple(carriers), tuple(rows), tuple(columns))


def _same_name(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").casefold().split()) == " ".join((b or "").casefold().split())


_DELIVERED_STATES = frozenset(
    {CellState.CLEAN, CellState.CLEAN_VERIFIED, CellState.LABELLED, CellState.MISNAMED}
)


def _badge_share(cell: Cell) -> float | None:
    return cell.verified / cell.delivered if cell.delivered else None


def _diff(before: Cell, after: Cell) -> list[tuple[ChangeKind, str]]:
    """What got worse or better in one cell; several things may change at once.

    States are each period's dominant state and the badge is judged on its share of
    delivered calls, so one odd call in a week does not show up as a change.
    """
    found: list[tuple[ChangeKind, str]] = []
    was, now = before.state, after.state
    prior, latest = before.latest, after.latest
    if now is CellState.BLOCKED and was is not CellState.BLOCKED:
        code = f" ({latest.final_code})" if latest and latest.final_code else ""
        found.append((ChangeKind.NEWLY_BLOCKED, f"Newly blocked{code}"))
    elif was is CellState.BLOCKED and now is not CellState.BLOCKED:
        found.append((ChangeKind.UNBLOCKED, "No longer blocked"))
    if now is CellState.UNDELIVERED and was in _DELIVERED_STATES:
        how = latest.delivery.replace("_", " ") if latest else "not delivered"
        found.append((ChangeKind.NEWLY_UNDELIVERED, f"Not delivered ({how})"))
    prior_label = prior.label if prior else None
    label = latest.label if latest else None
    if now is CellState.LABELLED and was is not CellState.LABELLED:
        found.append((ChangeKind.NEWLY_LABELLED, "Newly labelled"))
    elif now is CellState.LABELLED and was is CellState.LABELLED and label != prior_label:
        found.append((ChangeKind.LABEL_CHANGED, "Label changed"))
    elif was is CellState.LABELLED and now in _DELIVERED_STATES:
        found.append((ChangeKind.LABEL_CLEARED, "Label cleared"))
    share_before, share_after = _badge_share(before), _badge_share(after)
    if share_before is not None and share_after is not None:
        if share_before >= 0.5 > share_after:
            found.append((ChangeKind.BADGE_LOST, "Verified badge lost"))
        elif share_after >= 0.5 > share_before:
            found.append((ChangeKind.BADGE_GAINED, "Verified badge gained"))
    if (
        prior is not None
        and latest is not None
        and prior.delivery == latest.delivery == "delivered"
        and not _same_name(prior.name, latest.name)
    ):
        found.append((ChangeKind.NAME_CHANGED, "Displayed name changed"))
    return found


def changes(now: Mapping[Key, Cell], before: Mapping[Key, Cell]) -> tuple[Change, ...]:
    """Cells whose screen changed between the two periods, one row each, regressions first."""
    out: list[Change] = []
    for key in sorted(set(now) & set(before)):
        found = sorted(_diff(before[key], now[key]), key=lambda pair: _ORDER.index(pair[0]))
        if found:
            kinds = tuple(kind for kind, _ in found)
            summary = "; ".join(text for _, text in found)
            number, carrier, variant, display = key
            after, prior = now[key].latest, before[key].latest
            out.append(Change(number, carrier, kinds, summary, prior, after, variant, display))
    out.sort(key=lambda c: (not c.regression, _ORDER.index(c.kind), c.number, c.carrier))
    return tuple(out)


def dno(rows: Sequence[Mapping[str, Any]]) -> tuple[DnoRow, ...]:
    return tuple(
        DnoRow(
            r["number"], r["carrier"], int(r["attempts"]), int(r["blocked"]), int(r["delivered"])
        )
        for r in rows
    )


def redress(value: Any) -> RedressContact | None:
    """The stored jCard redress contact (a JSON object) as a domain object; junk is dropped."""
    if not isinstance(value, Mapping):
        return None
    fields = {k: str(value[k]) for k in ("name", "org", "tel", "url") if value.get(k)}
    return RedressContact(**fields) if fields else None


def blocked(rows: Sequence[Mapping[str, Any]]) -> tuple[BlockedCall, ...]:
    return tuple(
        BlockedCall(
            number=r["number"],
            carrier=r["carrier"],
            count=int(r["count"]),
            last_at=r["dialed_at"],
            final_code=r["final_code"],
            final_phrase=r["final_phrase"],
            reason_protocol=r["reason_protocol"],
            reason_cause=r["reason_cause"],
            reason_text=r["reason_text"],
            reason_location=r["reason_location"],
            redress=redress(r["redress"]),
            attempt_id=int(r["id"]),
        )
        for r in rows
    )
