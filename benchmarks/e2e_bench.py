"""End-to-end throughput, robot overhead and memory on the virtual farm, up to the stored attempt.

    .venv/bin/python benchmarks/e2e_bench.py [--handsets 3 6 12 24] [--calls-per-handset 10]
        [--ring-delay-ms 850] [--capture-after-s 0.5] [--repeat 1] [--memory]
    .venv/bin/python benchmarks/e2e_bench.py --handsets 8 --workers 0 1 2 4   # + PostgreSQL

For each farm size: a generated project (3 simulated carriers, Android and iOS handsets), the
virtual farm as its own process with a fixed ring delay, then one run through the real robot
as `ringcheck run` makes it (`run_planned`: pjsua2 SIP, the Appium protocol, Tesseract, the
SQLite store, evidence files, alert signals), every handset taking N calls.

Every call waits the configured delays, the carrier's ring delay and then the scenario's
capture wait, so a robot with no overhead at all would make
`handsets x 60 / (ring delay + capture wait)` attempts a minute: the ceiling. Printed per size:

- attempts/min over the whole run (start-up and shut-down included) and its share of the
  ceiling; `steady` is the same from the first dial to the last stored attempt;
- overhead per attempt, p50 and p90: each handset's time from one dial to its next, less the
  configured delays: everything the handset waited for the robot (arming it, noticing the
  ring, capturing, ending the call, reading and recording when that holds the handset);
- dial to stored, p50: from dialling to the attempt stored with its evidence (when the
  listeners that alerts use are told), less the configured delays;
- p50 of the cycle's parts (see `_phases`): between calls, ring, capture, end;
- peak RSS of the robot: this process and every process it started (SIP workers, screen
  readers), the virtual farm excluded, summed and sampled every 50 ms. Summed RSS counts the
  pages processes share (libpython, pjsua2's and OpenCV's libraries, the interpreter's start-up
  heap) once per process, so beside it, sampled every PSS_INTERVAL_S: the peak of the summed
  PSS (each shared page split between the processes that map it: what the run adds to the
  machine) and the summed USS at that moment (pages of one process only: what ending it frees);
  `--memory` prints, per kind of process, count, RSS, PSS, USS and private dirty at that peak;
- CPU milliseconds per attempt by process, from the clock's start to the run's end: the
  robot (this process), the processes it started (SIP workers) and the virtual farm (which
  stands in for phones that cost the host nothing; the machine is shared, so compare CPU,
  not only wall time);
- the 1-minute load average before and after (the machine is shared: compare medians).

Each run is made in a fresh process, as every `ringcheck run` is: a run made after another in
the same process would find what the first built (the Appium preflight client, imported
modules, a heap already grown) and hide what a run pays at its start.

With `--workers N...` the largest farm is also run through farm-site workers: one site holding
every handset, N `ringcheck worker` processes sharing it (each taking handsets/N calls at once),
the run planned onto the site's queue and followed to its end by this process, on the
PostgreSQL store named by RINGCHECK_BENCH_PG_URL (or RINGCHECK_TEST_PG_URL) in a schema of its
own. Workers are started and registered before the clock starts, as they are in production
(long-lived). `0` is the same run made in this process (`run --local`) on the same PostgreSQL
store: the single-process figure the workers compare with.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import itertools
import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from robot.config.project import load_project
from robot.demo import DemoPaths, FarmProcess
from robot.domain.model import Attempt, Delivery
from robot.domain.scenario import CallOptions, NumberSelector, Scenario
from robot.wiring import FarmEndpoints, open_project_store, prepare, run_planned

CARRIERS = ("sim-a", "sim-b", "sim-c")
NUMBERS = [f"+1202555{n:04d}" for n in range(101, 141)]
PAGE = os.sysconf("SC_PAGE_SIZE")


def write_project(root: Path, handsets: int, ring_delay_ms: int, site: str | None = None) -> None:
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
    if site is not None:  # every handset at one site, dialling from the one trunk
        ids = ", ".join(f"h{i:02d}" for i in range(handsets))
        farm += ["sites:", f"  - name: {site}", f"    handsets: [{ids}]", "    trunks: [sim]"]
    (root / "farm.yaml").write_text("\n".join(farm) + "\n", encoding="utf-8")
    cnam = "".join(f'        "{n}": NORTHWIND BANK\n' for n in NUMBERS)
    delay = f"{{min: {ring_delay_ms}, max: {ring_delay_ms}}}"
    carriers = "".join(
        f"    {c}:\n      ring_delay_ms: {delay}\n      cnam:\n{cnam}" for c in CARRIERS
    )
    (root / "ringcheck.yaml").write_text(
        "timezone: UTC\nstore: sqlite:///.ringcheck/results.db\n"
        "trunks:\n  - {name: sim, host: 127.0.0.1, port: 5060, cps: 200, "
        "max_concurrent_calls: 64}\n"
        "numbers: [numbers.csv]\nfarm: farm.yaml\n"
        f"sim:\n  seed: 1\n  handsets:\n    '*': {{foreign_calls: {{probability: 0}}}}\n"
        f"  carriers:\n{carriers}",
        encoding="utf-8",
    )


def _children(pid: int) -> list[int]:
    """The child processes of `pid` (Linux: /proc/PID/task/TID/children)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as children:
                out += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue
    return out


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


