"""SIP dialing: pjsua2 worker pool (`Pjsua2Dialer`), STIR/SHAKEN PASSporTs, response parsing."""

from __future__ import annotations

from robot.sip.pool import Pjsua2Dialer

__all__ = ["Pjsua2Dialer"]
