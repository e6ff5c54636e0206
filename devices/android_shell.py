"""`mobile: shell` on an Android phone: one command, or several in one round trip.

Arming a phone before every call reads its telephony registry and Do Not Disturb and clears
our numbers from its call log: three shell commands, each a request to Appium, an `adb shell`
on the phone and a reply, on the handset's path between two calls. `shell_batch` runs them as
one line. UiAutomator2's `mobile: shell` runs `adb shell <command> <args...>` (no shell on the
host), and adb joins the words with spaces for the phone's `sh`, so a `;` word separates
commands there as on any shell line. After each command `echo MARK $?` prints its exit status:
every output is told apart, a failing command is seen as failing, and the line's own status is
echo's (Appium fails a shell request whose command exits non-zero).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from appium.webdriver.webdriver import WebDriver

from robot.errors import DeviceError

BATCH_MARK = "::ringcheck-status::"
"""Printed with the exit status after each command of a batch; no phone prints it."""
_STATUS = re.compile(re.escape(BATCH_MARK) + r" (\d+)\r?\n?")


def shell(driver: WebDriver, command: str, *args: str) -> str:
    result = driver.execute_script("mobile: shell", {"command": command, "args": list(args)})
    return str(result or "")


@dataclass(frozen=True, slots=True)
class Ran:
    """One command of a batch: what it printed and how it exited (0: it worked)."""

    output: str
    status: int

    def value(self) -> str:
        """The output, or `unknown (why)` as `devices.platform.best_effort` says it."""
        if self.status:
            return f"unknown (exit status {self.status}: {self.output.strip() or 'no output'})"
        return self.output


def shell_batch(driver: WebDriver, commands: Sequence[Sequence[str]]) -> list[Ran]:
    """Run `commands` (each a command and its words) in one `mobile: shell`, in order."""
    words: list[str] = []
    for command in commands:
        words += [*command, ";", "echo", BATCH_MARK, "$?", ";"]
    return split_batch(shell(driver, *words[:-1]), len(commands))


def split_batch(text: str, count: int) -> list[Ran]:
    """Each command's output and status from a batch's output (see `shell_batch`)."""
    runs: list[Ran] = []
    start = 0
    for found in _STATUS.finditer(text):
        runs.append(Ran(text[start : found.start()], int(found.group(1))))
        start = found.end()
    if len(runs) != count:
        raise DeviceError(
            f"a batch of {count} shell commands printed {len(runs)} exit statuses; "
            f"its output began: {text[:200]!r}"
        )
    return runs