TICKS = os.sysconf("SC_CLK_TCK")
TREE_REFRESH_S = 0.5
"""How often the sampler looks for new processes of the run (see `RssSampler._run`)."""


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of `pid` so far (/proc/PID/stat fields 14 and 15)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, ValueError, IndexError):
        return None


def _tree_of(root: int) -> Iterator[int]:
    todo = [root]
    while todo:
        pid = todo.pop()
        yield pid
        todo.extend(_children(pid))


PSS_INTERVAL_S = 1.0
"""How often the sampler reads every process's /proc/PID/smaps_rollup: the kernel walks the
whole address space for it (~15 ms for the robot's 400 MB, holding its memory map's lock)."""


def _rollup_kb(pid: int) -> dict[str, int]:
    """/proc/PID/smaps_rollup's figures in kB (Rss, Pss, Private_Clean, Private_Dirty...)."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                name, _, rest = line.partition(":")
                fields = rest.split()
                if len(fields) == 2 and fields[1] == "kB":
                    out[name] = int(fields[0])
    except (OSError, ValueError):
        pass
    return out


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _kind(pid: int) -> str | None:
    """What a child of the robot is, from what it maps: None until it is known."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            forks = b"--fork-server" in cmdline.read()
        # robot.child_process.ForkServer: its children carry its command line too
        if forks and _parent(pid) == os.getpid():
            return "fork servers"
        with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as maps:
            text = maps.read()
    except OSError:
        return None
    if "_pjsua2" in text:
        return "SIP workers"
    if "libtesseract" in text or "onnxruntime" in text:
        return "readers"
    return None


@dataclass
class Usage:
    """Memory of a group of processes at one sample, summed, in bytes."""

    count: int = 0
    rss: int = 0
    pss: int = 0
    uss: int = 0
    private_dirty: int = 0

    def add(self, rollup: dict[str, int]) -> None:
        self.count += 1
        self.rss += rollup.get("Rss", 0) * 1024
        self.pss += rollup.get("Pss", 0) * 1024
        self.uss += (rollup.get("Private_Clean", 0) + rollup.get("Private_Dirty", 0)) * 1024
        self.private_dirty += rollup.get("Private_Dirty", 0) * 1024


