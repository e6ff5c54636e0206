"""Weekly report on a big store: one million attempts → report time and HTML size.

Shape: 12 ISO weeks × 500 numbers × 4 carriers, about 42 calls per cell a week, bulk-loaded
(SQLite: executemany in one transaction; PostgreSQL: COPY) into a store created by the real
migrations. Then the week-12 report is built and rendered as `ringcheck report` does, with
real screenshots (a pool of phone-sized PNGs) so thumbnails cost what they cost.

Goals (issue 8): report ≤ 10 s, HTML ≤ 5 MB.

    .venv/bin/python benchmarks/report_bench.py [--attempts 1000000] [--backend sqlite|pg|both]

PostgreSQL comes from RINGCHECK_TEST_PG_URL; the benchmark works in a private schema and
drops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports.build import Inventory, build_report
from reports.period import Period
from reports.render import render_html
from robot.cli.report_cmd import copy_evidence
from robot.domain.model import (
    DialerKind,
    Direction,
    Handset,
    Number,
    Platform,
)
from robot.store.results import SqlResultStore
from robot.store.schema import attempts, runs

WEEK = Period.iso_week("2026-W48")
WEEKS = WEEK.trailing(12)
NUMBERS = 500
CARRIERS = ("T-Mobile", "AT&T", "Verizon", "US Cellular")
DNO_FROM = 490  # numbers 490..499 are registered Do-Not-Originate
SHOT_POOL = 300
LABELS = (("Spam Risk", "spam"), ("Scam Likely", "scam"), ("Potential Spam", "spam"))
COLUMNS = (
    "run_id", "number", "carrier", "handset_id", "status", "delivery", "attestation", "state",
    "dialed_at", "ended_at", "call_id", "final_code", "final_phrase", "reason_protocol",
    "reason_cause", "reason_text", "redress", "name", "number_shown", "spam_label", "spam_class",
    "verified", "engine", "verdict_passed", "screenshot", "page_source", "sip_trace",
)  # fmt: skip
REDRESS = json.dumps({"org": "Carrier Redress", "tel": "+18005550100", "url": "https://r.example"})


def e164(n: int) -> str:
    return f"+1202555{n:04d}"


def inventory() -> Inventory:
    numbers = tuple(
        Number(
            e164(n),
            f"ACME {n:03d}",
            Direction.INBOUND_ONLY if n >= DNO_FROM else Direction.OUTBOUND,
        )
        for n in range(NUMBERS)
    )
    handsets = tuple(
        Handset(f"h-{i}", Platform.ANDROID, DialerKind.GOOGLE, c, f"+1303555000{i}", "http://x")
        for i, c in enumerate(CARRIERS)
    )
    return Inventory(numbers, handsets, "America/New_York")


def make_shots(folder: Path) -> None:
    """A pool of phone-sized incoming-call screens (1080×2400 PNG, as handsets capture)."""
    rng = random.Random(7)
    for k in range(SHOT_POOL):
        image = Image.new("RGB", (1080, 2400), (232, 240, 254 - k % 40))
        pen = ImageDraw.Draw(image)
        pen.rectangle((0, 450, 1080, 900), fill=(32, 33, 36))
        pen.text((90, 570), f"ACME {k:03d}", fill="white")
        for _ in range(40):  # some texture, so PNG decoding costs what real screens cost
            x, y = rng.randrange(1000), rng.randrange(2300)
            pen.rectangle((x, y, x + 80, y + 40), fill=(rng.randrange(256), 120, 160))
        pen.ellipse((180, 1950, 390, 2160), fill=(217, 48, 37))
        pen.ellipse((690, 1950, 900, 2160), fill=(24, 128, 56))
        path = folder / "shots" / f"{k}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path)
        (folder / "src").mkdir(exist_ok=True)
        (folder / "src" / f"{k}.xml").write_text(
            f'<hierarchy><node text="ACME {k:03d}"/></hierarchy>'
        )


def rows(total: int, seed: int = 48) -> Iterator[tuple[Any, ...]]:
    """About `total` attempts (rounded up to whole calls per cell and week), oldest week first."""
    rng = random.Random(seed)
    cells = NUMBERS * len(CARRIERS)
    per_cell_week = max(1, -(-total // (cells * len(WEEKS))))  # round up: at least `total`
    step = timedelta(days=7) / per_cell_week
    for w, week in enumerate(WEEKS):
        last = w == len(WEEKS) - 1
        for n in range(NUMBERS):
            for ci, carrier in enumerate(CARRIERS):
                key = n * 7 + ci
                labelled_cell = key % 10 == 3
                blocked_cell = key % 50 == 7
                misnamed_cell = key % 33 == 5
                changes = last and key % 37 == 11  # about 3 % of cells regress in the last week
                for i in range(per_cell_week):
                    at = week.start + step * i + timedelta(seconds=key)
                    labelled = labelled_cell or changes
                    yield _row(rng, w, at, n, ci, carrier, labelled, blocked_cell, misnamed_cell)


def _row(
    rng: random.Random,
    w: int,
    at: Any,
    n: int,
    ci: int,
    carrier: str,
    labelled_cell: bool,
    blocked_cell: bool,
    misnamed_cell: bool,
) -> tuple[Any, ...]:
    number = e164(n)
    roll = rng.random()
    attestation = "B" if roll < 0.2 else "A"
    name: str | None = f"ACME {n:03d}"
    label: str | None = None
    cls: str | None = None
    verified: str | None = None
    reason: tuple[str, int, str] | None = None
    code, phrase = 487, "Request Terminated"
    redress: str | None = None
    if n >= DNO_FROM or blocked_cell:
        delivery, state = "blocked", "blocked"
        if n >= DNO_FROM:
            code, phrase, reason = 603, "Network Blocked", ("SIP", 603, "Do-Not-Originate")
        else:
            code, phrase, redress = 608, "Rejected", REDRESS
        name = None
    elif roll > 0.99:
        delivery, state, name = "device_error", "error", None
    elif roll > 0.96:
        delivery, state, name, code = "silent_drop", "not_delivered", None, 200
    else:
        delivery = "delivered"
        verified = "yes" if attestation == "A" and ci != 3 else "no"
        if labelled_cell and rng.random() < 0.7:
            label, cls = LABELS[(n + ci) % len(LABELS)]
            state = "labelled"
        elif misnamed_cell:
            name, state = f"ACME {n:03d} LN", "misnamed"
        else:
            state = "verified" if verified == "yes" else "clean"
    shot = (n * 31 + ci * 7 + w) % SHOT_POOL
    has_screen = delivery == "delivered"
    return (
        w + 1, number, carrier, f"h-{ci}", "completed", delivery, attestation, state,
        at, at + timedelta(seconds=9), f"{uuid.uuid4().hex}@bench", code, phrase,
        reason[0] if reason else None, reason[1] if reason else None, reason[2] if reason else None,
        redress, name, number if has_screen else None, label, cls, verified,
        "tesseract" if has_screen else None, state in ("verified", "clean"),
        f"shots/{shot}.png" if has_screen else None,
        f"src/{shot}.xml" if has_screen else None,
        None,
    )  # fmt: skip


def load_sqlite(engine: sa.Engine, total: int) -> None:
    """Plain sqlite3 executemany in one transaction, timestamps in the store's own text form."""

    def text(at: datetime) -> str:
        return at.strftime("%Y-%m-%d %H:%M:%S.%f")

    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        _insert_runs_sqlite(cursor, text)
        sql = (
            f"INSERT INTO attempts ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        )
        batch: list[tuple[Any, ...]] = []
        for row in rows(total):
            row = (*row[:8], text(row[8]), text(row[9]), *row[10:])
            batch.append(row)
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                batch.clear()
        cursor.executemany(sql, batch)
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
    finally:
        raw.close()


def _insert_runs_sqlite(cursor: Any, text: Any) -> None:
    for w, week in enumerate(WEEKS):
        cursor.execute(
            "INSERT INTO runs (id, scenario, trigger, status, started_at) VALUES (?, ?, ?, ?, ?)",
            (w + 1, "weekly-check", "scheduled", "completed", text(week.start)),
        )


def load_pg(engine: sa.Engine, total: int) -> None:
    """psycopg 3 COPY … FROM STDIN, the fast path for PostgreSQL."""
    with engine.begin() as conn:
        conn.execute(
            runs.insert(),
            [
                {"id": w + 1, "scenario": "weekly-check", "trigger": "scheduled",
                 "status": "completed", "started_at": week.start}
                for w, week in enumerate(WEEKS)
            ],
        )  # fmt: skip
    raw = engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY attempts ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows(total):
                copy.write_row(row)
        raw.commit()
        cursor.execute("ANALYZE attempts")
        raw.commit()
    finally:
        raw.close()


def measure(url: str, label: str, total: int, work: Path) -> dict[str, Any]:
    artifacts = work / "artifacts"
    store = SqlResultStore(url, artifacts_dir=artifacts)
    try:
        started = time.perf_counter()
        (load_sqlite if store.engine.dialect.name == "sqlite" else load_pg)(store.engine, total)
        load_s = time.perf_counter() - started
        with store.engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar_one()
        started = time.perf_counter()
        build_report(store, WEEK, inventory=inventory())  # the SQL part alone
        sql_s = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        report = build_report(store, WEEK, inventory=inventory(), artifacts_dir=artifacts)
        built_s = time.perf_counter() - started
        html = render_html(report, evidence_rel="evidence")
        report_s = time.perf_counter() - started
        out = work / f"out-{label}"
        copied = copy_evidence(report, artifacts, out / "evidence")
        total_s = time.perf_counter() - started
    finally:
        store.close()
    return {
        "backend": label,
        "attempts": count,
        "load_s": round(load_s, 1),
        "sql_only_s": round(sql_s, 2),
        "build_s": round(built_s, 2),
        "report_s": round(report_s, 2),
        "with_evidence_copy_s": round(total_s, 2),
        "html_mb": round(len(html.encode()) / 1e6, 2),
        "thumbnails": len(report.thumbnails),
        "changes": len(report.changes),
        "cells": len(report.matrix.cells()),
        "evidence_files": copied,
        "load_avg_1m": f"{load_before:.1f} → {os.getloadavg()[0]:.1f}",
    }


def pg_schema(base: str) -> tuple[str, str, sa.Engine]:
    schema = f"rc_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    return schema, f"{base}{sep}options={quote(f'-csearch_path={schema}')}", admin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "pg", "both"), default="both")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="ringcheck-bench-") as tmp:
        work = Path(tmp)
        make_shots(work / "artifacts")
        if args.backend in ("sqlite", "both"):
            results.append(measure(f"sqlite:///{work / 'bench.db'}", "sqlite", args.attempts, work))
            print(json.dumps(results[-1]), flush=True)
        if args.backend in ("pg", "both"):
            base = os.environ.get("RINGCHECK_TEST_PG_URL")
            if not base:
                print("PostgreSQL skipped: set RINGCHECK_TEST_PG_URL", file=sys.stderr)
            else:
                schema, url, admin = pg_schema(base)
                try:
                    results.append(measure(url, "postgresql", args.attempts, work))
                    print(json.dumps(results[-1]), flush=True)
                finally:
                    with admin.begin() as conn:
                        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()
        shutil.rmtree(work / "artifacts", ignore_errors=True)
    ok = all(r["report_s"] <= 10 and r["html_mb"] <= 5 for r in results)
    print("goals (report ≤ 10 s, HTML ≤ 5 MB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
