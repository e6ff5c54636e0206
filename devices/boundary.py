"""Where Appium, Selenium, urllib3 and httpx exceptions become our `DeviceError`.

Adapters must not leak library exceptions: the engine only knows `DeviceError`, and a person
reading a `device_error` attempt needs the handset, the action and the cause in one line.
`session_lost()` decides which failures are worth one new session (the server restarted, the
session timed out or was deleted) and which are not (a slow screenshot, a refused command).
"""

from __future__ import annotations

import http.client
import socket

import httpx
import urllib3.exceptions
from selenium.common import exceptions as se

from robot.errors import DeviceError

_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    urllib3.exceptions.NewConnectionError,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.MaxRetryError,
    http.client.RemoteDisconnected,
    ConnectionError,
)
_TIMEOUTS: tuple[type[BaseException], ...] = (
    urllib3.exceptions.TimeoutError,
    socket.timeout,
    TimeoutError,
    httpx.TimeoutException,
)


def _timed_out(exc: BaseException) -> bool:
    # urllib3's NewConnectionError subclasses ConnectTimeoutError, but a refused connection is
    # a server that is down, not a slow one.
    return isinstance(exc, _TIMEOUTS) and not isinstance(exc, urllib3.exceptions.NewConnectionError)


def session_lost(exc: BaseException) -> bool:
    """True when a new session might help: the old one is gone or the connection broke."""
    if _timed_out(exc):
        return False
    if isinstance(exc, se.InvalidSessionIdException | se.NoSuchDriverException):
        return True
    if isinstance(exc, se.WebDriverException) and "session" in (exc.msg or "").lower():
        return "not found" in (exc.msg or "").lower() or "terminated" in (exc.msg or "").lower()
    return isinstance(exc, _CONNECTION_ERRORS)


def cause(exc: BaseException) -> str:
    """A one-line description of a library failure, without stack traces or server logs."""
    if _timed_out(exc):
        return f"no answer in time ({type(exc).__name__})"
    if isinstance(exc, se.StaleElementReferenceException):
        return "the element went stale (the screen changed under us)"
    if isinstance(exc, se.InvalidSessionIdException | se.NoSuchDriverException):
        return "the Appium session was lost"
    if isinstance(exc, se.WebDriverException):
        text = (exc.msg or type(exc).__name__).strip().splitlines()
        return text[0][:300] if text else type(exc).__name__
    if isinstance(exc, _CONNECTION_ERRORS):
        return f"connection to the Appium server failed ({type(exc).__name__})"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}".rstrip(
        ": "
    )


def device_error(
    handset_id: str, action: str, exc: BaseException, *, retried: bool = False
) -> DeviceError:
    """Our error for a failed handset action; pass-through when it already is one."""
    if isinstance(exc, DeviceError):
        return exc
    after = " (also after a new session)" if retried else ""
    return DeviceError(f"handset {handset_id}: {action} failed{after}: {cause(exc)}")