class RssSampler:
    """Peak of the summed RSS of this process and its descendants, minus `exclude`'s tree,
    and (every `pss_interval_s`) the peak of their summed PSS with each kind of process's
    usage at that moment (`pss_peak`, `pss_by_kind`); also the CPU seconds each process of the
    run used, by role (`cpu_by_role`): `robot` (this process, less what it had used before),
    `robot children` (SIP workers and any other process it started) and `farm` (`exclude`'s
    tree, the virtual farm). A process's CPU is its last sample, so one ending between two
    samples loses at most `interval_s` of it; the sampler's own CPU is not counted as the
    robot's. A new process is seen within TREE_REFRESH_S."""

    def __init__(
        self, exclude: int, interval_s: float = 0.05, pss_interval_s: float = PSS_INTERVAL_S
    ) -> None:
        self.exclude = exclude
        self.interval_s = interval_s
        self.pss_interval_s = pss_interval_s
        self.peak = 0
        self.pss_peak = Usage()
        self.pss_by_kind: dict[str, Usage] = {}
        self._kinds: dict[int, str] = {}
        self._cpu: dict[int, tuple[str, float]] = {}
        self._own_cpu_s = 0.0
        self._cpu_before = {pid: _cpu_s(pid) or 0.0 for pid in (os.getpid(), exclude)}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> Iterator[int]:
        todo = [os.getpid()]
        while todo:
            pid = todo.pop()
            if pid == self.exclude:
                continue
            yield pid
            todo.extend(_children(pid))

    def _roles(self) -> list[tuple[int, str]]:
        roles = [(pid, "robot children") for pid in self._tree()]
        roles += [(pid, "farm") for pid in _tree_of(self.exclude)]
        return [(pid, "robot" if pid == os.getpid() else role) for pid, role in roles]

    def _sample_cpu(self, roles: list[tuple[int, str]]) -> None:
        for pid, role in roles:
            cpu = _cpu_s(pid)
            if cpu is not None:
                self._cpu[pid] = (role, cpu - self._cpu_before.get(pid, 0.0))

    def _sample_pss(self, ours: list[int]) -> None:
        by_kind: dict[str, Usage] = {}
        total = Usage()
        for pid in ours:
            rollup = _rollup_kb(pid)
            if not rollup:
                continue
            if pid == os.getpid():
                kind = "robot"
            else:
                kind = self._kinds.get(pid) or _kind(pid) or "other children"
                if kind != "other children":
                    self._kinds[pid] = kind
            by_kind.setdefault(kind, Usage()).add(rollup)
            total.add(rollup)
        if total.pss > self.pss_peak.pss:
            self.pss_peak, self.pss_by_kind = total, by_kind

    def _run(self) -> None:
        # Finding the processes means reading /proc/PID/task/TID/children for each of the
        # robot's ~80 threads; done every sample it held the robot's GIL for ~15 % of a
        # 24-handset run. Processes start rarely (SIP workers, readers): look for new ones
        # every TREE_REFRESH_S, sample the known ones every interval.
        roles: list[tuple[int, str]] = []
        walked = -TREE_REFRESH_S
        pss_at = -self.pss_interval_s
        while not self._stop.wait(self.interval_s):
            if time.monotonic() - walked >= TREE_REFRESH_S:
                roles, walked = self._roles(), time.monotonic()
            ours = [pid for pid, role in roles if role != "farm"]
            self.peak = max(self.peak, sum(_rss_bytes(pid) for pid in ours))
            if time.monotonic() - pss_at >= self.pss_interval_s:
                self._sample_pss(ours)
                pss_at = time.monotonic()
            self._sample_cpu(roles)
        self._sample_cpu(self._roles())
        self._own_cpu_s = time.thread_time()  # walking /proc is the bench's, not the robot's

    def cpu_by_role(self) -> dict[str, float]:
        out = {"robot": -self._own_cpu_s, "robot children": 0.0, "farm": 0.0}
        for role, cpu in self._cpu.values():
            out[role] += cpu
        return out


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _phases(attempts: list[Attempt], ring_s: float, capture_s: float) -> dict[str, float]:
    """Where a handset's cycle goes, p50 each, configured delays taken out: `between`
    (call ended to the next dial: idle check, arming, a read still holding the handset),
    `ring` (dial to the ring seen), `capture` (ring to the screenshot), `end` (screenshot to
    the call over on both sides)."""
    between: list[float] = []
    ring: list[float] = []
    capture: list[float] = []
    end: list[float] = []
    by_handset: dict[str, list[Attempt]] = {}
    for a in sorted(attempts, key=lambda a: a.times.dialed_at):
        by_handset.setdefault(a.handset_id or "", []).append(a)
        t = a.times
        if t.handset_ringing_at:
            ring.append((t.handset_ringing_at - t.dialed_at).total_seconds() - ring_s)
        if t.captured_at and t.handset_ringing_at:
            capture.append((t.captured_at - t.handset_ringing_at).total_seconds() - capture_s)
        if t.ended_at and t.captured_at:
            end.append((t.ended_at - t.captured_at).total_seconds())
    for calls in by_handset.values():
        between += [
            (b.times.dialed_at - a.times.ended_at).total_seconds()
            for a, b in itertools.pairwise(calls)
            if a.times.ended_at
        ]
    return {
        "between_s": _pct(between, 0.5),
        "ring_s": _pct(ring, 0.5),
        "capture_s": _pct(capture, 0.5),
        "end_s": _pct(end, 0.5),
    }


