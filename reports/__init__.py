"""The weekly report: aggregation of stored attempts into a `Report`, and its rendering.

`build_report()` reads through the store's report queries (aggregation runs in SQL);
`render_html()` and the exports return strings. Only the CLI writes files.
"""

from reports.build import build_report
from reports.model import Report
from reports.period import Period
from reports.render import render_html

__all__ = ["Period", "Report", "build_report", "render_html"]
