"""How every pjsua2 process of ringcheck starts (the dialer's workers and the virtual farm's
carriers): one Endpoint, one thread, no sound device, nothing on stdout.

With `threadCnt = 0` and `mainThreadOnly` every pjsua callback runs on the process's own loop
thread, so no other thread ever touches the stack and none needs `libRegisterThread`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable
from typing import Any

UNREGISTER_WAIT_S = 1.0
"""How long shutting down waits for a registrar to answer our unregistration."""


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


def destroy_endpoint(
    pj: Any,
    ep: Any,
    accounts: Iterable[Any],
    *,
    calls_up: bool = False,
    unregister_wait_s: float = UNREGISTER_WAIT_S,
) -> None:
    """Shut an Endpoint down without pjsua's fixed wait.

    `libDestroy` sleeps a second after unregistering, whether or not anything was
    registered ("to let transports shut down"), and every `ringcheck dial`, run and virtual
    farm paid it on exit. Here the accounts that hold a registration unregister first and
    the loop waits for the registrar's answer (at most `unregister_wait_s`); then, calls
    being over, the Endpoint is destroyed without sending anything. With `calls_up` (calls
    our hang-up could not end) pjsua is left to try once more, wait included."""
    accounts = list(accounts)
    registered = [a for a in accounts if _registered(a)]
    for account in registered:
        with contextlib.suppress(Exception):
            account.setRegistration(False)
    deadline = time.monotonic() + unregister_wait_s
    while registered and time.monotonic() < deadline:
        ep.libHandleEvents(10)
        registered = [a for a in registered if _registered(a)]
    for account in accounts:
        with contextlib.suppress(Exception):
            account.shutdown()
    ep.libDestroy(0 if calls_up else pj.PJSUA_DESTROY_NO_NETWORK)


def _registered(account: Any) -> bool:
    try:
        return bool(account.getInfo().regIsActive)
    except Exception:  # an account pjsua already let go of holds no registration
        return False
