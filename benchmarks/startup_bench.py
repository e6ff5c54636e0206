"""Start-up: how long short commands take as a user runs them, whole process.

    .venv/bin/python benchmarks/startup_bench.py [--repeat 9]

Times, as separate processes, `python -c pass` (the floor), the imports no store command
can do without (SQLAlchemy; Typer with Rich's table), `ringcheck --help`, `ringcheck results
list` and `ringcheck config check` in a generated project whose store exists and holds a
run, and prints the median and the spread of the wall time, the median CPU time (user +
system of the process and its children) and the 1-minute load average (the machine is
shared: compare medians, and CPU where the load is high). Goals (issue 16): `--help` <= 0.3 s,
`results list` <= 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.e2e_bench import write_project

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def _time(command: list[str], cwd: Path, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (user + system, the command and its children) of each run."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}")
    return walls, cpus


def _prepare(root: Path) -> None:
    """A project with a migrated store holding one run (what `results list` lists)."""
    from robot.config.project import load_project
    from robot.domain.model import Run
    from robot.wiring import open_project_store

    write_project(root, handsets=3, ring_delay_ms=0)
    store = open_project_store(load_project(root))
    now = datetime.now(UTC)
    store.start_run(Run(scenario="bench", trigger="bench", started_at=now, planned_calls=0))
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    ringcheck = str(BIN / "ringcheck")
    with tempfile.TemporaryDirectory(prefix="ringcheck-startup-") as folder:
        root = Path(folder)
        _prepare(root)
        python = str(BIN / "python")
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "import sqlalchemy": [python, "-c", "import sqlalchemy"],
            "import typer,rich.table": [python, "-c", "import typer, rich.table"],
            "ringcheck --help": [ringcheck, "--help"],
            "ringcheck results list": [ringcheck, "results", "list"],
            "ringcheck config check": [ringcheck, "config", "check"],
        }
        print(f"{'command':<24} {'median s':>8} {'min s':>6} {'max s':>6} {'CPU s':>6}  load")
        for name, command in commands.items():
            load = os.getloadavg()[0]
            walls, cpus = _time(command, root, args.repeat)
            print(
                f"{name:<24} {statistics.median(walls):>8.3f} {min(walls):>6.3f} "
                f"{max(walls):>6.3f} {statistics.median(cpus):>6.3f}  {load:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
