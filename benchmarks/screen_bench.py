"""Screen-reading benchmark: accuracy per field and per family, tuned vs held-out, and speed.

    .venv/bin/python benchmarks/screen_bench.py [--count 30] [--seed 7] [--families F,...]
                                                [--no-real] [--cache] [--escalate]
                                                [--memory 0] [--misses] [--dump FILE]

Reads every screen cold, as `ringcheck read-screen` does by default: no dialer hint,
`--lang auto`, no line cache (pass --cache to let repeated crops hit it), one thread.
Prints, for the tuned and the held-out families of tests/screen/families: accuracy per field
and per family, the share of screens with every field right, false labels on look-alike
names, labels missed when they carry extra words, labels classed per language, and p50/p95
wall and CPU ms per screen at 1080x2400; then the same fields on the real screenshots in
../shared/realworld-screens (validation only) and, with --memory N, RSS before/after N reads.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from robot.domain.model import Reading, Surface, Tristate  # noqa: E402
from robot.ports import ReadRequest  # noqa: E402
from robot.screen import TesseractReader  # noqa: E402
from tests.screen.families import (  # noqa: E402
    FIELDS,
    HELD_OUT,
    TUNED,
    Sample,
    expected,
    for_tuning,
    for_validation,
    observed,
)

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


def half(
    reader: TesseractReader,
    title: str,
    samples: list[Sample],
    show_misses: bool,
    dump: list[dict[str, object]] | None = None,
) -> None:
    right: dict[str, int] = dict.fromkeys(FIELDS, 0)
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # fields ok, fields, screens
    all_right = 0
    walls: list[float] = []
    cpus: list[float] = []
    full_hd: list[float] = []
    false_labels = missed_extras = extras = 0
    classed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for s in samples:
        reading, wall, cpu = timed(reader, ReadRequest(s.image))
        walls.append(wall)
        cpus.append(cpu)
        got, want = observed(reading), expected(s.truth)
        if dump is not None:
            dump.append(
                {"half": title, "family": s.truth.family, "seed": s.seed, "got": got}
                | {"ok": [f for f in FIELDS if got[f] == want[f]], "wall_ms": wall, "cpu_ms": cpu}
            )
        if s.image[:4] == b"\x89PNG" and _width(s.image) == 1080:
            full_hd.append(wall)
        ok = [f for f in FIELDS if got[f] == want[f]]
        all_right += len(ok) == len(FIELDS)
        fam = by_family[s.truth.family]
        fam[0] += len(ok)
        fam[1] += len(FIELDS)
        fam[2] += 1
        for f in ok:
            right[f] += 1
        for f in FIELDS:
            if got[f] != want[f]:
                misses.append(
                    f"    {s.truth.family}#{s.seed % 100_000} {f}: got {got[f]!r}, want {want[f]!r}"
                )
        if s.truth.spam_label is None and reading.spam_label is not None:
            false_labels += s.truth.family == "look_alike_names"
        if s.truth.family == "label_extra_words" and s.truth.spam_label is not None:
            extras += 1
            missed_extras += reading.spam_label is None
        if s.truth.spam_class is not None:
            tally = classed[s.truth.lang]
            tally[1] += 1
            tally[0] += got["spam_class"] == want["spam_class"]
    n = len(samples)
    print(f"{title}: {n} screens, {len(by_family)} families")
    for f in FIELDS:
        print(f"  {f:12s} {right[f] / n:7.1%}")
    fields_ok = sum(v[0] for v in by_family.values())
    fields_all = sum(v[1] for v in by_family.values())
    print(
        f"  fields right {fields_ok / fields_all:7.1%}   screens with every field right "
        f"{all_right / n:5.1%}"
    )
    for family, (ok_count, total, screens) in by_family.items():
        print(f"    {family:24s} {ok_count / total:7.1%} of fields ({screens} screens)")
    if "look_alike_names" in by_family:
        print(f"  false labels on look-alike names: {false_labels}")
    if extras:
        print(f"  labels with extra words missed: {missed_extras} of {extras}")
    if classed:
        langs = ", ".join(f"{lang} {ok}/{total}" for lang, (ok, total) in sorted(classed.items()))
        print(f"  labels classed per language: {langs}")
    print(
        f"  wall ms p50 {statistics.median(walls):6.1f}  p95 {pct(walls, 0.95):6.1f}   "
        f"(1080x2400 PNG only: p50 {statistics.median(full_hd or walls):6.1f})"
    )
    print(f"  cpu  ms p50 {statistics.median(cpus):6.1f}  p95 {pct(cpus, 0.95):6.1f}")
    if show_misses:
        print("\n".join(misses) or "    no misses")


def _width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big")


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
    surfaces = []
    for e in entries:
        reading, wall, _ = timed(reader, ReadRequest((REAL / e["file"]).read_bytes()))
        walls.append(wall)
        surfaces.append((e, reading.surface))
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
    print(f"real: {n} screenshots (validation only), --lang auto, no dialer hint")
    for field, count in right.items():
        print(f"  {field:12s} {count / n:7.1%}  ({count}/{n})")
    up = sum((s == Surface.IN_CALL) == (e["state"] == "ongoing") for e, s in surfaces)
    print(f"  call up or ringing told apart (surface in_call vs the label's state): {up}/{n}")
    print(f"  wall ms p50 {statistics.median(walls):6.1f}  p95 {pct(walls, 0.95):6.1f}")
    print("  misses:" if misses else "  misses: none")
    for miss in misses:
        print(miss)


def memory(reader: TesseractReader, reads: int) -> None:
    samples = for_tuning(count=3, seed=8)
    for s in samples:
        reader.read(ReadRequest(s.image))
    before = rss_mib()
    for i in range(reads):
        reader.read(ReadRequest(samples[i % len(samples)].image))
    after = rss_mib()
    print(
        f"memory: RSS {before:.1f} MiB before, {after:.1f} MiB after {reads} reads "
        f"({after - before:+.1f} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="screens per family")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--families", default="", help="only these families (comma-separated)")
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--cache", action="store_true", help="remember line crops seen before")
    parser.add_argument("--escalate", action="store_true", help="second engine (RapidOCR)")
    parser.add_argument("--memory", type=int, default=0)
    parser.add_argument("--misses", action="store_true", help="print every wrong field")
    parser.add_argument(
        "--dump",
        type=Path,
        help="write each screen's reading, fields right and ms to this JSON file "
        "(to compare two versions screen by screen)",
    )
    args = parser.parse_args()
    escalation = None
    if args.escalate:
        from robot.screen.escalate import RapidOcrLine

        escalation = RapidOcrLine()
    reader = TesseractReader(escalation=escalation, cache=args.cache)
    print(
        f"engine: tesseract{' + rapidocr' if escalation else ''}, line cache "
        f"{'on' if args.cache else 'off'}, one thread, no dialer hint, languages auto"
    )
    for s in for_tuning(count=1, seed=1):  # load every model before timing
        reader.read(ReadRequest(s.image))
    wanted = tuple(f for f in args.families.split(",") if f)
    tuned = tuple(f for f in TUNED if not wanted or f in wanted)
    held = tuple(f for f in HELD_OUT if not wanted or f in wanted)
    dump: list[dict[str, object]] | None = [] if args.dump else None
    if tuned:
        half(reader, "tuned", for_tuning(tuned, args.count, args.seed), args.misses, dump)
    if held:
        half(reader, "held-out", for_validation(held, args.count, args.seed), args.misses, dump)
    if args.dump and dump is not None:
        args.dump.write_text(json.dumps(dump, indent=1, default=str), encoding="utf-8")
    if not args.no_real:
        real(reader)
    if args.memory:
        memory(reader, args.memory)
    reader.close()


if __name__ == "__main__":
    main()
