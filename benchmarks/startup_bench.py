"""Start-up: how long short commands take as a user runs them, whole process.

    .venv/bin/python benchmarks/startup_bench.py [--repeat 9]

Times, as separate processes, `python -c pass` (the floor), the imports no store command
can do without (SQLAlchemy; Typer with Rich's table), `ringcheck --help`, `ringcheck results
list` and `ringcheck config check` in a generated project whose store exists and holds a
run, and prints the median and the spread of the wall time, the median CPU time (user +
system of the process and its children) and the 1-minute load average (the machine is
shared: compare medians, and CPU where the load is high). Goals (issue 16): `--help` <= 0.3 s,
`results list` <= 0.5 s.

Every row is timed with the bytecode of every module cached (`cached`), as an installed
package has it and as Python keeps it for a checkout; the `ringcheck` rows are also timed
in this shell's environment as it is (`as is`), alternating run by run with the first. The
two differ where PYTHONDONTWRITEBYTECODE is set and the source tree holds no `__pycache__`:
then every start compiles ringcheck's own modules from source again.
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
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.e2e_bench import write_project

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def _run(command: list[str], cwd: Path, env: Mapping[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the command and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _time(
    command: list[str], cwd: Path, envs: Mapping[str, Mapping[str, str]], repeat: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Walls and CPUs per environment, the environments taking turns run by run."""
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in envs}
    for _ in range(repeat):
        for name, env in envs.items():
            wall, cpu = _run(command, cwd, env)
            times[name][0].append(wall)
            times[name][1].append(cpu)
    return times


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
        root = Path(folder) / "project"
        root.mkdir()
        _prepare(root)
        as_is = dict(os.environ)
        cached = {**as_is, "PYTHONPYCACHEPREFIX": str(Path(folder) / "bytecode")}
        writing = {k: v for k, v in cached.items() if k != "PYTHONDONTWRITEBYTECODE"}
        python = str(BIN / "python")
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "import sqlalchemy": [python, "-c", "import sqlalchemy"],
            "import typer,rich.table": [python, "-c", "import typer, rich.table"],
            "ringcheck --help": [ringcheck, "--help"],
            "ringcheck results list": [ringcheck, "results", "list"],
            "ringcheck config check": [ringcheck, "config", "check"],
        }
        for command in commands.values():
            _run(command, root, writing)  # fills the bytecode cache
        print(f"{'command':<24} {'bytecode':<8} {'median s':>8} {'min s':>6} {'max s':>6} "
              f"{'CPU s':>6}  load")  # fmt: skip
        for name, command in commands.items():
            load = os.getloadavg()[0]
            envs = {"cached": cached, "as is": as_is} if name.startswith("ringcheck") else {
                "cached": cached}  # fmt: skip
            for kind, (walls, cpus) in _time(command, root, envs, args.repeat).items():
                print(
                    f"{name:<24} {kind:<8} {statistics.median(walls):>8.3f} {min(walls):>6.3f} "
                    f"{max(walls):>6.3f} {statistics.median(cpus):>6.3f}  {load:.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
