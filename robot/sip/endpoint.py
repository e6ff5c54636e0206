"""How every pjsua2 process of ringcheck starts (the dialer's workers and the virtual farm's
carriers): one Endpoint, one thread, no sound device, nothing on stdout.

With `threadCnt = 0` and `mainThreadOnly` every pjsua callback runs on the process's own loop
thread, so no other thread ever touches the stack and none needs `libRegisterThread`.
"""

from __future__ import annotations

import os
import signal
from typing import Any


def quiet_process() -> None:
    """For a spawned SIP process: stdout to /dev/null (pjlib prints start-up lines in
    `libCreate`, before log settings apply) and Ctrl-C ignored (the parent ends the process)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def single_thread_config(pj: Any, *, max_calls: int, user_agent: str) -> Any:
    """An `EpConfig` for an Endpoint driven by `libHandleEvents` from one thread."""
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.uaConfig.maxCalls = max_calls
    cfg.uaConfig.userAgent = user_agent
    cfg.medConfig.threadCnt = 0
    return cfg
