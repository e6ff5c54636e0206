"""Nothing of the robot listens where it should not (issue 17, item 1): during a real run on
the virtual farm (a loopback trunk), every socket of the `ringcheck run` process and its SIP
workers is bound to 127.0.0.1, SIP and RTP alike, and RTP takes its ports from the range; the
farm's own carriers (SIP and RTP) stay on loopback too. `ringcheck dial` to SIPp on
127.0.0.1 binds the same way."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from robot.demo import FarmProcess, write_project
from tests.hostile.sockets import BoundSocket, bound_sockets, process_tree

pytestmark = pytest.mark.slow


def test_a_run_binds_only_loopback(tmp_path: Path) -> None:
    paths = write_project(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    seen: set[BoundSocket] = set()
    farm_seen: set[BoundSocket] = set()
    with FarmProcess(paths) as farm:
        assert farm.proc is not None
        command = [sys.executable, "-m", "robot.cli", "--project", str(tmp_path), "run",
                   "smoke", "--seed", "3", "--farm", str(paths.ready_file), "--json"]  # fmt: skip
        robot = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 240
        try:
            while robot.poll() is None and time.monotonic() < deadline:
                seen.update(bound_sockets(process_tree(robot.pid)))
                farm_seen.update(bound_sockets(process_tree(farm.proc.pid)))
                time.sleep(0.05)  # sampling sockets while the run goes on, not waiting for it
        finally:
            if robot.poll() is None:
                robot.kill()
            _, stderr = robot.communicate(timeout=60)
    assert robot.returncode in (0, 1), stderr  # 1: some expectation failed, still a run
    wildcard = sorted({(s.proto, s.address, s.port) for s in seen if s.wildcard})
    assert wildcard == [], f"bound to every interface: {wildcard}"
    farm_wildcard = sorted({(s.proto, s.address, s.port) for s in farm_seen if s.wildcard})
    assert farm_wildcard == [], f"the farm is bound to every interface: {farm_wildcard}"
    farm_rtp = {s for s in farm_seen if s.proto == "udp" and 4000 <= s.port < 32768}
    assert farm_rtp, "no RTP socket of the farm's carriers was observed: the test saw nothing"
    workers = {s for s in seen if s.pid != robot.pid and s.proto == "udp"}
    assert workers, "no SIP worker socket was observed: the test saw nothing"
    assert {s.address for s in workers} == {"127.0.0.1"}
    rtp = sorted(s.port for s in workers if 4000 <= s.port <= 4999)
    assert rtp, f"no RTP socket in the trunk's range 4000-4999: {sorted(workers)}"
