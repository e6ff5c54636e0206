"""`ringcheck demo --serve`: after the demo, a one-time sign-in link to the console, which
keeps serving (the farm too) until Ctrl-C."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.support.peers import wait_until

pytestmark = pytest.mark.slow


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_demo_serve_prints_a_sign_in_link_and_serves_until_ctrl_c(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    command = [sys.executable, "-m", "robot.cli", "demo", "--dir", str(tmp_path), "--serve",
               "--web", "127.0.0.1:0"]  # fmt: skip
    log = tmp_path / "demo.err"
    with log.open("w") as err:
        demo = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
    lines: queue.Queue[str] = queue.Queue()
    assert demo.stdout is not None
    reader = threading.Thread(target=lambda: [lines.put(line) for line in demo.stdout], daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        link = None
        while link is None:
            line = lines.get(timeout=300)
            found = re.search(r"console:\s+(http://127\.0\.0\.1:\d+/signin\?once=\S+)", line)
            link = found.group(1) if found else None
        base = link.split("/signin", 1)[0]
        with httpx.Client(base_url=base, follow_redirects=False) as browser:
            signed = browser.get(link)
            assert signed.status_code == 303 and signed.headers["location"] == "/now"
            now = browser.get("/api/now").json()
            assert now["runs"][0]["scenario"] == "demo"
            assert browser.get("/api/me").json()["role"] == "admin"
        with httpx.Client() as other:
            assert other.get(link).status_code == 401  # one time only
        farm_pid = json.loads((tmp_path / ".ringcheck" / "farm.json").read_text())["pid"]
        assert demo.poll() is None  # still serving
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=90)
        assert demo.returncode == 0, log.read_text()
        wait_until(lambda: not _alive(farm_pid), 30, "the virtual farm to stop")
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{base}/healthz", timeout=5)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        reader.join(10)
        demo.stdout.close()
