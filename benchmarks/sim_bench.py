"""Virtual-farm benchmark: screen rendering per dialer style, and a farm of 50 handsets serving
20 concurrent calls over real SIP while screenshots are taken over the WebDriver endpoint.

    .venv/bin/python benchmarks/sim_bench.py [--renders 20] [--calls-per-carrier 20]
                                             [--concurrent-per-carrier 4]

- render: `render_call` (PNG encode included) p50/p95 per style at the style's resolution.
- load: 5 simulated carriers x 10 handsets (each carrier runs 3 pjsua2 processes behind its
  SIP front: the wheel holds 4 calls per process); one SIPp UAC per carrier keeps 4 calls up
  at once (20 concurrent in all), each call rings a handset, is held 800 ms and cancelled.
  Meanwhile a client polls `GET /session/:id/screenshot` of ringing handsets. Reports calls
  completed/failed, calls per second, the peak live-call count and screenshot latency.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from devices.sim.config import CarrierSim, Range, SimSettings  # noqa: E402
from devices.sim.farm import SimFarm  # noqa: E402
from devices.sim.render import render_call  # noqa: E402
from devices.sim.screen import CallScreen, Look, Style  # noqa: E402
from robot.domain.model import DialerKind, Platform  # noqa: E402
from robot.domain.model import Handset as HandsetSpec  # noqa: E402
from tests.support.peers import free_port  # noqa: E402

SCENARIO = ROOT / "tests" / "sim" / "scenarios" / "uac_ring_cancel.xml"
CALLS = [
    CallScreen("+12025550100", "NORTHWIND BANK", None, True),
    CallScreen("+12025550101", None, "Scam Likely"),
    CallScreen("+12025550102", "ACME Insurance Co", "Spam Risk", False, None, "https://x/l.png",
               "Claim follow-up"),
    CallScreen("+12025550103", "Dr. Amelia Hart", None, True, "Caller Verified"),
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_render(count: int) -> None:
    print(f"render_call, {count} screens per style (ms, PNG encoding included)")
    for style in Style:
        size = (1170, 2532) if style.value.startswith("ios") else (1080, 2400)
        times = []
        for index in range(count):
            call = CALLS[index % len(CALLS)]
            look = Look(style, *size, clock=f"10:{index:02d}")
            start = time.perf_counter()
            render_call(call, look)
            times.append((time.perf_counter() - start) * 1000)
        print(f"  {style.value:16s} {size[0]}x{size[1]}  p50 {_pct(times, 0.5):6.1f}  "
              f"p95 {_pct(times, 0.95):6.1f}")


def _handsets() -> list[HandsetSpec]:
    specs = []
    dialers = [(Platform.ANDROID, DialerKind.GOOGLE), (Platform.ANDROID, DialerKind.SAMSUNG),
               (Platform.ANDROID, DialerKind.AOSP), (Platform.IOS, DialerKind.IOS)]
    for c in range(5):
        for h in range(10):
            platform, dialer = dialers[(c + h) % 4]
            hid = f"h{c}{h}"
            specs.append(HandsetSpec(id=hid, platform=platform, dialer=dialer,
                                     carrier=f"sim-c{c}", msisdn=f"+120255510{c}{h}",
                                     appium_url="", capabilities=(("appium:udid", hid),)))
    return specs


def _screenshots(url: str, farm: SimFarm, stop: threading.Event, out: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        sessions = {}
        for hid in farm.handsets:
            body = {"capabilities": {"alwaysMatch": {"appium:udid": hid}}}
            sessions[hid] = http.post("/session", json=body).json()["value"]["sessionId"]
        while not stop.is_set():
            ringing = [hid for hid, h in farm.handsets.items() if h.ringing is not None]
            for hid in ringing[:5]:
                start = time.perf_counter()
                http.get(f"/session/{sessions[hid]}/screenshot").raise_for_status()
                out.append((time.perf_counter() - start) * 1000)
            stop.wait(0.02)


def bench_load(calls_per_carrier: int, concurrent: int, folder: Path) -> None:
    settings = SimSettings(carriers={f"sim-c{c}": CarrierSim(ring_delay_ms=Range(min=0, max=50))
                                     for c in range(5)})
    farm = SimFarm(handsets=_handsets(), settings=settings)
    started = time.perf_counter()
    ready = farm.start()
    print(f"\nfarm start (5 carriers, {len(farm.workers)} pjsua2 processes, 50 handsets): "
          f"{time.perf_counter() - started:.2f}s")
    scenario = folder / "bench_ring_cancel.xml"
    scenario.write_text(SCENARIO.read_text().replace("[service]", "[field0]"))
    stop, peak = threading.Event(), [0]
    shots: list[float] = []
    shooter = threading.Thread(target=_screenshots, args=(ready.appium_url, farm, stop, shots))
    shooter.start()

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], farm.truth.live())
            stop.wait(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    procs = []
    started = time.perf_counter()
    for c in range(5):
        csv = folder / f"callees{c}.csv"
        csv.write_text("SEQUENTIAL\n" + "".join(f"+120255510{c}{h};\n" for h in range(10)))
        procs.append(subprocess.Popen(
            [str(shutil.which("sipp")), f"127.0.0.1:{ready.sip[f'sim-c{c}']}", "-sf",
             str(scenario), "-inf", str(csv), "-key", "caller", "+12025550100", "-key",
             "identity", "X-Unsigned: 1", "-m", str(calls_per_carrier), "-l", str(concurrent),
             "-r", "50",
             "-i", "127.0.0.1", "-p", str(free_port()), "-cp", str(free_port()), "-mp",
             str(free_port()), "-timeout", "120s", "-nostdin", "-trace_stat", "-stf",
             str(folder / f"stat{c}.csv")], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
    codes = [p.wait() for p in procs]
    elapsed = time.perf_counter() - started
    stop.set()
    shooter.join()
    watcher.join()
    calls = farm.truth.calls()
    rang = sum(1 for c in calls if any(e["event"] == "ringing" for e in c["events"]))
    cancelled = sum(1 for c in calls if c.get("final_code") == 487)
    farm.stop()
    total = calls_per_carrier * 5
    print(f"calls: {total} placed, {rang} rang a handset, {cancelled} ended 200+487, SIPp exit "
          f"codes {codes}; {elapsed:.1f}s, {total / elapsed:.1f} calls/s; peak live calls "
          f"{peak[0]}")
    if shots:
        print(f"screenshot over WebDriver under load: n={len(shots)} p50 {_pct(shots, 0.5):.1f} "
              f"ms p95 {_pct(shots, 0.95):.1f} ms (mean {statistics.mean(shots):.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--calls-per-carrier", type=int, default=20)
    parser.add_argument("--concurrent-per-carrier", type=int, default=4)
    args = parser.parse_args()
    bench_render(args.renders)
    if shutil.which("sipp") is None:
        print("SIPp not installed: load benchmark skipped")
        return
    with tempfile.TemporaryDirectory() as folder:
        bench_load(args.calls_per_carrier, args.concurrent_per_carrier, Path(folder))


if __name__ == "__main__":
    main()
