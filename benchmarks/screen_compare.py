"""Compare two versions of the screen reader screen by screen, from `screen_bench.py --dump`.

    .venv/bin/python benchmarks/screen_compare.py --old a1.json [a2.json ...] --new b1.json [...]

Each side may have several runs of the same screens (same --seed and --count); a screen's ms
is its median over them, so runs taken in turns (old, new, old, new) on a busy machine pair
up. Prints the fields read differently, the fields right on each half before and after, and
CPU and wall p50 per screen with the median of the per-screen differences.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

Run = list[dict[str, Any]]


def _load(paths: list[Path]) -> list[Run]:
    runs: list[Run] = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    keys = [_keys(r) for r in runs]
    if any(k != keys[0] for k in keys):
        sys.exit(
            "the runs did not read the same screens (use the same --seed, --count, --families)"
        )
    return runs


def _keys(run: Run) -> list[tuple[str, str, int]]:
    return [(s["half"], s["family"], s["seed"]) for s in run]


def _median_ms(runs: list[Run], metric: str) -> list[float]:
    return [statistics.median(r[i][metric] for r in runs) for i in range(len(runs[0]))]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--old", type=Path, nargs="+", required=True)
    parser.add_argument("--new", type=Path, nargs="+", required=True)
    args = parser.parse_args()
    old, new = _load(args.old), _load(args.new)
    if _keys(old[0]) != _keys(new[0]):
        sys.exit("old and new did not read the same screens")
    first_old, first_new = old[0], new[0]
    changed = Counter(
        (a["half"], field)
        for a, b in zip(first_old, first_new, strict=True)
        for field in a["got"]
        if a["got"][field] != b["got"][field]
    )
    print(f"{len(first_old)} screens; fields read differently: {sum(changed.values())}")
    for (half, field), count in sorted(changed.items()):
        print(f"  {half} {field}: {count}")
    for half in dict.fromkeys(s["half"] for s in first_old):
        before = sum(len(s["ok"]) for s in first_old if s["half"] == half)
        after = sum(len(s["ok"]) for s in first_new if s["half"] == half)
        fields = sum(len(s["got"]) for s in first_old if s["half"] == half)
        print(f"  {half}: fields right {before / fields:.1%} before, {after / fields:.1%} after")
    for metric in ("cpu_ms", "wall_ms"):
        a, b = _median_ms(old, metric), _median_ms(new, metric)
        diff = statistics.median(y - x for x, y in zip(a, b, strict=True))
        old_p50, new_p50 = statistics.median(a), statistics.median(b)
        print(
            f"{metric[:-3]:4s} ms p50 {old_p50:6.1f} before, {new_p50:6.1f} after, "
            f"per-screen difference p50 {diff:+.1f} ({len(old)}+{len(new)} runs)"
        )


if __name__ == "__main__":
    main()
