"""End-to-end throughput on the virtual farm with zero simulated ring delay.

    .venv/bin/python benchmarks/e2e_bench.py [--handsets 1 10 50] [--calls-per-handset 4]

For each farm size: a generated project (3 simulated carriers, Android and iOS handsets), the
virtual farm started as its own process, then a run of every handset taking N calls through the
real robot (pjsua2 SIP, the Appium protocol, Tesseract). Prints attempts per minute and the
robot's own time per attempt, split by the attempt's timestamps:
dial (INVITE to the handset seeing the ring), capture (ring to the screenshot taken), and
read + end + record (screenshot to the attempt completed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from robot.config.project import load_project
from robot.demo import DemoPaths, FarmProcess
from robot.domain.model import Delivery
from robot.domain.scenario import CallOptions, NumberSelector, Scenario
from robot.wiring import FarmEndpoints, open_project_store, prepare, run_planned

CARRIERS = ("sim-a", "sim-b", "sim-c")
NUMBERS = [f"+1202555{n:04d}" for n in range(101, 111)]


def write_project(root: Path, handsets: int) -> None:
    (root / "numbers.csv").write_text(
        "number,name,direction,trunk\n"
        + "".join(f"{n},Northwind Bank,outbound,sim\n" for n in NUMBERS),
        encoding="utf-8",
    )
    farm = ["carriers:"] + [f"  - name: {c}" for c in CARRIERS] + ["handsets:"]
    for i in range(handsets):
        ios = i % 5 == 4
        farm += [
            f"  - id: h{i:02d}",
            f"    platform: {'ios' if ios else 'android'}",
            f"    dialer: {'ios' if ios else 'google'}",
            f"    carrier: {CARRIERS[i % len(CARRIERS)]}",
            f'    msisdn: "+1312555{1100 + i:04d}"',
            "    appium_url: http://127.0.0.1:4723",
        ]
    (root / "farm.yaml").write_text("\n".join(farm) + "\n", encoding="utf-8")
    cnam = "".join(f'        "{n}": NORTHWIND BANK\n' for n in NUMBERS)
    carriers = "".join(
        f"    {c}:\n      ring_delay_ms: {{min: 0, max: 0}}\n      cnam:\n{cnam}" for c in CARRIERS
    )
    (root / "ringcheck.yaml").write_text(
        "timezone: UTC\nstore: sqlite:///.ringcheck/results.db\n"
        "trunks:\n  - {name: sim, host: 127.0.0.1, port: 5060, cps: 200, "
        "max_concurrent_calls: 64}\n"
        "numbers: [numbers.csv]\nfarm: farm.yaml\n"
        f"sim:\n  seed: 1\n  carriers:\n{carriers}",
        encoding="utf-8",
    )


def measure(handsets: int, calls_per_handset: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="ringcheck-bench-") as folder:
        root = Path(folder)
        write_project(root, handsets)
        project = load_project(root)
        scenario = Scenario(
            name="bench",
            numbers=NumberSelector(numbers=tuple(NUMBERS[:calls_per_handset])),
            call=CallOptions(capture_after_s=0.0, ring_timeout_s=15.0, frames=1),
        )
        paths = DemoPaths(root)
        with FarmProcess(paths):
            farm = FarmEndpoints.read(paths.ready_file)
            prepared = prepare(project, scenario, farm=farm)
            started = time.monotonic()
            summary = run_planned(project, prepared, farm=farm, trigger="bench")
            elapsed = time.monotonic() - started
        store = open_project_store(project)
        attempts = store.attempts(run_id=summary.run.id)
        store.close()
    delivered = [a for a in attempts if a.delivery is Delivery.DELIVERED]

    def p50(values: list[float]) -> float:
        return statistics.median(values) * 1000 if values else float("nan")

    times = [a.times for a in delivered]
    return {
        "handsets": handsets,
        "attempts": len(attempts),
        "delivered": len(delivered),
        "per_minute": len(attempts) / elapsed * 60,
        "dial_ms": p50(
            [
                (t.handset_ringing_at - t.dialed_at).total_seconds()
                for t in times
                if t.handset_ringing_at
            ]
        ),
        "capture_ms": p50(
            [
                (t.captured_at - t.handset_ringing_at).total_seconds()
                for t in times
                if t.captured_at and t.handset_ringing_at
            ]
        ),
        "read_end_record_ms": p50(
            [
                (t.ended_at - t.captured_at).total_seconds()
                for t in times
                if t.ended_at and t.captured_at
            ]
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handsets", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--calls-per-handset", type=int, default=4)
    args = parser.parse_args()
    print(
        f"{'handsets':>8} {'attempts':>8} {'delivered':>9} {'per min':>8} "
        f"{'dial ms':>8} {'capture ms':>10} {'read+end+record ms':>18}"
    )
    for count in args.handsets:
        row = measure(count, args.calls_per_handset)
        print(
            f"{row['handsets']:>8} {row['attempts']:>8} {row['delivered']:>9} "
            f"{row['per_minute']:>8.1f} {row['dial_ms']:>8.0f} {row['capture_ms']:>10.0f} "
            f"{row['read_end_record_ms']:>18.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
