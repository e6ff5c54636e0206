"""The real Appium 3 server from npm (node_modules/.bin/appium) with the fake driver and our
test plugin (devices/appium-plugin), started on 127.0.0.1 with a free port.

Both extensions are dependencies in the repo's package.json, so `npm ci` installs them and
Appium finds them with APPIUM_HOME at the repo root: no `appium driver install`, no network.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.peers import free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
APPIUM_BIN = REPO / "node_modules" / ".bin" / "appium"
PLUGIN_INSTALLED = (REPO / "node_modules" / "ringcheck-appium-plugin" / "index.js").exists()


def appium_available() -> bool:
    return APPIUM_BIN.exists() and PLUGIN_INSTALLED


@dataclass
class AppiumServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def phone(self, udid: str) -> dict[str, Any]:
        """What the plugin knows about one simulated phone, including the robot's actions."""
        response = httpx.get(f"{self.url}/ringcheck/phones/{udid}", timeout=10)
        response.raise_for_status()
        value: dict[str, Any] = response.json()["value"]
        return value

    def set_phone(self, udid: str, **state: Any) -> None:
        """Change one phone's state (screen, call state, faults) from outside any session."""
        response = httpx.post(f"{self.url}/ringcheck/phones/{udid}", json=state, timeout=10)
        response.raise_for_status()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def start_appium(
    log_dir: Path,
    *,
    driver: str = "fake",
    plugin: str | None = "ringcheck",
    env: dict[str, str] | None = None,
    log_level: str = "warn",
) -> AppiumServer:
    """The server with one driver (the fake one, or a real one such as `uiautomator2`)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = log_dir / f"appium-{driver}.log"
    environment = dict(os.environ, APPIUM_HOME=str(REPO), **(env or {}))
    command = [
        str(APPIUM_BIN),
        "--address", "127.0.0.1",
        "--port", str(port),
        "--use-drivers", driver,
        *(["--use-plugins", plugin] if plugin else []),
        "--allow-insecure", "uiautomator2:adb_shell",
        "--log-level", log_level,
        "--log-no-colors",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=environment
        )
    server = AppiumServer(url=url, process=process, log_path=log_path)

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"appium exited with {process.returncode}:\n{server.log_tail()}")
        try:
            return httpx.get(f"{url}/status", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(ready, 60, "the Appium server's /status")
    except BaseException:
        stop_appium(server)
        raise
    return server


def stop_appium(server: AppiumServer) -> None:
    """Stop by pid: SIGTERM, then SIGKILL if it does not go within 10 s."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
