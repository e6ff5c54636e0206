"""The number × carrier matrix as CSV or JSON, for spreadsheets and scripts.

Same `Report` as the HTML, so the figures agree. CSV cells that a spreadsheet would run as
a formula (screen text starting with `=`, `+`, `-`, `@`) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from reports.model import Cell, Report

COLUMNS = (
    "period",
    "number",
    "scenario",
    "expected_name",
    "do_not_originate",
    "carrier",
    "display_state",
    "state",
    "rate_pct",
    "attempts",
    "same_state",
    "delivered",
    "labelled",
    "verified",
    "blocked",
    "shown_name",
    "label",
    "label_class",
    "badge",
    "final_code",
    "evidence_attempt",
    "evidence_at",
    "warnings",
    "uncertain",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A bare E.164 number cannot run as a formula; keep it readable for people and lookups.
_E164 = re.compile(r"^\+[0-9]{4,15}$")


def matrix_records(report: Report) -> list[dict[str, Any]]:
    """One record per number × carrier cell, including cells nobody tested."""
    out = []
    for row in report.matrix.rows:
        for cell in row.cells:
            out.append(_record(report, row.expected_name, row.do_not_originate, cell))
            out[-1]["scenario"] = row.variant or None
    return out


def _record(report: Report, expected: str | None, dno: bool, cell: Cell) -> dict[str, Any]:
    latest = cell.latest
    rate = cell.rate
    return {
        "period": report.period.label,
        "number": cell.number,
        "scenario": None,
        "expected_name": expected,
        "do_not_originate": dno,
        "carrier": cell.carrier,
        "display_state": cell.display or None,
        "state": cell.state.value,
        "rate_pct": None if rate is None else round(rate, 1),
        "attempts": cell.attempts,
        "same_state": cell.same_state,
        "delivered": cell.delivered,
        "labelled": cell.labelled,
        "verified": cell.verified,
        "blocked": cell.blocked,
        "shown_name": latest.name if latest else None,
        "label": latest.label if latest else None,
        "label_class": latest.label_class if latest else None,
        "badge": latest.verified if latest else None,
        "final_code": latest.final_code if latest else None,
        "evidence_attempt": latest.attempt_id if latest else None,
        "evidence_at": latest.dialed_at.isoformat() if latest else None,
        "warnings": "; ".join(latest.warnings) if latest and latest.warnings else None,
        "uncertain": "; ".join(latest.uncertain) if latest and latest.uncertain else None,
    }


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START) and not _E164.match(text):
        return "'" + text
    return text


def matrix_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in matrix_records(report):
        writer.writerow({k: _cell_text(v) for k, v in record.items()})
    return buffer.getvalue()


def matrix_json(report: Report) -> str:
    payload = {
        "period": {
            "label": report.period.label,
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
        },
        "scenarios": list(report.scenarios),
        "carriers": list(report.matrix.carriers),
        "cells": matrix_records(report),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
