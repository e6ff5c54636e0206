"""The remediation evidence bundle for one number: summary pages and the files to include.

A carrier or analytics vendor disputing a label or block asks for screenshots, page sources,
SIP traces, timestamps and verdicts. This module decides what goes in the bundle and renders
the one-page summaries (HTML and Markdown); the CLI reads the artifacts and writes the zip.
Stored rows come straight from `report_queries.attempts_for_evidence`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reports.evidence import EvidenceFile, files_of
from reports.model import Evidence
from reports.render import template_environment

_TIMES = (
    "dialed_at",
    "first_provisional_at",
    "sip_ringing_at",
    "handset_ringing_at",
    "captured_at",
    "ended_at",
)
_SKIP_IN_JSON = ("raw_text",)


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything that goes into the zip, as strings plus files to copy."""

    summary_html: str
    summary_md: str
    attempts_json: str
    files: tuple[EvidenceFile, ...]


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _when(value: Any) -> str:
    """A stored time as ISO text; a time the store could not read shows as damaged."""
    return value.isoformat() if isinstance(value, datetime) else "damaged"


def _evidence(row: Mapping[str, Any]) -> Evidence:
    return Evidence(int(row["id"]), row["screenshot"], row["page_source"], row["sip_trace"])


def _md(text: Any) -> str:
    """Screen text in a Markdown table cell: no pipes, no line breaks, no HTML."""
    if text is None or text == "":
        return "—"
    cleaned = " ".join(str(text).split()).replace("|", "\\|")
    return cleaned.replace("<", "&lt;").replace(">", "&gt;")


def _settings_text(settings: Any) -> str:
    """The phone's settings snapshot on one line (a damaged one is shown as stored)."""
    if isinstance(settings, Mapping):
        return "; ".join(f"{k}={v}" for k, v in settings.items())
    return "" if settings is None else str(settings)


def _redress_lines(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The redress contacts the network sent with its blocks (608 jCard), once each."""
    seen: dict[str, None] = {}
    for row in rows:
        contact = row.get("redress")
        if isinstance(contact, Mapping):
            parts = [contact.get(k) for k in ("org", "name", "tel", "url")]
            text = ", ".join(_md(p) for p in parts if p)
            if text:
                seen.setdefault(f"- {text} (SIP {_md(row.get('final_code'))})")
    return ["Redress contacts sent by the network:", "", *seen, ""] if seen else []


def build_bundle(
    number: str,
    carrier: str | None,
    rows: Sequence[Mapping[str, Any]],
    *,
    generated_at: datetime,
    range_text: str,
    summary: Sequence[Mapping[str, Any]] = (),
) -> Bundle:
    files: list[EvidenceFile] = []
    items = []
    for row in rows:
        own = files_of(_evidence(row))
        files.extend(own)
        items.append({"row": row, "files": {f.name.split("-", 2)[2]: f.name for f in own}})
    summary_html = (
        template_environment()
        .get_template("evidence.html.j2")
        .render(
            number=number,
            carrier=carrier,
            items=items,
            generated_at=generated_at,
            range_text=range_text,
            times=_TIMES,
            summary=summary,
        )
    )
    lines = [
        f"# Evidence for {_md(number)}" + (f" on {_md(carrier)}" if carrier else ""),
        "",
        f"Calls: {len(rows)} · {range_text} · generated {generated_at.isoformat()}",
        "",
        *_redress_lines(rows),
        "## What the calls showed",
        "",
        "| carrier | state | label | SIP | calls | first (UTC) | last (UTC) |",
        "|---|---|---|---|---|---|---|",
        *(
            "| "
            + " | ".join(
                _md(v)
                for v in (
                    g["carrier"],
                    g["state"],
                    g["spam_label"],
                    g["final_code"],
                    g["calls"],
                    _when(g["first_at"]),
                    _when(g["last_at"]),
                )
            )
            + " |"
            for g in summary
        ),
        "",
        "## Calls",
        "",
        "| attempt | dialed (UTC) | carrier | handset | phone | delivery | SIP | name | label "
        "| badge | settings |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        sip = f"{row['final_code'] or ''} {row['final_phrase'] or ''}".strip()
        lines.append(
            "| "
            + " | ".join(
                _md(v)
                for v in (
                    row["id"],
                    _when(row["dialed_at"]),
                    row["carrier"],
                    row["handset_id"],
                    row.get("display_state"),
                    row["delivery"],
                    sip,
                    row["name"],
                    row["spam_label"],
                    row["verified"],
                    _settings_text(row.get("settings")),
                )
            )
            + " |"
        )
    lines += ["", "Files: `files/attempt-<id>-<kind>`; every stored field is in attempts.json."]
    records = [
        {k: _json_value(v) for k, v in row.items() if k not in _SKIP_IN_JSON} for row in rows
    ]
    return Bundle(
        summary_html=summary_html,
        summary_md="\n".join(lines) + "\n",
        attempts_json=json.dumps(records, ensure_ascii=False, indent=2, default=str),
        files=tuple(files),
    )
