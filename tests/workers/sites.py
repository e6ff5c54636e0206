"""A two-site project on virtual farms, written into one folder per host (the central host
that plans, one per farm site, an analyst's laptop), as a real deployment copies it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

CARRIER = "sim-metro"
NUMBERS = [f"+1202555{n:04d}" for n in range(101, 106)]


def handset_ids(per_site: int) -> dict[str, list[str]]:
    return {site: [f"{site}-h{i}" for i in range(per_site)] for site in ("east", "west")}


def write_project(
    root: Path,
    *,
    per_site: int = 4,
    cps: float = 2.0,
    numbers: Sequence[str] = NUMBERS,
    evidence: str | None = None,
    s3_endpoint: str | None = None,
) -> Path:
    """The same project files in `root`: one carrier, `per_site` handsets at each of two
    sites, one shared trunk with `cps`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "numbers.csv").write_text(
        "number,name,direction,trunk\n"
        + "".join(f"{n},Northwind Bank,outbound,shared\n" for n in numbers),
        encoding="utf-8",
    )
    sites = handset_ids(per_site)
    farm = ["carriers:", f"  - name: {CARRIER}", "handsets:"]
    msisdn = 1100
    for ids in sites.values():
        for handset in ids:
            msisdn += 1
            farm += [
                f"  - id: {handset}",
                "    platform: android",
                "    dialer: google",
                f"    carrier: {CARRIER}",
                f'    msisdn: "+1312555{msisdn:04d}"',
            ]
    farm.append("sites:")
    for site, ids in sites.items():
        farm += [f"  - name: {site}", f"    handsets: [{', '.join(ids)}]", "    trunks: [shared]"]
    (root / "farm.yaml").write_text("\n".join(farm) + "\n", encoding="utf-8")
    cnam = "".join(f'        "{n}": NORTHWIND BANK\n' for n in numbers)
    where = f"evidence: {evidence}\n" if evidence else ""
    if s3_endpoint:
        where += f"evidence_s3: {{endpoint_url: '{s3_endpoint}'}}\n"
    (root / "ringcheck.yaml").write_text(
        "timezone: UTC\n"
        f"{where}"
        f"trunks:\n  - {{name: shared, host: 127.0.0.1, port: 5060, cps: {cps:g},"
        " max_concurrent_calls: 16}\n"
        "numbers: [numbers.csv]\nfarm: farm.yaml\n"
        "sim:\n  seed: 7\n  carriers:\n"
        f"    {CARRIER}:\n      ring_delay_ms: {{min: 100, max: 300}}\n      cnam:\n{cnam}",
        encoding="utf-8",
    )
    (root / "scenarios").mkdir(exist_ok=True)
    (root / "scenarios" / "sites.yaml").write_text(
        "name: sites\n"
        "call: {capture_after_s: 0, ring_timeout_s: 15, frames: 1}\n"
        "expect: {verified: any, no_label: true}\n",
        encoding="utf-8",
    )
    return root


def cli_env(store_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    env["RINGCHECK_STORE_URL"] = store_url
    env.update(extra or {})
    return env


def ringcheck(folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "robot.cli", "--project", str(folder), *args]


def start_worker(
    folder: Path, site: str, env: dict[str, str], farm_ready: Path, log: Path, *,
    concurrency: int = 2, heartbeat_s: float = 1.0,
) -> subprocess.Popen[bytes]:  # fmt: skip
    command = ringcheck(
        folder, "worker", "--site", site, "--concurrency", str(concurrency),
        "--heartbeat", str(heartbeat_s), "--farm", str(farm_ready),
    )  # fmt: skip
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
