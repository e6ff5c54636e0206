"""A separate process racing for handset leases (see test_farm.py): prints the handsets won."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from devices.farm import Farm
from robot.store import open_store


def main() -> None:
    url, holder, start_file, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = open_store(url)
    farm = Farm((), leases=store.leases, state=store.handset_state, holder=holder)
    deadline = time.monotonic() + 60
    while not Path(start_file).exists() and time.monotonic() < deadline:
        time.sleep(0.002)  # start together with the other racer
    won = [f"h{i}" for i in range(rounds) if farm.lease(f"h{i}")]
    store.close()
    print(json.dumps(won))


if __name__ == "__main__":
    main()
