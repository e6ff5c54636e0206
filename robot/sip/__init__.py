"""SIP dialing: pjsua2 worker pool (`Pjsua2Dialer`), STIR/SHAKEN PASSporTs, response parsing.

`Pjsua2Dialer` loads on first use (`robot.lazy`): `robot.sip.protocol` alone stays cheap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from robot.lazy import lazy_exports

if TYPE_CHECKING:
    from robot.sip.pool import Pjsua2Dialer

__getattr__ = lazy_exports(__name__, {"Pjsua2Dialer": "robot.sip.pool"})

__all__ = ["Pjsua2Dialer"]
