"""Our Android session against the real Appium server with the real UiAutomator2 driver (npm),
with no phone attached: the session must get past Appium's capability checks and fail on the
device itself (adb finds no phone with that udid), never on a capability we set.

adb is Debian's; the SDK folder the driver wants is a temporary one holding only
`platform-tools/adb`, and the adb server runs on a port of its own that the test stops.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.appium import AppiumHandset
from robot.domain.model import DialerKind, Platform
from robot.domain.model import Handset as HandsetSpec
from robot.errors import DeviceError
from tests.devices.appium_peer import (
    REPO,
    AppiumServer,
    appium_available,
    start_appium,
    stop_appium,
)
from tests.support.peers import free_port, need

pytestmark = pytest.mark.appium
UIAUTOMATOR2 = REPO / "node_modules" / "appium-uiautomator2-driver" / "package.json"


@pytest.fixture
def uiautomator2_server(tmp_path: Path) -> Iterator[tuple[AppiumServer, int]]:
    need("appium", appium_available() and UIAUTOMATOR2.exists(), "run `npm ci` in the repo root")
    adb = shutil.which("adb")
    need("adb", adb is not None, "install Debian's `adb` (scripts/system-packages.txt)")
    assert adb is not None
    sdk = tmp_path / "sdk"
    (sdk / "platform-tools").mkdir(parents=True)
    (sdk / "platform-tools" / "adb").symlink_to(adb)
    adb_port = free_port()
    env = {"ANDROID_HOME": str(sdk), "ANDROID_ADB_SERVER_PORT": str(adb_port)}
    server = start_appium(tmp_path, driver="uiautomator2", plugin=None, env=env,
                          log_level="info")  # fmt: skip
    try:
        yield server, adb_port
    finally:
        stop_appium(server)
        subprocess.run([adb, "-P", str(adb_port), "kill-server"], capture_output=True, timeout=30)


def test_our_capabilities_pass_the_real_driver_and_the_session_fails_on_the_device(
    uiautomator2_server: tuple[AppiumServer, int],
) -> None:
    server, adb_port = uiautomator2_server
    spec = HandsetSpec(
        id="pixel8-tmo", platform=Platform.ANDROID, dialer=DialerKind.GOOGLE, carrier="tmobile",
        msisdn="+12025550181", appium_url=server.url,
        capabilities=(  # as docs/real-farm.md's farm.yaml gives them, on the test's adb
            ("appium:udid", "3A071FDJH00C5K"), ("appium:systemPort", 8200),
            ("appium:adbPort", adb_port),
        ),
    )  # fmt: skip
    handset = AppiumHandset(spec, connect_timeout_s=5.0, session_start_timeout_s=120.0)
    try:
        with pytest.raises(DeviceError) as caught:
            handset.prepare()
    finally:
        handset.close()
    message = str(caught.value)
    log = server.log_path.read_text(errors="replace")
    assert "starting an Appium session failed" in message, message
    assert "connected Android device" in message or "3A071FDJH00C5K" in message, message
    assert "Retrieving device list" in log  # the driver took the session and looked for it
    for refusal in ("not valid for the following reason", "were not recognized",
                    "is not a valid capability"):  # fmt: skip
        assert refusal not in log, log[-3000:]