def measure(
    handsets: int, calls: int, ring_delay_ms: int, capture_after_s: float
) -> dict[str, Any]:
    delays_s = ring_delay_ms / 1000 + capture_after_s
    stored: dict[int, datetime] = {}

    def on_stored(attempt: Attempt) -> None:
        if attempt.id is not None:
            stored[attempt.id] = datetime.now(UTC)

    with tempfile.TemporaryDirectory(prefix="ringcheck-bench-") as folder:
        root = Path(folder)
        write_project(root, handsets, ring_delay_ms)
        project = load_project(root)
        scenario = Scenario(
            name="bench",
            numbers=NumberSelector(numbers=tuple(NUMBERS[:calls])),
            call=CallOptions(capture_after_s=capture_after_s, ring_timeout_s=15.0, frames=1),
        )
        paths = DemoPaths(root)
        load_before = os.getloadavg()[0]
        with FarmProcess(paths) as farm_process:
            assert farm_process.proc is not None
            farm = FarmEndpoints.read(paths.ready_file)
            prepared = prepare(project, scenario, farm=farm)
            with RssSampler(exclude=farm_process.proc.pid) as rss:
                started = time.monotonic()
                summary = run_planned(
                    project, prepared, farm=farm, trigger="bench", listeners=[on_stored]
                )
                elapsed = time.monotonic() - started
        store = open_project_store(project)
        attempts = store.attempts(run_id=summary.run.id)
        store.close()
    load_after = os.getloadavg()[0]
    cpu = rss.cpu_by_role()
    delivered = [a for a in attempts if a.delivery is Delivery.DELIVERED]
    cycles = []
    phases = _phases(attempts, ring_delay_ms / 1000, capture_after_s)
    by_handset: dict[str, list[datetime]] = {}
    for a in sorted(attempts, key=lambda a: a.times.dialed_at):
        by_handset.setdefault(a.handset_id or "", []).append(a.times.dialed_at)
    for dials in by_handset.values():
        cycles += [(b - a).total_seconds() - delays_s for a, b in itertools.pairwise(dials)]
    to_stored = [
        (stored[a.id] - a.times.dialed_at).total_seconds() - delays_s
        for a in delivered
        if a.id in stored
    ]
    first_dial = min(a.times.dialed_at for a in attempts)
    steady_s = (max(stored.values()) - first_dial).total_seconds() if stored else float("nan")
    ceiling = handsets * 60 / delays_s
    per_minute = len(attempts) / elapsed * 60
    return {
        "handsets": handsets,
        "attempts": len(attempts),
        "delivered": len(delivered),
        "per_minute": per_minute,
        "ceiling": ceiling,
        "share": per_minute / ceiling,
        "steady_share": len(attempts) / steady_s * 60 / ceiling,
        "overhead_p50_s": _pct(cycles, 0.5),
        "overhead_p90_s": _pct(cycles, 0.9),
        "to_stored_p50_s": _pct(to_stored, 0.5),
        **phases,
        "peak_rss_mb": rss.peak / 1e6,
        "peak_pss_mb": rss.pss_peak.pss / 1e6,
        "uss_at_peak_mb": rss.pss_peak.uss / 1e6,
        "memory_by_kind": rss.pss_by_kind,
        "cpu_robot_ms": cpu["robot"] / len(attempts) * 1000,
        "cpu_children_ms": cpu["robot children"] / len(attempts) * 1000,
        "cpu_farm_ms": cpu["farm"] / len(attempts) * 1000,
        "load": f"{load_before:.1f}->{load_after:.1f}",
    }


