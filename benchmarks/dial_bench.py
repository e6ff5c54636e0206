"""Dial benchmark: `Pjsua2Dialer` against SIPp's own UAC, both calling one SIPp UAS on loopback.

    .venv/bin/python benchmarks/dial_bench.py [--calls 200] [--concurrency 20]

Every call rings and the caller cancels it as soon as 180 arrives. Per-call overhead is the
time from INVITE to the ACK of the 487 (CANCEL completed), measured the same way for both
callers: by the SIPp UAS's own message timestamps, one call at a time (p50/p95). For
`Pjsua2Dialer` the time from sending the place command to `hang_up()` returning is shown too.
Calls per second is a burst of `--calls` calls with `--concurrency` up at once; the dialer
paces each worker at WORKER_MAX_CPS, so its figure is bounded by workers x that pace.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from robot.ports import DialRequest  # noqa: E402
from robot.sip import Pjsua2Dialer  # noqa: E402
from robot.sip.pool import WORKER_MAX_CPS  # noqa: E402
from tests.sip.sipp_peer import SippUas, start_uas  # noqa: E402
from tests.support.peers import free_port, free_port_block  # noqa: E402

UAC_SCENARIO = ROOT / "tests" / "sip" / "scenarios" / "uac_invite_cancel.xml"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _uas_invite_to_ack_ms(uas: SippUas) -> list[float]:
    """Per Call-ID: first INVITE received to ACK received, by SIPp's clock."""
    firsts: dict[str, datetime] = {}
    acks: dict[str, datetime] = {}
    for when, text in uas.received_timed():
        call_id = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                        if line.lower().startswith("call-id:")), None)
        if call_id is None:
            continue
        if text.startswith("INVITE "):
            firsts.setdefault(call_id, when)
        elif text.startswith("ACK "):
            acks[call_id] = when
    return [(acks[c] - firsts[c]).total_seconds() * 1000.0 for c in firsts if c in acks]


def _ours_one_call(dialer: Pjsua2Dialer, uri: str) -> float:
    """Ms from sending the INVITE command to hang_up() returning (pacing excluded)."""
    call = dialer.place(DialRequest(from_number="+15550100", to=uri, ring_timeout_s=60))
    while not any(e.code == 180 for e in call.events()):
        if call.wait(0.0005) is not None:
            raise RuntimeError("call ended before ringing")
    outcome = call.hang_up()
    if outcome.final_code != 487:
        raise RuntimeError(f"unexpected outcome {outcome.final_code}: {outcome.error}")
    return (time.monotonic() - call.dialed_at) * 1000.0


def bench_ours(calls: int, concurrency: int, work: Path) -> dict[str, float]:
    with Pjsua2Dialer(concurrency=concurrency) as dialer:
        warm = start_uas("ring_cancel.xml", work, calls=1)
        _ours_one_call(dialer, warm.uri())  # transports and account exist from here on
        warm.stop()
        uas = start_uas("ring_cancel.xml", work, calls=calls, timeout_s=600)
        walls = [_ours_one_call(dialer, uas.uri()) for _ in range(calls)]
        wire = _uas_invite_to_ack_ms(uas)
        uas.stop()
        burst = start_uas("ring_cancel.xml", work, calls=calls, timeout_s=600)
        per_thread = calls // concurrency
        threads = [threading.Thread(target=lambda: [
            _ours_one_call(dialer, burst.uri()) for _ in range(per_thread)])
            for _ in range(concurrency)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        burst.stop()
    return {"p50_ms": _pct(wire, 0.5), "p95_ms": _pct(wire, 0.95),
            "wall_p50_ms": _pct(walls, 0.5), "wall_p95_ms": _pct(walls, 0.95),
            "cps": per_thread * concurrency / elapsed}


def _run_uac(uas: SippUas, calls: int, limit: int, work: Path) -> float:
    sipp = shutil.which("sipp")
    assert sipp is not None
    command = [sipp, f"127.0.0.1:{uas.port}", "-sf", str(UAC_SCENARIO), "-i", "127.0.0.1",
               "-p", str(free_port()), "-cp", str(free_port(socket.SOCK_DGRAM)),
               "-mp", str(free_port_block()), "-m", str(calls), "-l", str(limit), "-r", "10000",
               "-s", "+15550199", "-nostdin", "-timeout", "300s"]
    start = time.perf_counter()
    subprocess.run(command, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False, timeout=600)
    return time.perf_counter() - start


def bench_sipp(calls: int, concurrency: int, work: Path) -> dict[str, float]:
    uas = start_uas("ring_cancel.xml", work, calls=calls, timeout_s=600)
    _run_uac(uas, calls, 1, work)
    wire = _uas_invite_to_ack_ms(uas)
    uas.stop()
    burst = start_uas("ring_cancel.xml", work, calls=calls, timeout_s=600)
    elapsed = _run_uac(burst, calls, concurrency, work)
    burst.stop()
    if not wire:
        raise RuntimeError("the SIPp UAC completed no calls")
    return {"p50_ms": _pct(wire, 0.5), "p95_ms": _pct(wire, 0.95), "cps": calls / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    if shutil.which("sipp") is None:
        sys.exit("sipp is not installed (Debian package sip-tester)")
    with tempfile.TemporaryDirectory(prefix="dial-bench-") as tmp:
        work = Path(tmp)
        ours = bench_ours(args.calls, args.concurrency, work)
        base = bench_sipp(args.calls, args.concurrency, work)
    workers = -(-args.concurrency // 4)
    print(f"dial benchmark: {args.calls} calls on loopback; the UAS rings, the caller cancels "
          f"on 180; burst with {args.concurrency} calls up at once")
    print(f"{'INVITE -> ACK of 487 at the UAS':34}{'p50 ms':>9}{'p95 ms':>9}{'calls/s':>10}")
    print(f"{'SIPp UAC (baseline)':34}{base['p50_ms']:9.2f}{base['p95_ms']:9.2f}"
          f"{base['cps']:10.1f}")
    print(f"{'Pjsua2Dialer':34}{ours['p50_ms']:9.2f}{ours['p95_ms']:9.2f}{ours['cps']:10.1f}")
    print(f"{'Pjsua2Dialer place()->hang_up()':34}{ours['wall_p50_ms']:9.2f}"
          f"{ours['wall_p95_ms']:9.2f}")
    print(f"overhead vs SIPp: p50 {ours['p50_ms'] / base['p50_ms']:.2f}x, "
          f"p95 {ours['p95_ms'] / base['p95_ms']:.2f}x; dialer calls/s capped at "
          f"{workers} workers x {WORKER_MAX_CPS:.0f}")


if __name__ == "__main__":
    main()
