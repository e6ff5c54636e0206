"""Alerts benchmark: does a slow webhook slow a run? `ringcheck run` on the virtual farm, with
the Slack webhook unset (baseline), answering 200, and never answering.

    .venv/bin/python benchmarks/alerts_bench.py [--scenario demo] [--repeats 3] [--calls 40]

Each run gets a fresh store (RINGCHECK_STORE_URL), so every run raises its alerts as first-seen
failures. Printed per mode: the median wall time of the whole command (process start to exit,
including the end-of-run grace for pending sends) and the alerts it recorded and sent. The issue
measured 57 s with a dead webhook against 8.7 s without, when sends were on the call path.

Wall times of whole runs on a shared machine are noisy, so the same question is also asked in
process, where nothing else varies: the engine (`execute_run`) with fake dialer and handsets
makes `--calls` calls from numbers that each raise a first-seen failure, with no webhook and
with a webhook that never answers; printed are the run's own time and the end-of-run grace
(`AlertPipeline.close`), medians over `--repeats`.
"""

from __future__ import annotations

import argparse
import json
import logging
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


def _in_process(calls: int, url: str | None) -> tuple[float, float]:
    """(run seconds, close seconds) of one engine run whose every call raises an alert."""
    from robot.alerts.pipeline import AlertPipeline, EvidenceLocator, Route
    from robot.alerts.sender import OutboxSender
    from robot.clock import SystemClock
    from robot.domain.alerts import AlertChannel
    from robot.domain.model import Number
    from robot.domain.scenario import Scenario, plan
    from robot.engine.environment import Environment
    from robot.engine.run import execute_run
    from robot.store.alert_outbox import SqlOutbox
    from robot.store.alert_state import SqlSignals
    from robot.store.results import open_store
    from tests.alerts.factory import reading
    from tests.engine.fakes import Behaviour, FakeHandset, FakeNetwork, FakeReader
    from tests.engine.test_run import FAST, PIXEL

    numbers = [Number(f"+1202555{1000 + i}", "Northwind Bank") for i in range(calls)]
    network = FakeNetwork()
    network.behaviours = {n.e164: Behaviour("ring", b"labelled") for n in numbers}
    handset = FakeHandset(PIXEL.msisdn)
    network.handsets = {handset.msisdn: handset}
    # a try abandoned at close still records its outcome when it times out: let it
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        clock = SystemClock()
        store = open_store(f"sqlite:///{tmp}/r.db", artifacts_dir=f"{tmp}/art", clock=clock)
        environ = {"HOOK": url} if url else {}
        sender = OutboxSender(SqlOutbox(store.engine, clock), holder="bench", environ=environ)
        pipeline = AlertPipeline(
            scenario="bench",
            route=Route((AlertChannel("ops", "slack", "HOOK"),)),
            signals=SqlSignals(store.engine, clock),
            evidence=EvidenceLocator(None, None),
            clock=clock,
            sender=sender.start(),
        )
        env = Environment(
            dialer=network,
            handset_for=lambda spec: handset,
            reader=FakeReader({b"labelled": reading("Scam Likely")}),
            store=store,
            evidence=store.artifacts,  # type: ignore[arg-type]
            clock=clock,
            listeners=[pipeline],
        )
        scenario = Scenario(name="bench", call=FAST)
        start = time.monotonic()
        execute_run(env, scenario, plan(scenario, numbers, [PIXEL]))
        ran = time.monotonic() - start
        start = time.monotonic()
        pipeline.close()
        closed = time.monotonic() - start
        store.close()
    return ran, closed


def bench_in_process(calls: int, repeats: int) -> None:
    logging.disable(logging.CRITICAL)  # failed tries are expected here; keep the figures readable
    dead = Receiver(hold=True)
    modes = {"no webhook": None, "webhook never answers": dead.url}
    runs: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
    try:
        for _ in range(repeats):  # modes interleaved, so a drift in load hits both
            for mode, url in modes.items():
                runs[mode].append(_in_process(calls, url))
    finally:
        dead.close()
        logging.disable(logging.NOTSET)
    print(f"in process: {calls} calls, each raising an alert ({repeats} runs, medians)")
    for mode, times in runs.items():
        ran = statistics.median(r for r, _ in times)
        closed = statistics.median(c for _, c in times)
        print(f"  {mode:<24} run {ran:6.2f} s   end-of-run grace {closed:5.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", default="demo")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--in-process-only", action="store_true")
    args = parser.parse_args()
    bench_in_process(args.calls, args.repeats)
    if args.in_process_only:
        return
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
