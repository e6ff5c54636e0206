"""Dial benchmark: `ringcheck dial` and `Pjsua2Dialer` against SIPp UASes on loopback.

    .venv/bin/python benchmarks/dial_bench.py [--calls 200] [--concurrency 20] [--dials 10]
        [--paced-rate 50] [--parts command,alone,wire]

Every SIPp process is started (and listening) before any clock starts, so no figure includes
a SIPp start. Printed:

- `ringcheck dial`, the whole command as a user runs it (process start, SIP worker start,
  the call, shut-down) against a UAS answering 486 at once: median and p90 of `--dials`,
  with all bytecode cached (the goal figure) and in the shell's environment as it is;
- calls placed alone: one call at a time on a warm dialer (one SIP worker), answered 486 at
  once, from `place()` to the outcome (p50, p95, p99, max), back to back and at
  `--paced-rate` calls a second. Back to back (a call every few ms) one worker runs out of
  pjlib's socket handles (`robot.sip.handles`: 31 calls per 0.52 s) and every 32nd call waits for
  them; the paced figure is what a farm meets: at the virtual farm's ceiling (its example
  delays, ~1.35 s a call) a worker's 4 handsets start ~3 calls a second. Beside each, SIPp's
  own share (INVITE in to 486 out by its clock: ~2 ms, one 1 ms tick per response it sends)
  and what is left when each call's share is taken off (the robot, pjsua, the loopback);
- INVITE to the ACK of the 487 (the UAS rings, the caller cancels on 180), one call at a time,
  timed by the UAS's own message timestamps for both callers: SIPp's own UAC (the baseline)
  and `Pjsua2Dialer`;
- calls per second of a burst of `--calls` with `--concurrency` up at once, for both callers
  (SIPp's rate from its UAS timestamps: first INVITE to last ACK).

Every call that fails or ends otherwise than expected is counted, never hidden.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from robot.ports import DialRequest  # noqa: E402
from robot.sip import Pjsua2Dialer  # noqa: E402
from tests.sip.sipp_peer import SippUas, start_uas  # noqa: E402
from tests.support.peers import free_port, free_port_block  # noqa: E402

UAC_SCENARIO = ROOT / "tests" / "sip" / "scenarios" / "uac_invite_cancel.xml"
FROM = "+15550100"


class Failures:
    """Calls that raised or ended otherwise than expected, counted across threads."""

    def __init__(self) -> None:
        self.count = 0
        self.first: str | None = None
        self._lock = threading.Lock()

    def add(self, what: str) -> None:
        with self._lock:
            self.count += 1
            self.first = self.first or what


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _call_ids(text: str) -> str | None:
    return next(
        (line.split(":", 1)[1].strip() for line in text.splitlines()
         if line.lower().startswith("call-id:")),
        None,
    )  # fmt: skip


def _uas_invite_to_ack_ms(uas: SippUas) -> list[float]:
    """Per Call-ID: first INVITE received to ACK received, by SIPp's clock."""
    firsts: dict[str, datetime] = {}
    acks: dict[str, datetime] = {}
    for when, text in uas.received_timed():
        call_id = _call_ids(text)
        if call_id is None:
            continue
        if text.startswith("INVITE "):
            firsts.setdefault(call_id, when)
        elif text.startswith("ACK "):
            acks[call_id] = when
    return [(acks[c] - firsts[c]).total_seconds() * 1000.0 for c in firsts if c in acks]


def _uas_answer_ms(uas: SippUas) -> dict[str, float]:
    """Per Call-ID: first INVITE received to the first final response sent, by SIPp's clock:
    the peer's own share of a call (SIPp sends each response of a scenario on its next 1 ms
    tick, so 100, 180 and 486 take it ~2 ms)."""
    invites: dict[str, datetime] = {}
    finals: dict[str, datetime] = {}
    for when, sent, message in uas.messages_timed():
        call_id = _call_ids(message)
        if call_id is None:
            continue
        if not sent and message.startswith("INVITE "):
            invites.setdefault(call_id, when)
        elif sent and re.match(r"SIP/2\.0 [2-6]\d\d ", message):
            finals.setdefault(call_id, when)
    return {c: (finals[c] - invites[c]).total_seconds() * 1000.0 for c in invites if c in finals}


