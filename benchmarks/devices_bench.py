"""Device benchmark: `ringcheck devices check` fan-out and one handset's ring → capture → decline
against the real Appium 3 server (fake driver + tests' plugin, from `npm ci`).

    .venv/bin/python benchmarks/devices_bench.py [--unreachable 30] [--rings 20]

- check: `Farm.check` of N handsets whose Appium ports are closed (what a dead shelf looks like).
- ring: after the plugin starts a ring, time until `wait_for_incoming` sees it (poll 50 ms),
  `capture(3 frames, 300 ms apart)` and `end_call(DECLINE)` back to idle; p50/p95 over --rings.
  The fake driver answers in microseconds, so this is ringcheck's own overhead, not a phone's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devices.farm import Farm, appium_probe  # noqa: E402
from robot.domain.model import DialerKind, Platform  # noqa: E402
from robot.domain.model import Handset as HandsetSpec  # noqa: E402
from robot.ports import EndHow  # noqa: E402
from tests.devices.appium_peer import appium_available, start_appium, stop_appium  # noqa: E402
from tests.devices.backends import AppiumFakeBackend  # noqa: E402
from tests.support.peers import free_port  # noqa: E402


class _NoOverrides:
    def enabled_override(self, handset_id: str) -> bool | None:
        return None


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_check(count: int) -> None:
    specs = [
        HandsetSpec(id=f"dead-{i}", platform=Platform.ANDROID, dialer=DialerKind.GOOGLE,
                    carrier="x", msisdn="+15550000000", appium_url=f"http://127.0.0.1:{free_port()}")
        for i in range(count)
    ]  # fmt: skip
    farm = Farm(specs, leases=None, state=_NoOverrides(), holder="bench",  # type: ignore[arg-type]
                probe=appium_probe(connect_timeout_s=5.0))  # fmt: skip
    start = time.monotonic()
    results = farm.check()
    elapsed = time.monotonic() - start
    assert all(not h.reachable for h in results)
    print(f"check: {count} unreachable handsets reported in {elapsed:.2f} s")


def bench_ring(rings: int) -> None:
    if not appium_available():
        print("ring: skipped (run `npm ci` first)")
        return
    with tempfile.TemporaryDirectory() as folder:
        server = start_appium(Path(folder))
        backend = AppiumFakeBackend(server, Path(folder))
        try:
            spec = backend.spec()
            handset = backend.handset(spec, poll_interval_s=0.05)
            start = time.monotonic()
            handset.prepare()
            print(f"ring: session + prepare {1000 * (time.monotonic() - start):.0f} ms")
            detect, capture, decline = [], [], []
            for _ in range(rings):
                backend.ring(spec, name="ACME Bank", number="+15550100199", label="Spam Risk")
                t0 = time.monotonic()
                assert handset.wait_for_incoming(t0 + 10) is not None
                t1 = time.monotonic()
                assert len(handset.capture(frames=3, interval_s=0.3)) == 3
                t2 = time.monotonic()
                assert handset.end_call(EndHow.DECLINE)
                t3 = time.monotonic()
                detect.append(1000 * (t1 - t0))
                capture.append(1000 * (t2 - t1))
                decline.append(1000 * (t3 - t2))
            for name, values in (("detect", detect), ("capture 3 frames", capture),
                                 ("decline to idle", decline)):  # fmt: skip
                p50, p95 = _pct(values, 0.5), _pct(values, 0.95)
                print(f"ring: {name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        finally:
            backend.close()
            stop_appium(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unreachable", type=int, default=30)
    parser.add_argument("--rings", type=int, default=20)
    args = parser.parse_args()
    bench_check(args.unreachable)
    bench_ring(args.rings)


if __name__ == "__main__":
    main()
