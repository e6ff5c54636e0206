"""Alerts benchmark: does a slow webhook slow a run? `ringcheck run` on the virtual farm, with
the Slack webhook unset (baseline), answering 200, and never answering.

    .venv/bin/python benchmarks/alerts_bench.py [--scenario demo] [--repeats 3]

Each run gets a fresh store (RINGCHECK_STORE_URL), so every run raises its alerts as first-seen
failures. Printed per mode: the median wall time of the whole command (process start to exit,
including the end-of-run grace for pending sends) and the alerts it recorded and sent. The issue
measured 57 s with a dead webhook against 8.7 s without, when sends were on the call path.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from robot.demo import FarmProcess, write_project  # noqa: E402
from tests.alerts.receiver import Receiver  # noqa: E402


def _run(root: Path, scenario: str, store: Path, url: str | None) -> tuple[float, dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    env["RINGCHECK_STORE_URL"] = f"sqlite:///{store}"
    env["RINGCHECK_FARM"] = str(root / ".ringcheck" / "farm.json")
    if url is not None:
        env["RINGCHECK_SLACK_WEBHOOK"] = url
    command = [sys.executable, "-m", "robot.cli", "--project", str(root)]
    start = time.monotonic()
    done = subprocess.run(
        [*command, "run", scenario, "--json"], env=env, capture_output=True, text=True
    )
    elapsed = time.monotonic() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"run failed: {done.stderr[-2000:]}")
    listed = subprocess.run(
        [*command, "alerts", "list", "--json", "--limit", "1000"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    rows = json.loads(listed.stdout)
    sent = sum(1 for r in rows if r["status"] == "sent")
    return elapsed, {"alerts": len(rows), "sent": sent}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = write_project(root)
        ok, dead = Receiver(), Receiver(hold=True)
        try:
            with FarmProcess(paths):
                modes = {
                    "no webhook": None,
                    "webhook 200": ok.url,
                    "webhook never answers": dead.url,
                }
                results: dict[str, list[float]] = {m: [] for m in modes}
                counts: dict[str, dict] = {}
                for i in range(args.repeats):
                    for m, (mode, url) in enumerate(modes.items()):
                        store = root / f"store-{i}-{m}.db"  # fresh: every alert is first-seen
                        elapsed, counts[mode] = _run(root, args.scenario, store, url)
                        results[mode].append(elapsed)
        finally:
            ok.close()
            dead.close()
    base = statistics.median(results["no webhook"])
    print(f"scenario {args.scenario}, {args.repeats} runs per mode (median wall time)")
    for mode, times in results.items():
        median = statistics.median(times)
        print(
            f"  {mode:<24} {median:6.1f} s  ({median - base:+5.1f} s vs no webhook)  "
            f"alerts {counts[mode]['alerts']}, sent {counts[mode]['sent']}  "
            f"runs: {', '.join(f'{t:.1f}' for t in times)}"
        )


if __name__ == "__main__":
    main()
