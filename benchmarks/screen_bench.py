"""Screen-reading benchmark: per-field accuracy and ms per screen, synthetic and real screens.

    .venv/bin/python benchmarks/screen_bench.py [--synthetic 200] [--seed 11] [--memory 1000]
                                                [--no-real] [--no-cache] [--escalate]
                                                [--workers 1]

Prints, for the seeded synthetic set and the real screenshots in ../shared/realworld-screens:
accuracy per field, all-fields-right rate, p50/p95 wall and CPU ms per screen (one process,
models loaded before timing), the misses on the real set, and RSS before/after N reads.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from robot.domain.model import Reading, Tristate  # noqa: E402
from robot.ports import ReadRequest  # noqa: E402
from robot.screen import TesseractReader  # noqa: E402
from tests.screen.synth import FIELDS, expected, generate, observed  # noqa: E402

REAL = ROOT.parent / "shared" / "realworld-screens"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_mib() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return float("nan")


def timed(reader: TesseractReader, request: ReadRequest) -> tuple[Reading, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    reading = reader.read(request)
    return reading, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def synthetic(reader: TesseractReader, count: int, seed: int) -> None:
    samples = generate(count, seed=seed)
    right = dict.fromkeys(FIELDS, 0)
    all_right, walls, cpus = 0, [], []
    for s in samples:
        reading, wall, cpu = timed(
            reader, ReadRequest(s.image, dialer=s.truth.dialer, languages=("eng",))
        )
        walls.append(wall)
        cpus.append(cpu)
        got, want = observed(reading), expected(s.truth)
        ok = [f for f in FIELDS if got[f] == want[f]]
        all_right += len(ok) == len(FIELDS)
        for f in ok:
            right[f] += 1
    print(f"synthetic: {count} screens (seed {seed}, 1080x2400 and damaged copies)")
    for f in FIELDS:
        print(f"  {f:12s} {right[f] / count:7.1%}")
    print(f"  all fields  {all_right / count:7.1%}")
    print(f"  wall ms p50 {statistics.median(walls):6.1f}  p95 {pct(walls, 0.95):6.1f}")
    print(f"  cpu  ms p50 {statistics.median(cpus):6.1f}  p95 {pct(cpus, 0.95):6.1f}")


def _fold(text: str | None) -> str | None:
    return None if text is None else "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _digits(text: str | None) -> str:
    return "".join(c for c in text or "" if c.isdigit())


def real(reader: TesseractReader) -> None:
    labels = REAL / "labels.json"
    if not labels.is_file():
        print(f"real: {REAL} not found, skipped")
        return
    entries = json.loads(labels.read_text(encoding="utf-8"))
    right = {"name": 0, "number": 0, "spam_label": 0, "badge": 0}
    walls, misses = [], []
    for e in entries:
        reading, wall, _ = timed(reader, ReadRequest((REAL / e["file"]).read_bytes()))
        walls.append(wall)
        want_n, got_n = _digits(e["number"]), _digits(reading.number)
        checks = {
            "name": _fold(reading.name) == _fold(e["name"]),
            "number": want_n == got_n or ("blurred" in e["notes"] and got_n.startswith(want_n)),
            "spam_label": _fold(reading.spam_label) == _fold(e["spam_label"]),
            "badge": (reading.verified is Tristate.YES) == e["badge"],
        }
        for field, ok in checks.items():
            right[field] += ok
            if not ok:
                got = {
                    "name": reading.name,
                    "number": reading.number,
                    "spam_label": reading.spam_label,
                    "badge": reading.verified.value,
                }[field]
                misses.append(f"    {e['file']}: {field} got {got!r}, want {e[field]!r}")
    n = len(entries)
    print(f"real: {n} screenshots, --lang auto, no dialer hint")
    for field, count in right.items():
        print(f"  {field:12s} {count / n:7.1%}  ({count}/{n})")
    print(f"  wall ms p50 {statistics.median(walls):6.1f}  p95 {pct(walls, 0.95):6.1f}")
    print("  misses:" if misses else "  misses: none")
    for miss in misses:
        print(miss)


def memory(reader: TesseractReader, reads: int) -> None:
    samples = generate(24, seed=8)
    for s in samples:
        reader.read(ReadRequest(s.image, dialer=s.truth.dialer))
    before = rss_mib()
    for i in range(reads):
        s = samples[i % len(samples)]
        reader.read(ReadRequest(s.image, dialer=s.truth.dialer))
    after = rss_mib()
    print(
        f"memory: RSS {before:.1f} MiB before, {after:.1f} MiB after {reads} reads "
        f"({after - before:+.1f} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=200)
    # seeds 6-8 were looked at while tuning the reader; 11 and up were not
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--memory", type=int, default=1000)
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument(
        "--no-cache", action="store_true", help="do not remember line crops seen before"
    )
    parser.add_argument(
        "--escalate", action="store_true", help="re-read doubtful lines with RapidOCR"
    )
    parser.add_argument("--workers", type=int, default=1, help="OCR threads per screen")
    args = parser.parse_args()
    escalation = None
    if args.escalate:
        from robot.screen.escalate import RapidOcrLine

        escalation = RapidOcrLine()
    reader = TesseractReader(escalation=escalation, cache=not args.no_cache, workers=args.workers)
    print(
        f"engine: tesseract{' + rapidocr escalation' if escalation else ''}, "
        f"line cache {'off' if args.no_cache else 'on'}, {args.workers} OCR thread(s)"
    )
    for s in generate(6, seed=1):  # load every model before timing
        reader.read(ReadRequest(s.image, dialer=s.truth.dialer))
    synthetic(reader, args.synthetic, args.seed)
    if not args.no_real:
        real(reader)
    if args.memory:
        memory(reader, args.memory)
    reader.close()


if __name__ == "__main__":
    main()
