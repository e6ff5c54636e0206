"""`ringcheck report` on a big store, timed as a user runs it: one million attempts.

Shape: 12 ISO weeks × 500 numbers × 4 carriers, about 42 calls per cell a week, bulk-loaded
(SQLite: executemany in one transaction; PostgreSQL: COPY) into a store created by the real
migrations, in a project that passes `ringcheck config check` and `scenarios check` (its
numbers, carriers, handsets, trunk and scenario are the ones the attempts name). The evidence
of the two weeks the report reads is on disk under the store's names (`YYYY/MM/DD/run<id>/
attempt<id>-screenshot.png`, hard links into a pool of real phone-sized PNGs), so evidence
lookups, thumbnails and the evidence copy cost what they cost.

Then `ringcheck report --since 2026-W48 --until 2026-W48` runs as a process (start-up, SQL,
thumbnails, HTML, evidence copy), `--repeat` times: the first with no thumbnail cache (cold),
the others with the cache the first one left (warm, as next week's report finds last week's
screens). Printed: wall and CPU seconds of each run, their medians, HTML size and evidence
files, with the load average (the machine may be shared: compare medians).

Goals (issue 16): whole CLI ≤ 5 s on 1 M attempts, SQLite and PostgreSQL; HTML ≤ 5 MB.

    .venv/bin/python benchmarks/report_bench.py [--attempts 1000000] [--backend sqlite|pg|both]
        [--repeat 3]

PostgreSQL comes from RINGCHECK_TEST_PG_URL; the benchmark works in a private schema and
drops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports.period import Period  # noqa: E402
from robot.store.results import SqlResultStore  # noqa: E402
from robot.store.schema import attempts, runs  # noqa: E402

RINGCHECK = ROOT / ".venv" / "bin" / "ringcheck"
WEEK = Period.iso_week("2026-W48")
WEEKS = WEEK.trailing(12)
NUMBERS = 500
# carrier id as stored → the name people know
CARRIERS = (
    ("tmobile", "T-Mobile"),
    ("att", "AT&T"),
    ("verizon", "Verizon"),
    ("uscellular", "US Cellular"),
)
DNO_FROM = 490  # numbers 490..499 are registered Do-Not-Originate
SCENARIO = "weekly-check"
SHOT_POOL = 300
LABELS = (("Spam Risk", "spam"), ("Scam Likely", "scam"), ("Potential Spam", "spam"))
COLUMNS = (
    "id", "run_id", "number", "carrier", "handset_id", "status", "delivery", "attestation",
    "state", "dialed_at", "ended_at", "call_id", "final_code", "final_phrase", "reason_protocol",
    "reason_cause", "reason_text", "redress", "name", "number_shown", "spam_label", "spam_class",
    "verified", "engine", "verdict_passed", "screenshot", "page_source", "sip_trace",
)  # fmt: skip
REDRESS = json.dumps({"org": "Carrier Redress", "tel": "+18005550100", "url": "https://r.example"})


def e164(n: int) -> str:
    return f"+1202555{n:04d}"


def write_project(root: Path, store_url: str) -> None:
    """A project naming everything the attempts name: numbers, carriers, handsets, the trunk
    and the scenario; `ringcheck config check` and `scenarios check` must pass on it."""
    (root / "numbers.csv").write_text(
        "number,name,direction,trunk\n"
        + "".join(
            f"{e164(n)},ACME {n:03d},{'inbound_only' if n >= DNO_FROM else 'outbound'},main\n"
            for n in range(NUMBERS)
        ),
        encoding="utf-8",
    )
    farm = ["carriers:"]
    farm += [f"  - name: {c}\n    display_name: {label}" for c, label in CARRIERS]
    farm += ["handsets:"]
    for i, (carrier, _) in enumerate(CARRIERS):
        farm += [
            f"  - id: h-{i}",
            "    platform: android",
            "    model: Pixel 8",
            '    os_version: "14"',
            "    dialer: google",
            f"    carrier: {carrier}",
            f'    msisdn: "+1303555000{i}"',
            "    appium_url: http://127.0.0.1:4723",
        ]
    (root / "farm.yaml").write_text("\n".join(farm) + "\n", encoding="utf-8")
    (root / "ringcheck.yaml").write_text(
        "timezone: America/New_York\n"
        f"store: {store_url}\n"
        "artifacts: .ringcheck/artifacts\n"
        "trunks:\n  - {name: main, host: 127.0.0.1, port: 5060, cps: 10}\n"
        "numbers: [numbers.csv]\nfarm: farm.yaml\n",
        encoding="utf-8",
    )
    (root / "scenarios").mkdir(exist_ok=True)
    (root / "scenarios" / f"{SCENARIO}.yaml").write_text(
        f"name: {SCENARIO}\ndescription: Every number on every carrier, weekly.\n"
        "schedule:\n  cron: '0 9 * * 1'\npairing: matrix\ncall:\n  capture_after_s: 1\n"
        "expect:\n  name: default\n  no_label: true\n",
        encoding="utf-8",
    )


def make_shots(pool: Path) -> None:
    """A pool of phone-sized incoming-call screens (1080×2400 PNG, as handsets capture)."""
    rng = random.Random(7)
    pool.mkdir(parents=True, exist_ok=True)
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
        image.save(pool / f"{k}.png")
        (pool / f"{k}.xml").write_text(f'<hierarchy><node text="ACME {k:03d}"/></hierarchy>')


def rows(total: int, seed: int = 48) -> Iterator[tuple[Any, ...]]:
    """About `total` attempts (rounded up to whole calls per cell and week), oldest week first."""
    rng = random.Random(seed)
    cells = NUMBERS * len(CARRIERS)
    per_cell_week = max(1, -(-total // (cells * len(WEEKS))))  # round up: at least `total`
    step = timedelta(days=7) / per_cell_week
    attempt_id = 0
    for w, week in enumerate(WEEKS):
        last = w == len(WEEKS) - 1
        for n in range(NUMBERS):
            for ci, (carrier, _) in enumerate(CARRIERS):
                key = n * 7 + ci
                labelled_cell = key % 10 == 3
                blocked_cell = key % 50 == 7
                misnamed_cell = key % 33 == 5
                changes = last and key % 37 == 11  # about 3 % of cells regress in the last week
                for i in range(per_cell_week):
                    attempt_id += 1
                    at = week.start + step * i + timedelta(seconds=key)
                    labelled = labelled_cell or changes
                    yield _row(
                        rng, attempt_id, w, at, n, ci, carrier, labelled, blocked_cell,
                        misnamed_cell,
                    )  # fmt: skip


def _row(
    rng: random.Random,
    attempt_id: int,
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
    has_screen = delivery == "delivered"
    folder = f"{at:%Y/%m/%d}/run{w + 1}/attempt{attempt_id}"
    return (
        attempt_id, w + 1, number, carrier, f"h-{ci}", "completed", delivery, attestation, state,
        at, at + timedelta(seconds=9), f"{uuid.uuid4().hex}@bench", code, phrase,
        reason[0] if reason else None, reason[1] if reason else None, reason[2] if reason else None,
        redress, name, number if has_screen else None, label, cls, verified,
        "tesseract" if has_screen else None, state in ("verified", "clean"),
        f"{folder}-screenshot.png" if has_screen else None,
        f"{folder}-page_source.xml" if has_screen else None,
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
        for w, week in enumerate(WEEKS):
            cursor.execute(
                "INSERT INTO runs (id, scenario, trigger, status, started_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (w + 1, SCENARIO, "scheduled", "completed", text(week.start)),
            )
        sql = (
            f"INSERT INTO attempts ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        )
        batch: list[tuple[Any, ...]] = []
        for row in rows(total):
            batch.append((*row[:9], text(row[9]), text(row[10]), *row[11:]))
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                batch.clear()
        cursor.executemany(sql, batch)
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
    finally:
        raw.close()


def load_pg(engine: sa.Engine, total: int) -> None:
    """psycopg 3 COPY … FROM STDIN, the fast path for PostgreSQL."""
    with engine.begin() as conn:
        conn.execute(
            runs.insert(),
            [
                {"id": w + 1, "scenario": SCENARIO, "trigger": "scheduled",
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
        cursor.execute("SELECT setval('attempts_id_seq', (SELECT max(id) FROM attempts))")
        raw.commit()
        # as autovacuum leaves a store that has been in use (VACUUM runs outside a transaction)
        raw.driver_connection.autocommit = True  # type: ignore[union-attr]
        cursor.execute("VACUUM ANALYZE attempts")
        raw.driver_connection.autocommit = False  # type: ignore[union-attr]
    finally:
        raw.close()


def link_evidence(engine: sa.Engine, artifacts: Path, pool: Path) -> int:
    """The evidence files of the two weeks the report reads, under the names the store holds
    (hard links into the pool: each attempt keeps the screen of its number and carrier)."""
    a = attempts.c
    stmt = sa.select(a.id, a.number, a.carrier, a.screenshot, a.page_source).where(
        a.dialed_at >= WEEK.previous().start, a.screenshot.is_not(None)
    )
    carriers = [c for c, _ in CARRIERS]
    made = 0
    with engine.connect() as conn:
        for row in conn.execute(stmt):
            shot = (int(row.number[-4:]) * 31 + carriers.index(row.carrier) * 7) % SHOT_POOL
            for name, source in ((row.screenshot, f"{shot}.png"), (row.page_source, f"{shot}.xml")):
                target = artifacts / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(pool / source, target)
                made += 1
    return made


def _cli(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds (this child's user + system) of one `ringcheck` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(RINGCHECK), *args], cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"ringcheck {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


PASSWORD_ENV = "RINGCHECK_BENCH_DB_PASSWORD"


def project_url(url: str) -> str:
    """The store URL as a project writes it: a password only as `${NAME}` (config check
    refuses one written into the file); `_cli` exports it."""
    parsed = sa.engine.make_url(url)
    if parsed.password is None:
        return url
    os.environ[PASSWORD_ENV] = str(parsed.password)
    shown = parsed.set(password="PASSWORD").render_as_string(hide_password=False)
    return shown.replace(":PASSWORD@", f":${{{PASSWORD_ENV}}}@")


def measure(url: str, label: str, total: int, work: Path, repeat: int) -> dict[str, Any]:
    project = work / f"project-{label}"
    project.mkdir()
    write_project(project, project_url(url))
    artifacts = project / ".ringcheck" / "artifacts"
    store = SqlResultStore(url, artifacts_dir=artifacts)
    try:
        started = time.perf_counter()
        (load_sqlite if store.engine.dialect.name == "sqlite" else load_pg)(store.engine, total)
        load_s = time.perf_counter() - started
        linked = link_evidence(store.engine, artifacts, work / "pool")
        with store.engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar_one()
    finally:
        store.close()
    _cli(["config", "check"], project)  # the data passes the project's own validation
    _cli(["scenarios", "check"], project)
    load_before = os.getloadavg()[0]
    runs_s = []
    for i in range(repeat):
        out = work / f"out-{label}-{i}"
        week = WEEK.label
        wall, cpu, stdout = _cli(
            ["report", "--since", week, "--until", week, "--out", str(out)], project
        )
        runs_s.append((round(wall, 2), round(cpu, 2)))
    html = next(out.glob("*.html"))
    evidence = sum(1 for _ in next(p for p in out.iterdir() if p.is_dir()).iterdir())
    warm = runs_s[1:] or runs_s
    return {
        "backend": label,
        "attempts": count,
        "load_s": round(load_s, 1),
        "evidence_files_on_disk": linked,
        "runs_wall_cpu_s": runs_s,
        "cold_wall_s": runs_s[0][0],
        "warm_wall_median_s": statistics.median(w for w, _ in warm),
        "warm_cpu_median_s": statistics.median(c for _, c in warm),
        "html_mb": round(html.stat().st_size / 1e6, 2),
        "evidence_files_copied": evidence,
        "stdout": stdout.strip().splitlines()[-1],
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "pg", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3, help="report runs (the first cold)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="ringcheck-bench-") as tmp:
        work = Path(tmp)
        make_shots(work / "pool")
        if args.backend in ("sqlite", "both"):
            url = f"sqlite:///{work / 'bench.db'}"
            results.append(measure(url, "sqlite", args.attempts, work, args.repeat))
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        if args.backend in ("pg", "both"):
            base = os.environ.get("RINGCHECK_TEST_PG_URL")
            if not base:
                print("PostgreSQL skipped: set RINGCHECK_TEST_PG_URL", file=sys.stderr)
            else:
                schema, url, admin = pg_schema(base)
                try:
                    results.append(measure(url, "postgresql", args.attempts, work, args.repeat))
                    print(json.dumps(results[-1], ensure_ascii=False), flush=True)
                finally:
                    with admin.begin() as conn:
                        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()
        shutil.rmtree(work, ignore_errors=True)
    ok = all(r["warm_wall_median_s"] <= 5 and r["html_mb"] <= 5 for r in results)
    print("goals (whole CLI ≤ 5 s, HTML ≤ 5 MB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
