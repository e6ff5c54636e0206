"""What a weekly report says, as frozen dataclasses: the renderer and the exports read only
these, so the HTML, CSV and JSON can never disagree about a number.

Counts come from SQL aggregates; rates are derived here so that a rate and its count cannot
drift apart. Every string that came off a handset screen (names, labels, raw text) is kept
as-is: escaping is the renderer's job, everywhere it writes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from reports.period import Period
from robot.domain.model import RedressContact


class CellState(enum.StrEnum):
    """What a customer on a carrier saw from a number, worst signal first in `SEVERITY`."""

    CLEAN_VERIFIED = "clean_verified"
    CLEAN = "clean"
    LABELLED = "labelled"
    MISNAMED = "misnamed"
    BLOCKED = "blocked"
    UNDELIVERED = "undelivered"
    NOT_TESTED = "not_tested"


class ChangeKind(enum.StrEnum):
    NEWLY_BLOCKED = "newly_blocked"
    NEWLY_LABELLED = "newly_labelled"
    LABEL_CHANGED = "label_changed"
    BADGE_LOST = "badge_lost"
    NAME_CHANGED = "name_changed"
    NEWLY_UNDELIVERED = "newly_undelivered"
    UNBLOCKED = "unblocked"
    LABEL_CLEARED = "label_cleared"
    BADGE_GAINED = "badge_gained"


# Worst first: the gallery and the thumbnail budget favour the screens people act on.
SEVERITY = {
    CellState.BLOCKED: 0,
    CellState.LABELLED: 1,
    CellState.MISNAMED: 2,
    CellState.UNDELIVERED: 3,
    CellState.CLEAN: 4,
    CellState.CLEAN_VERIFIED: 5,
    CellState.NOT_TESTED: 6,
}

REGRESSIONS = frozenset(
    {
        ChangeKind.NEWLY_BLOCKED,
        ChangeKind.NEWLY_LABELLED,
        ChangeKind.LABEL_CHANGED,
        ChangeKind.BADGE_LOST,
        ChangeKind.NAME_CHANGED,
        ChangeKind.NEWLY_UNDELIVERED,
    }
)


def pct(part: int, whole: int) -> float | None:
    """A percentage, or None when nothing was measured (never a misleading 0 %)."""
    return None if whole <= 0 else 100.0 * part / whole


@dataclass(frozen=True, slots=True)
class Totals:
    """Raw counts for one period, straight from one SQL aggregate."""

    attempts: int = 0
    conclusive: int = 0
    delivered: int = 0
    clean: int = 0
    verified: int = 0
    labelled: int = 0
    blocked: int = 0
    numbers: int = 0
    carriers: int = 0


@dataclass(frozen=True, slots=True)
class Metric:
    """One headline figure and its value in the previous period."""

    key: str
    title: str
    value: float | None
    previous: float | None
    is_pct: bool
    higher_is_better: bool | None = None
    detail: str = ""

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def trend(self) -> str:
        """`better`, `worse`, `same` or `unknown`, for the arrow's words and colour."""
        delta = self.delta
        if delta is None:
            return "unknown"
        if abs(delta) < 0.05:
            return "same"
        if self.higher_is_better is None:
            return "up" if delta > 0 else "down"
        return "better" if (delta > 0) == self.higher_is_better else "worse"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Paths, relative to the artifacts folder, of one attempt's evidence."""

    attempt_id: int
    screenshot: str | None = None
    page_source: str | None = None
    sip_trace: str | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """The latest conclusive attempt of one number on one carrier within a period."""

    attempt_id: int
    dialed_at: datetime
    state: CellState
    delivery: str
    handset_id: str | None = None
    name: str | None = None
    number_shown: str | None = None
    label: str | None = None
    label_class: str | None = None
    verified: str = "unknown"
    final_code: int | None = None
    final_phrase: str | None = None
    evidence: Evidence | None = None
    # checks that passed with a warning (a CNAM-truncated name): shown, never silent
    warnings: tuple[str, ...] = ()
    # checks the reading could not decide (two readings disagreed): neither pass nor fail
    uncertain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    """One number × carrier cell: its state and how often that state was seen. `variant` is
    the scenario whose own expectations the cell was judged by ("" for the project's);
    `display` the phone's display state when the period tested several ("" otherwise)."""

    number: str
    carrier: str
    state: CellState
    latest: Observation | None = None
    attempts: int = 0
    same_state: int = 0
    delivered: int = 0
    labelled: int = 0
    verified: int = 0
    blocked: int = 0
    variant: str = ""
    display: str = ""

    @property
    def rate(self) -> float | None:
        """Share of the period's attempts that ended in the cell's state."""
        return pct(self.same_state, self.attempts)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One number; a scenario that expects a name of its own gets its own row (`variant`), so
    its override never marks the number "Misnamed" for everybody else."""

    number: str
    expected_name: str | None
    do_not_originate: bool
    cells: tuple[Cell, ...]
    variant: str = ""


@dataclass(frozen=True, slots=True)
class Matrix:
    """Numbers × columns. A column is a carrier, or a carrier and a display state when the
    period tested phones both locked and in use: customers see both, and a label shown only
    on the heads-up card must not hide behind the full-screen call's clean result."""

    carriers: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    columns: tuple[tuple[str, str], ...] = ()  # (carrier, display state or "")

    @property
    def by_display(self) -> bool:
        return any(display for _, display in self.columns)

    def cells(self) -> tuple[Cell, ...]:
        return tuple(c for row in self.rows for c in row.cells)


