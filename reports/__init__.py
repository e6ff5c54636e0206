"""The weekly report: aggregation of stored attempts into a `Report`, and its rendering.

`build_report()` reads through the store's report queries (aggregation runs in SQL);
`render_html()` and the exports return strings. Only the CLI writes files. Names load on
first use (`robot.lazy`), so `reports.period` costs no Jinja2, Pillow or SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from robot.lazy import lazy_exports

if TYPE_CHECKING:
    from reports.build import build_report
    from reports.model import Report
    from reports.period import Period
    from reports.render import render_html

__getattr__ = lazy_exports(
    __name__,
    {
        "build_report": "reports.build",
        "Report": "reports.model",
        "Period": "reports.period",
        "render_html": "reports.render",
    },
)

__all__ = ["Period", "Report", "build_report", "render_html"]
