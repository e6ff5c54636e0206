"""Large inventories: `config check` and `run smoke --dry-run` on a numbers CSV of a million rows.

    .venv/bin/python benchmarks/numbers_bench.py [--rows 1000000] [--repeat 3] [--source DIR]

Writes the example project into a temporary folder with a numbers CSV of `--rows` distinct,
valid US numbers (names, a tenth of them longer than CNAM, tags, two directions), then runs
each command as a person would (a new process) and prints wall time and peak memory (the
child's maximum resident set), median of `--repeat` runs. `--source DIR` runs the code of
another checkout (e.g. an older main) against the same project, for a before/after figure.
Goal (issue 17): `config check` at most 10 s and 300 MB for a million rows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from robot.config.e164 import e164_of  # noqa: E402

AREA_CODES = (212, 312, 415, 617, 713, 202, 303, 404, 503, 602, 206, 305, 702, 818, 919)
COMMANDS = {
    "config check": ("config", "check"),
    "run smoke --dry-run": ("run", "smoke", "--dry-run", "--seed", "1"),
}


def write_numbers(path: Path, rows: int) -> None:
    """`rows` distinct valid numbers; each exchange is checked once, then used whole."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Number,Display Name,Direction,Trunk,Tags\n")
        out.write("+12025550101,Northwind Bank,outbound,sim,retail;demo:clean\n")
        written += 1
        for area in AREA_CODES:
            for exchange in range(200, 1000):
                if e164_of(f"+1{area}{exchange}0199") is None or (area, exchange) == (202, 555):
                    continue
                for line in range(10000):
                    if written >= rows:
                        return
                    name = "Northwind Bank Card Services" if line % 10 == 0 else "Northwind Bank"
                    direction = "inbound_only" if line % 50 == 0 else "outbound"
                    out.write(f"+1{area}{exchange}{line:04d},{name},{direction},sim,bulk;a{area}\n")
                    written += 1
    raise SystemExit(f"could only generate {written} numbers")


def measure(args: tuple[str, ...], cwd: Path, source: Path) -> tuple[float, float, int, float]:
    """(seconds, peak MB, exit code, CPU seconds) of one CLI run in a fresh process. On a
    shared machine the CPU time (user + system) is the steadier figure: wall time grows with
    whatever else runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    env["PYTHONPATH"] = str(source)
    env["COLUMNS"] = "120"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from robot.cli.app import main; main()", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace").strip()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"  exit {code}: {err.splitlines()[-1] if err else ''}")
    return elapsed, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout whose code runs")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ringcheck-numbers-") as tmp:
        project = Path(tmp)
        for item in (ROOT / "examples").iterdir():
            if item.is_file():
                shutil.copy(item, project / item.name)
        start = time.perf_counter()
        write_numbers(project / "numbers.csv", options.rows)
        size_mb = (project / "numbers.csv").stat().st_size / 2**20
        print(f"{options.rows:,} rows ({size_mb:.0f} MB) written in "
              f"{time.perf_counter() - start:.1f} s; code from {options.source}")  # fmt: skip
        for label, args in COMMANDS.items():
            runs = [measure(args, project, options.source) for _ in range(options.repeat)]
            seconds = statistics.median(r[0] for r in runs)
            peak = statistics.median(r[1] for r in runs)
            codes = ",".join(map(str, sorted({r[2] for r in runs})))
            cpu = statistics.median(r[3] for r in runs)
            load = os.getloadavg()[0]
            print(f"{label:22s} {seconds:6.1f} s  {cpu:6.1f} s CPU  {peak:6.0f} MB peak  (median "
                  f"of {len(runs)}, exit {codes}; load {load:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
