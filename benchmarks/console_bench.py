"""Web console on a big store: page load times with one million attempts.

The store is filled by the weekly report benchmark's generator (`report_bench.rows`: 12 ISO
weeks × 500 numbers × 4 carriers, bulk-loaded into a store made by the real migrations). The
console is then served by uvicorn on 127.0.0.1 exactly as `ringcheck serve --web` serves it,
and each page is fetched over HTTP with a bearer token: once cold (the console's first request
for it), then `--repeat` times; the median is reported. On PostgreSQL the table is vacuumed
after the load, as autovacuum would have done on a store in use. The project's inventory is
the benchmark's numbers and handsets.

Goal (issue 15): the Matrix page ≤ 1 s with 1 M attempts on PostgreSQL.

    .venv/bin/python benchmarks/console_bench.py [--attempts 1000000] [--backend pg|sqlite|both]

PostgreSQL comes from RINGCHECK_TEST_PG_URL (a private schema, dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_bench  # the data generator of the report benchmark

from robot.config.project import Project
from robot.domain.access import Role
from robot.store.results import SqlResultStore
from robot.store.schema import attempts
from robot.web.server import parse_address
from robot.web.serving import served_console

GOAL_S = 1.0
PAGES = (
    ("matrix", "/matrix"),
    ("api_matrix", "/api/matrix"),
    ("now", "/now"),
    ("cell_calls", "/attempts?number=%2B12025550042&carrier=AT%26T"),
    ("calls", "/attempts"),
    ("failed_calls", "/api/attempts?outcome=labelled&limit=50"),
    ("attempt", "/attempts/{last}"),
    ("runs", "/runs"),
    ("reports", "/reports"),
)


def project_for(root: Path, url: str) -> Project:
    inventory = report_bench.inventory()
    return Project(
        project_dir=root,
        file=root / "ringcheck.yaml",
        store_url=url,
        artifacts_dir=root / "artifacts",
        timezone=inventory.timezone,
        numbers=tuple(inventory.numbers),
        handsets=tuple(inventory.handsets),
    )


def settle(engine: sa.Engine) -> None:
    """What autovacuum does to a live table after a bulk load (hint bits, visibility map):
    without it the first reads after COPY pay for writing those pages, which no console that
    has been running for a while sees."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) attempts")


def timed(client: httpx.Client, path: str, repeat: int) -> tuple[float, float, int]:
    """Cold time, median warm time (seconds) and the page's size in bytes."""
    started = time.perf_counter()
    response = client.get(path, headers={"Accept": "text/html"})
    cold = time.perf_counter() - started
    response.raise_for_status()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path, headers={"Accept": "text/html"}).raise_for_status()
        runs.append(time.perf_counter() - started)
    return cold, statistics.median(runs), len(response.content)


def measure(url: str, label: str, total: int, work: Path, repeat: int) -> dict[str, Any]:
    store = SqlResultStore(url, artifacts_dir=work / "artifacts")
    try:
        started = time.perf_counter()
        loader = (
            report_bench.load_sqlite
            if store.engine.dialect.name == "sqlite"
            else (report_bench.load_pg)
        )
        loader(store.engine, total)
        settle(store.engine)
        load_s = time.perf_counter() - started
        with store.engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar_one()
            last = conn.execute(sa.select(sa.func.max(attempts.c.id))).scalar_one()
        project = project_for(work, url)
        load_before = os.getloadavg()[0]
        figures: dict[str, Any] = {"backend": label, "attempts": count, "load_s": round(load_s, 1)}
        with served_console(project, store, parse_address("127.0.0.1:0")) as served:
            _, token = served.console.tokens.create("bench", Role.VIEWER, created_by="bench")
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=served.url, headers=headers, timeout=120) as client:
                for name, path in PAGES:
                    cold, warm, size = timed(client, path.format(last=last), repeat)
                    figures[f"{name}_cold_s"] = round(cold, 3)
                    figures[f"{name}_s"] = round(warm, 3)
                    if name == "matrix":
                        figures["matrix_kb"] = round(size / 1024)
        figures["load_avg_1m"] = f"{load_before:.1f} → {os.getloadavg()[0]:.1f}"
        return figures
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "pg", "both"), default="pg")
    parser.add_argument("--repeat", type=int, default=7, help="Warm fetches per page.")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="ringcheck-console-bench-") as tmp:
        work = Path(tmp)
        if args.backend in ("sqlite", "both"):
            url = f"sqlite:///{work / 'bench.db'}"
            results.append(measure(url, "sqlite", args.attempts, work, args.repeat))
            print(json.dumps(results[-1]), flush=True)
        if args.backend in ("pg", "both"):
            base = os.environ.get("RINGCHECK_TEST_PG_URL")
            if not base:
                print("PostgreSQL skipped: set RINGCHECK_TEST_PG_URL", file=sys.stderr)
            else:
                schema, url, admin = report_bench.pg_schema(base)
                try:
                    results.append(measure(url, "postgresql", args.attempts, work, args.repeat))
                    print(json.dumps(results[-1]), flush=True)
                finally:
                    with admin.begin() as conn:
                        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()
    pg = [r for r in results if r["backend"] == "postgresql"]
    ok = all(r["matrix_s"] <= GOAL_S for r in pg)
    print(f"goal (Matrix ≤ {GOAL_S:g} s on PostgreSQL):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
