"""Reading incoming-call screens: name, number, spam label, verified badge, logo, call reason.

`TesseractReader` implements the `ScreenReader` port (robot/ports.py); `RapidOcrLine` in
`robot.screen.escalate` is the optional escalation engine (extra `ocr-escalation`).
"""

from robot.screen.reader import TesseractReader

__all__ = ["TesseractReader"]