def measure_fresh(
    handsets: int, calls: int, ring_delay_ms: int, capture_after_s: float
) -> dict[str, Any]:
    """`measure` in a process of its own, started afresh (spawned, not forked from this one)."""
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(measure, handsets, calls, ring_delay_ms, capture_after_s).result()


def _pg_base() -> str:
    url = os.environ.get("RINGCHECK_BENCH_PG_URL") or os.environ.get("RINGCHECK_TEST_PG_URL")
    if not url:
        sys.exit(
            "--workers needs PostgreSQL: set RINGCHECK_BENCH_PG_URL (or RINGCHECK_TEST_PG_URL)"
        )
    return url


def _wait_workers(project: object, count: int, timeout_s: float = 180.0) -> None:
    from datetime import timedelta

    from robot.store.work import SqlWork

    store = open_project_store(project)  # type: ignore[arg-type]
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                rows = SqlWork(store.engine, store.clock).workers(stale_after=timedelta(hours=1))
            except Exception:
                rows = []
            if sum(1 for r in rows if r.state == "running") >= count:
                time.sleep(1.0)  # their queue listeners connect right after registering
                return
            time.sleep(0.5)
        raise SystemExit(f"{count} workers did not start within {timeout_s:.0f} s")
    finally:
        store.close()


def measure_workers(
    handsets: int, calls: int, ring_delay_ms: int, capture_after_s: float, workers: int
) -> dict[str, Any]:
    """Attempts per minute of a run made by `workers` worker processes on one site; 0 is
    the same run made in this process (`run --local`) on the same PostgreSQL store, the
    single-process figure the workers compare with."""
    import sqlalchemy as sa

    base = _pg_base()
    schema = f"rc_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    previous = os.environ.get("RINGCHECK_STORE_URL")
    os.environ["RINGCHECK_STORE_URL"] = url
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="ringcheck-bench-") as folder:
            root = Path(folder)
            write_project(root, handsets, ring_delay_ms, site="lab")
            project = load_project(root)
            scenario = Scenario(
                name="bench",
                numbers=NumberSelector(numbers=tuple(NUMBERS[:calls])),
                call=CallOptions(capture_after_s=capture_after_s, ring_timeout_s=15.0, frames=1),
            )
            paths = DemoPaths(root)
            load_before = os.getloadavg()[0]
            with FarmProcess(paths):
                farm = FarmEndpoints.read(paths.ready_file)
                each = max(1, math.ceil(handsets / max(1, workers)))
                for n in range(workers):
                    command = [
                        sys.executable, "-m", "robot.cli", "--project", str(root), "worker",
                        "--site", "lab", "--concurrency", str(each), "--heartbeat", "5",
                        "--farm", str(paths.ready_file),
                    ]  # fmt: skip
                    log = (root / f"worker-{n}.log").open("wb")
                    processes.append(subprocess.Popen(command, stdout=log, stderr=log))
                if workers:
                    _wait_workers(project, workers)
                prepared = prepare(project, scenario, farm=farm)
                started = time.monotonic()
                summary = run_planned(
                    project, prepared, farm=farm, trigger="bench", local=workers == 0
                )
                elapsed = time.monotonic() - started
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.wait(timeout=120)
            store = open_project_store(project)
            attempts = store.attempts(run_id=summary.run.id)
            store.close()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        if previous is None:
            os.environ.pop("RINGCHECK_STORE_URL", None)
        else:
            os.environ["RINGCHECK_STORE_URL"] = previous
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    delivered = sum(1 for a in attempts if a.delivery is Delivery.DELIVERED)
    ceiling = handsets * 60 / (ring_delay_ms / 1000 + capture_after_s)
    per_minute = len(attempts) / elapsed * 60
    return {
        "workers": workers,
        "attempts": len(attempts),
        "delivered": delivered,
        "per_minute": per_minute,
        "share": per_minute / ceiling,
        "load": f"{load_before:.1f}->{os.getloadavg()[0]:.1f}",
    }