def _uas_span_s(uas: SippUas) -> tuple[float, int]:
    """First INVITE to last ACK at the UAS, and how many calls were ACKed."""
    timed = uas.received_timed()
    invites = [w for w, t in timed if t.startswith("INVITE ")]
    acks = [w for w, t in timed if t.startswith("ACK ")]
    if not invites or not acks:
        return float("nan"), 0
    return (max(acks) - min(invites)).total_seconds(), len(acks)


def _ring_then_cancel(dialer: Pjsua2Dialer, uri: str, failures: Failures) -> float | None:
    """Ms from sending the INVITE command to hang_up() returning; None when it failed."""
    try:
        call = dialer.place(DialRequest(from_number=FROM, to=uri, ring_timeout_s=60))
        while not any(e.code == 180 for e in call.events()):
            if call.wait(0.0005) is not None:
                failures.add("call ended before ringing")
                return None
        outcome = call.hang_up()
    except Exception as exc:
        failures.add(f"{type(exc).__name__}: {exc}")
        return None
    if outcome.final_code != 487:
        failures.add(f"outcome {outcome.final_code}: {outcome.error}")
        return None
    return (time.monotonic() - call.dialed_at) * 1000.0


def bench_dial_command(dials: int, work: Path) -> dict[str, dict[str, float]]:
    """`ringcheck dial` as a process, against a UAS that is already listening: with all
    bytecode cached (`cached`, the goal figure: an installed package, or a checkout that may
    write `__pycache__`) and in this shell's environment as it is (`as is`: where
    PYTHONDONTWRITEBYTECODE is set and the tree holds no bytecode, the command and its SIP
    worker compile ringcheck's modules at every start), alternating run by run."""
    uas = start_uas("final_486.xml", work, calls=2 * dials + 1, timeout_s=600)
    as_is = dict(os.environ)
    cached = {**as_is, "PYTHONPYCACHEPREFIX": str(work / "bytecode")}
    writing = {k: v for k, v in cached.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [str(ROOT / ".venv" / "bin" / "ringcheck"), "dial", "--from", FROM,
               "--to", uas.uri(), "--json"]  # fmt: skip
    subprocess.run(command, env=writing, capture_output=True, check=False, timeout=120)
    envs = {"cached": cached, "as is": as_is}
    walls: dict[str, list[float]] = {name: [] for name in envs}
    cpus: dict[str, list[float]] = {name: [] for name in envs}  # the command + its SIP worker
    failures = Failures()
    for _ in range(dials):
        for name, env in envs.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True,
                                  check=False, timeout=120)  # fmt: skip
            walls[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if done.returncode != 0 or '"final_code":486' not in done.stdout:
                failures.add(f"exit {done.returncode}: {done.stderr.strip()[-200:]}")
    uas.stop()
    return {name: {"p50_s": statistics.median(walls[name]), "p90_s": _pct(walls[name], 0.9),
                   "cpu_p50_s": statistics.median(cpus[name]), "failed": failures.count}
            for name in envs}  # fmt: skip


def bench_alone(calls: int, work: Path, rate: float | None = None) -> dict[str, float]:
    """One call at a time on a warm dialer, answered 486 at once: place() to the outcome.
    Back to back, or started `rate` a second (the wait before a start is not timed). Each
    call's time at SIPp (INVITE in to 486 out, its own clock) is taken off for `ours_*`: what
    is left is the robot, the SIP stack and the loopback."""
    uas = start_uas("final_486.xml", work, calls=calls + 1, timeout_s=600)
    failures = Failures()
    times: dict[str, float] = {}
    with Pjsua2Dialer(concurrency=4) as dialer:
        dialer.place(DialRequest(from_number=FROM, to=uas.uri())).wait(30)  # warm
        due = time.perf_counter()
        for _ in range(calls):
            if rate is not None:
                due += 1.0 / rate
                time.sleep(max(0.0, due - time.perf_counter()))
            started = time.perf_counter()
            try:
                call = dialer.place(DialRequest(from_number=FROM, to=uas.uri()))
                outcome = call.wait(30)
            except Exception as exc:
                failures.add(f"{type(exc).__name__}: {exc}")
                continue
            times[call.call_id] = (time.perf_counter() - started) * 1000.0
            if outcome is None or outcome.final_code != 486:
                failures.add(f"outcome {outcome.final_code if outcome else None}")
    uas.stop()
    at_peer = _uas_answer_ms(uas)
    ours = [ms - at_peer[c] for c, ms in times.items() if c in at_peer]
    whole = list(times.values())
    return {"p50_ms": _pct(whole, 0.5), "p95_ms": _pct(whole, 0.95),
            "p99_ms": _pct(whole, 0.99), "max_ms": max(whole, default=float("nan")),
            "peer_p50_ms": _pct(list(at_peer.values()), 0.5),
            "ours_p50_ms": _pct(ours, 0.5), "ours_p95_ms": _pct(ours, 0.95),
            "ours_p99_ms": _pct(ours, 0.99), "failed": failures.count}  # fmt: skip


def bench_ours(calls: int, concurrency: int, work: Path) -> dict[str, Any]:
    failures = Failures()
    with Pjsua2Dialer(concurrency=concurrency) as dialer:
        warm = start_uas("ring_cancel.xml", work, calls=1)
        _ring_then_cancel(dialer, warm.uri(), failures)  # transports and account exist now
        warm.stop()
        uas = start_uas("ring_cancel.xml", work, calls=calls, timeout_s=600)
        walls = [_ring_then_cancel(dialer, uas.uri(), failures) for _ in range(calls)]
        wire = _uas_invite_to_ack_ms(uas)
        uas.stop()
        burst = start_uas("ring_cancel.xml", work, calls=calls, timeout_s=600)
        per_thread = calls // concurrency

        def some() -> None:
            for _ in range(per_thread):
                _ring_then_cancel(dialer, burst.uri(), failures)

        threads = [threading.Thread(target=some) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        span_s, acked = _uas_span_s(burst)
        burst.stop()
    done = [w for w in walls if w is not None]
    return {"p50_ms": _pct(wire, 0.5), "p95_ms": _pct(wire, 0.95),
            "wall_p50_ms": _pct(done, 0.5), "wall_p95_ms": _pct(done, 0.95),
            "cps": acked / span_s, "failed": failures.count,
            "first_failure": failures.first}  # fmt: skip


def _run_uac(uas: SippUas, calls: int, limit: int, work: Path) -> None:
    sipp = shutil.which("sipp")
    assert sipp is not None
    command = [
        sipp,
        f"127.0.0.1:{uas.port}",
        "-sf",
        str(UAC_SCENARIO),
        "-i",
        "127.0.0.1",
        "-p",
        str(free_port()),
        "-cp",
        str(free_port(socket.SOCK_DGRAM)),
        "-mp",
        str(free_port_block()),
        "-m",
        str(calls),
        "-l",
        str(limit),
        "-r",
        "10000",
        "-s",
        "+15550199",
        "-nostdin",
        "-timeout",
        "300s",
    ]
    subprocess.run(
        command,
        cwd=work,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=600,
    )


def bench_sipp(calls: int, concurrency: int, work: Path) -> dict[str, float]:
    """SIPp's own UAC, timed by the UAS's timestamps (its process start is not counted)."""
    uas = start_uas("ring_cancel.xml", work, calls=calls, timeout_s=600)
    _run_uac(uas, calls, 1, work)
    wire = _uas_invite_to_ack_ms(uas)
    uas.stop()
    burst = start_uas("ring_cancel.xml", work, calls=calls, timeout_s=600)
    _run_uac(burst, calls, concurrency, work)
    span_s, acked = _uas_span_s(burst)
    burst.stop()
    if not wire:
        raise RuntimeError("the SIPp UAC completed no calls")
    return {"p50_ms": _pct(wire, 0.5), "p95_ms": _pct(wire, 0.95), "cps": acked / span_s,
            "failed": 2 * calls - len(wire) - acked}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--dials", type=int, default=10, help="`ringcheck dial` runs")
    parser.add_argument(
        "--paced-rate",
        type=float,
        default=50.0,
        help="calls a second of the paced calls placed alone",
    )
    parser.add_argument(
        "--parts",
        default="command,alone,wire",
        help="which figures: command, alone, wire (INVITE->ACK and bursts)",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if shutil.which("sipp") is None:
        sys.exit("sipp is not installed (Debian package sip-tester)")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="dial-bench-") as tmp:
        work = Path(tmp)
        command = bench_dial_command(args.dials, work) if "command" in parts else {}
        alone = bench_alone(args.calls, work) if "alone" in parts else None
        paced = bench_alone(args.calls, work, args.paced_rate) if "alone" in parts else None
        ours = bench_ours(args.calls, args.concurrency, work) if "wire" in parts else None
        base = bench_sipp(args.calls, args.concurrency, work) if "wire" in parts else None
    print(f"dial benchmark on loopback, load {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
    for name, figures in command.items():
        print(
            f"`ringcheck dial` whole process, bytecode {name} ({args.dials} runs): "
            f"median {figures['p50_s']:.2f} s, p90 {figures['p90_s']:.2f} s, "
            f"CPU median {figures['cpu_p50_s']:.2f} s (command + SIP worker), "
            f"failed {figures['failed']:.0f}"
        )
    for label, figures in (("back to back", alone), (f"{args.paced_rate:g} a second", paced)):
        if figures is None:
            continue
        print(
            f"calls placed alone {label}, place() -> outcome ({args.calls} calls, 486 at once): "
            f"p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
            f"p99 {figures['p99_ms']:.1f} ms, max {figures['max_ms']:.1f} ms, "
            f"failed {figures['failed']:.0f}; SIPp's own share p50 "
            f"{figures['peer_p50_ms']:.1f} ms, the rest p50 {figures['ours_p50_ms']:.1f}, "
            f"p95 {figures['ours_p95_ms']:.1f}, p99 {figures['ours_p99_ms']:.1f} ms"
        )
    if ours is None or base is None:
        return
    print(
        f"{'INVITE -> ACK of 487 at the UAS':34}{'p50 ms':>9}{'p95 ms':>9}{'calls/s':>10}"
        f"{'failed':>8}"
    )
    print(
        f"{'SIPp UAC (baseline)':34}{base['p50_ms']:9.2f}{base['p95_ms']:9.2f}"
        f"{base['cps']:10.1f}{base['failed']:8.0f}"
    )
    print(
        f"{'Pjsua2Dialer':34}{ours['p50_ms']:9.2f}{ours['p95_ms']:9.2f}{ours['cps']:10.1f}"
        f"{ours['failed']:8.0f}"
    )
    print(
        f"{'Pjsua2Dialer place()->hang_up()':34}{ours['wall_p50_ms']:9.2f}"
        f"{ours['wall_p95_ms']:9.2f}"
    )
    if ours["first_failure"]:
        print(f"first failure: {ours['first_failure']}")
    print(
        f"burst: {args.concurrency} up at once over {-(-args.concurrency // 4)} SIP workers; "
        "calls wait only for trunk limits and pjlib's socket handles (robot.sip.handles)"
    )


if __name__ == "__main__":
    main()
