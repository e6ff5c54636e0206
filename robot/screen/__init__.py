"""Reading incoming-call screens: name, number, spam label, verified badge, logo, call reason.

`TesseractReader` implements the `ScreenReader` port (robot/ports.py); `RapidOcrLine` in
`robot.screen.escalate` is the optional escalation engine (extra `ocr-escalation`). The reader
loads on first use (`robot.lazy`), so a submodule does not pull in OpenCV and Tesseract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from robot.lazy import lazy_exports

if TYPE_CHECKING:
    from robot.screen.reader import TesseractReader

__getattr__ = lazy_exports(__name__, {"TesseractReader": "robot.screen.reader"})

__all__ = ["TesseractReader"]