def _print_memory(by_kind: dict[str, Usage]) -> None:
    """One line per kind of process at the peak of summed PSS."""
    for kind, usage in sorted(by_kind.items()):
        print(
            f"{'':>8} {kind:<15} x{usage.count:<3} RSS {usage.rss / 1e6:6.0f}  "
            f"PSS {usage.pss / 1e6:6.0f}  USS {usage.uss / 1e6:6.0f}  "
            f"private dirty {usage.private_dirty / 1e6:6.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--handsets", type=int, nargs="+", default=[3, 6, 12, 24])
    parser.add_argument("--calls-per-handset", type=int, default=10)
    parser.add_argument("--ring-delay-ms", type=int, default=850)
    parser.add_argument("--capture-after-s", type=float, default=0.5)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (medians shown)")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="*",
        default=[],
        help="also run the largest farm through N site workers (0: in this process, same store)",
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="per kind of process (robot, SIP workers, readers): count, RSS, PSS, USS and "
        "private dirty MB at the run's peak PSS",
    )
    args = parser.parse_args()
    print(
        f"ring delay {args.ring_delay_ms} ms + capture wait {args.capture_after_s} s; "
        f"{args.calls_per_handset} calls per handset; {os.cpu_count()} cores"
    )
    print(
        f"{'handsets':>8} {'attempts':>8} {'per min':>8} {'ceiling':>8} {'share':>6} "
        f"{'steady':>6} {'ovh p50':>8} {'ovh p90':>8} {'stored':>7} {'RSS MB':>7} "
        f"{'PSS MB':>7} {'USS MB':>7} "
        f"{'between':>7} {'ring':>5} {'capt':>5} {'end':>5} "
        f"{'CPU ms/attempt robot+children+farm':>28}  load"
    )
    for count in args.handsets:
        rows = [
            measure_fresh(count, args.calls_per_handset, args.ring_delay_ms, args.capture_after_s)
            for _ in range(args.repeat)
        ]

        def med(key: str, rows: list[dict[str, Any]] = rows) -> float:
            return float(statistics.median(r[key] for r in rows))

        print(
            f"{count:>8} {med('attempts'):>8.0f} {med('per_minute'):>8.1f} "
            f"{med('ceiling'):>8.0f} {med('share'):>6.2f} {med('steady_share'):>6.2f} "
            f"{med('overhead_p50_s'):>7.2f}s {med('overhead_p90_s'):>7.2f}s "
            f"{med('to_stored_p50_s'):>6.2f}s {med('peak_rss_mb'):>7.0f} "
            f"{med('peak_pss_mb'):>7.0f} {med('uss_at_peak_mb'):>7.0f} "
            f"{med('between_s'):>7.2f} {med('ring_s'):>5.2f} {med('capture_s'):>5.2f} "
            f"{med('end_s'):>5.2f} {med('cpu_robot_ms'):>8.0f}+{med('cpu_children_ms'):.0f}"
            f"+{med('cpu_farm_ms'):.0f}  " + " ".join(r["load"] for r in rows),
            flush=True,
        )
        if args.memory:
            for row in rows:
                _print_memory(row["memory_by_kind"])

    if args.workers:
        handsets = args.handsets[-1]
        ceiling = handsets * 60 / (args.ring_delay_ms / 1000 + args.capture_after_s)
        print(
            f"\nfarm-site workers, {handsets} handsets on one site, PostgreSQL store "
            f"(ceiling {ceiling:.0f}/min)"
        )
        print(f"{'workers':>8} {'attempts':>8} {'delivered':>9} {'per min':>8} {'share':>6}  load")
        for count in args.workers:
            rows = [
                measure_workers(
                    handsets,
                    args.calls_per_handset,
                    args.ring_delay_ms,
                    args.capture_after_s,
                    count,
                )
                for _ in range(args.repeat)
            ]

            def wmed(key: str, rows: list[dict[str, Any]] = rows) -> float:
                return float(statistics.median(r[key] for r in rows))

            print(
                f"{'in-proc' if count == 0 else count:>8} {wmed('attempts'):>8.0f} "
                f"{wmed('delivered'):>9.0f} {wmed('per_minute'):>8.1f} {wmed('share'):>6.2f}  "
                + " ".join(r["load"] for r in rows),
                flush=True,
            )


if __name__ == "__main__":
    main()
