"""Geometry of the inline SVG trend charts; the template draws them.

Only numbers are computed here; every piece of text (carrier names, period labels) goes
through the autoescaping template, so a hostile carrier name cannot break out of the SVG.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.model import CarrierTrend

WIDTH = 360
HEIGHT = 170
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 40

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies; each line
# also has its own dash pattern and marker so the chart reads in greyscale print.
SERIES = (
    ("delivered", "Delivered", "#0072B2", "", "circle"),
    ("labelled", "Labelled", "#D55E00", "6 3", "square"),
    ("verified", "Verified", "#009E73", "2 3", "diamond"),
)


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    value: float
    label: str


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    title: str
    colour: str
    dash: str
    marker: str
    points: str
    dots: tuple[Dot, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    carrier: str
    width: int
    height: int
    series: tuple[Series, ...]
    x_labels: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, int], ...]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100.0)


def trend_chart(trend: CarrierTrend) -> Chart:
    """Three percentage lines over the trailing periods; gaps where nothing was measured."""
    count = len(trend.points)
    series = []
    for key, title, colour, dash, marker in SERIES:
        dots = []
        for i, point in enumerate(trend.points):
            value = getattr(point, f"{key}_pct")
            if value is not None:
                dots.append(Dot(round(_x(i, count), 1), round(_y(value), 1), value, point.label))
        points = " ".join(f"{d.x},{d.y}" for d in dots)
        series.append(Series(key, title, colour, dash, marker, points, tuple(dots)))
    # Every other label or so, counted back from the newest period, which is always named.
    step = max(1, (count + 5) // 6)
    x_labels = tuple(
        (round(_x(i, count), 1), p.label)
        for i, p in enumerate(trend.points)
        if (count - 1 - i) % step == 0
    )
    y_ticks = tuple((round(_y(v), 1), v) for v in (0, 50, 100))
    return Chart(
        carrier=trend.carrier,
        width=WIDTH,
        height=HEIGHT,
        series=tuple(series),
        x_labels=x_labels,
        y_ticks=y_ticks,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
    )
