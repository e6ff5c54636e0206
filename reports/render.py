"""Render a `Report` as one self-contained HTML page (inline CSS and SVG, no network).

Jinja2 autoescaping is on for every template, so text read off handset screens is escaped
wherever it lands: element text, attribute values and SVG `<title>`s alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined

from reports.charts import trend_chart
from reports.evidence import evidence_name
from reports.model import CellState, Evidence, Metric, Report
from reports.period import Period

# Word, icon and CSS class per state: the colour is never the only signal.
# Why a call is left out of the rates, in the report's words (the DESIGN.md delivery table).
UNJUDGED: dict[str, str] = {
    "device_error": "the robot could not observe the handset",
    "trunk_error": "our trunk failed or refused the call (401/407/403, 5xx, no answer)",
    "signing_rejected": "the network refused our Identity header (428/436/437/438): fix signing",
    "foreign_call": "somebody else's call rang the handset; kept with its screenshot",
    "interrupted": "the run stopped during the call",
}
STATES: dict[str, tuple[str, str]] = {
    CellState.CLEAN_VERIFIED: ("Clean and verified", "✔"),
    CellState.CLEAN: ("Clean", "✓"),
    CellState.LABELLED: ("Labelled", "⚠"),
    CellState.MISNAMED: ("Misnamed", "≠"),
    CellState.BLOCKED: ("Blocked", "✖"),
    CellState.UNDELIVERED: ("Not delivered", "∅"),
    CellState.NOT_TESTED: ("Not tested", "–"),
}


@functools.cache
def template_environment() -> Environment:
    """The report's templates; compiled once per template version and kept in Jinja's own
    per-user cache folder (compiling them was 0.2 s of every `ringcheck report`)."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        bytecode_cache=FileSystemBytecodeCache(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = format_pct
    env.filters["delta"] = format_delta
    env.filters["metric"] = format_metric
    env.globals["STATES"] = STATES
    env.globals["UNJUDGED"] = UNJUDGED
    env.globals["trend_chart"] = trend_chart
    return env


def format_pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def format_metric(metric: Metric) -> str:
    if metric.value is None:
        return "—"
    return format_pct(metric.value) if metric.is_pct else f"{metric.value:,.0f}"


def format_delta(metric: Metric) -> str:
    """`+2.5 pts`, `−3`, `no change` or `no data before`."""
    delta = metric.delta
    if delta is None:
        return "no data before"
    if abs(delta) < 0.05:
        return "no change"
    sign = "+" if delta > 0 else "−"
    if metric.is_pct:
        return f"{sign}{abs(delta):.1f} pts"
    return f"{sign}{abs(delta):,.0f}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def render_html(
    report: Report,
    *,
    evidence_rel: str = "evidence",
    attempt_url: Callable[[int], str] | None = None,
) -> str:
    """The report as an HTML string; evidence links point into `evidence_rel/` beside it.
    With `attempt_url` (the project's `public_url`, or the console serving the report), each
    screen also links to that attempt's page in the web console."""
    zone = _zone(report.methodology.timezone)

    def when(moment: datetime | None) -> str:
        if moment is None:
            return "—"
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def href(evidence: Evidence | None, kind: str) -> str | None:
        if evidence is None:
            return None
        source = getattr(evidence, kind)
        if not source:
            return None
        return f"{evidence_rel}/{evidence_name(evidence.attempt_id, kind, source)}"

    def day(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%a %Y-%m-%d")

    def last_day(period: Period) -> str:
        return day(period.end - timedelta(microseconds=1))

    def console_link(observation: object) -> str | None:
        attempt_id = getattr(observation, "attempt_id", None)
        if attempt_url is None or attempt_id is None:
            return None
        return attempt_url(int(attempt_id))

    template = template_environment().get_template("report.html.j2")
    return template.render(
        console_link=console_link,
        r=report,
        when=when,
        day=day,
        last_day=last_day,
        href=href,
        zone_name=str(zone),
        CellState=CellState,
    )
