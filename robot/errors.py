"""ringcheck's own exceptions; the CLI catches only `RingcheckError`.

    RingcheckError            the robot could not do its job (exit 1)
    ├── UsageError            bad input from the person or their files (exit 2)
    │   └── ConfigError       a config, numbers, farm, scenario or sim file is wrong (file:line)
    ├── NoHandsetError        no handset of the plan could be used: nothing was tested (exit 3)
    ├── StoreError            the results store failed
    ├── DialError             the SIP stack could not place or follow a call
    ├── DeviceError           a handset could not be observed
    │   └── PartialCaptureError   capture failed part-way; the frames taken are kept
    └── ScreenReadError       an image could not be read

A carrier blocking a call is a result, never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from robot.controlchars import escape_controls

if TYPE_CHECKING:
    from robot.ports import Capture


class RingcheckError(Exception):
    exit_code = 1


class UsageError(RingcheckError):
    exit_code = 2


class ConfigError(UsageError):
    """A problem in a file a person wrote: names the file, the line, the key path and a fix."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.key = key
        self.hint = hint
        self.detail = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file} line {self.line}"
        parts = [p for p in (where, self.key) if p]
        prefix = ": ".join(parts)
        text = f"{prefix}: {self.detail}" if prefix else self.detail
        text = f"{text} ({self.hint})" if self.hint else text
        return escape_controls(text)  # one line, whatever a quoted value holds


class NoHandsetError(RingcheckError):
    """Every handset a run needs is disabled, quarantined or held by another run. Exit 3 like
    any run in which the robot itself failed, so CI never mistakes it for a carrier result."""

    exit_code = 3


class StoreError(RingcheckError):
    pass


class AttemptClosedError(StoreError):
    """An attempt already closed by someone else (its worker taken for dead, its run closed)
    was about to be overwritten: the call's result belongs to whoever holds it now."""


class DialError(RingcheckError):
    pass


class DeviceError(RingcheckError):
    pass


class PartialCaptureError(DeviceError):
    """Capture failed part-way; `captures` holds the frames taken before, so none is lost."""

    def __init__(self, message: str, captures: Sequence[Capture]) -> None:
        super().__init__(message)
        self.captures = tuple(captures)


class ScreenReadError(RingcheckError):
    pass