@dataclass(frozen=True, slots=True)
class Change:
    """A cell whose screen moved between the previous period and this one.

    One cell can change in several ways at once (labelled *and* badge lost); `kinds` lists
    them worst first, so the table shows one row per cell with its evidence once.
    """

    number: str
    carrier: str
    kinds: tuple[ChangeKind, ...]
    summary: str
    before: Observation | None
    after: Observation | None
    variant: str = ""
    display: str = ""

    @property
    def kind(self) -> ChangeKind:
        return self.kinds[0]

    @property
    def regression(self) -> bool:
        return any(k in REGRESSIONS for k in self.kinds)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    label: str
    attempts: int
    delivered_pct: float | None
    labelled_pct: float | None
    verified_pct: float | None


@dataclass(frozen=True, slots=True)
class CarrierTrend:
    carrier: str
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True, slots=True)
class AttestationCell:
    carrier: str
    level: str
    delivered: int
    verified: int

    @property
    def badge_pct(self) -> float | None:
        return pct(self.verified, self.delivered)


@dataclass(frozen=True, slots=True)
class AttestationMatrix:
    levels: tuple[str, ...]
    carriers: tuple[str, ...]
    cells: tuple[AttestationCell, ...]

    def get(self, level: str, carrier: str) -> AttestationCell | None:
        for cell in self.cells:
            if cell.level == level and cell.carrier == carrier:
                return cell
        return None


@dataclass(frozen=True, slots=True)
class DnoRow:
    """Enforcement of one Do-Not-Originate number on one carrier: it should be blocked."""

    number: str
    carrier: str
    attempts: int
    blocked: int
    delivered: int

    @property
    def enforced_pct(self) -> float | None:
        return pct(self.blocked, self.attempts)


@dataclass(frozen=True, slots=True)
class BlockedCall:
    """Blocks of one number on one carrier with one SIP answer, newest details shown."""

    number: str
    carrier: str
    count: int
    last_at: datetime
    final_code: int | None
    final_phrase: str | None
    reason_protocol: str | None = None
    reason_cause: int | None = None
    reason_text: str | None = None
    reason_location: str | None = None
    redress: RedressContact | None = None
    attempt_id: int | None = None


@dataclass(frozen=True, slots=True)
class HandsetInfo:
    id: str
    carrier: str
    attempts: int
    model: str = ""
    os_version: str = ""
    dialer: str = ""
    platform: str = ""


@dataclass(frozen=True, slots=True)
class ScenarioInfo:
    name: str
    runs: int
    attempts: int


@dataclass(frozen=True, slots=True)
class Methodology:
    handsets: tuple[HandsetInfo, ...]
    scenarios: tuple[ScenarioInfo, ...]
    first_at: datetime | None
    last_at: datetime | None
    timezone: str
    # (kind, calls) of calls left out of every rate: device_error, trunk_error,
    # signing_rejected, foreign_call, interrupted
    unjudged: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the weekly report shows; built by `build_report`, read by renderers."""

    title: str
    period: Period
    previous: Period
    generated_at: datetime
    totals: Totals
    previous_totals: Totals
    headline: tuple[Metric, ...]
    changes: tuple[Change, ...]
    matrix: Matrix
    trends: tuple[CarrierTrend, ...]
    attestation: AttestationMatrix
    dno: tuple[DnoRow, ...]
    blocked: tuple[BlockedCall, ...]
    methodology: Methodology
    # attempt id → small data: URI thumbnail (only changed cells and the gallery's budget)
    thumbnails: dict[int, str] = field(default_factory=dict)
    blocked_truncated: int = 0
    carrier_labels: dict[str, str] = field(default_factory=dict)
    scenarios: tuple[str, ...] = ()  # the report covers only these scenarios' runs (if any)

    def gallery(self) -> tuple[Cell, ...]:
        return self.gallery_of(self.matrix)

    @staticmethod
    def gallery_of(matrix: Matrix) -> tuple[Cell, ...]:
        """Cells with evidence, problems first (the order thumbnails are embedded in)."""
        cells = [c for c in matrix.cells() if c.latest and c.latest.evidence]
        return tuple(sorted(cells, key=lambda c: (SEVERITY[c.state], c.number, c.carrier)))

    def carrier_label(self, carrier: str) -> str:
        return self.carrier_labels.get(carrier, carrier)

    @property
    def regressions(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.regression)
