"""Serving the console with uvicorn on a thread of the process (next to the scheduler).

The socket is bound here first, so a port in use or a host that is not ours is one clear
error, and `:0` gives a free port whose number we know. Loopback (127.0.0.1:8750) is the
default; another address only when asked, with a warning when it is plain HTTP.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from robot.errors import UsageError

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
DEFAULT_ADDRESS = f"{DEFAULT_HOST}:{DEFAULT_PORT}"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def url(self, scheme: str = "http") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"


def require_web() -> None:
    """The console needs the `web` extra; without it, say how to get it."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            f"the web console needs {exc.name or 'FastAPI and uvicorn'}: "
            "pip install 'ringcheck[web]' (or '.[all]' in a checkout)"
        ) from None


def parse_address(text: str) -> Address:
    """`HOST:PORT`, `:PORT`, `PORT` or `HOST` (port 8750); `[::1]:8750` for IPv6."""
    raw = text.strip()
    host, port_text = DEFAULT_HOST, str(DEFAULT_PORT)
    if raw.startswith("["):
        inside, _, rest = raw[1:].partition("]")
        host, port_text = inside, rest.lstrip(":") or port_text
    elif raw.isdigit():
        port_text = raw
    elif raw.count(":") == 1:
        host_part, port_text = raw.split(":")
        host = host_part or DEFAULT_HOST
    elif raw:
        host = raw
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535 or not host:
        raise UsageError(
            f"--web {text!r}: expected HOST:PORT such as {DEFAULT_ADDRESS}, :8080 or 0.0.0.0:8750"
        )
    return Address(host, port)


class WebServer:
    """uvicorn serving `app` on its own thread until `stop()`."""

    def __init__(
        self,
        app: object,
        address: Address,
        *,
        certfile: Path | None = None,
        keyfile: Path | None = None,
    ) -> None:
        import uvicorn

        self.address = address
        self._tls = certfile is not None
        self._sock = _bind(address)
        bound = Address(address.host, int(self._sock.getsockname()[1]))
        self.address = bound
        config = uvicorn.Config(
            app,  # type: ignore[arg-type]
            log_level="warning",
            access_log=False,
            proxy_headers=True,  # X-Forwarded-Proto from a local TLS proxy makes cookies Secure
            forwarded_allow_ips="127.0.0.1",
            ssl_certfile=str(certfile) if certfile else None,
            ssl_keyfile=str(keyfile) if keyfile else None,
            timeout_graceful_shutdown=5,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, name="web-console", daemon=True)
        self._failure: BaseException | None = None

    @property
    def url(self) -> str:
        return self.address.url("https" if self._tls else "http")

    def _serve(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # SystemExit from uvicorn on a bad TLS file, etc.
            self._failure = exc

    def start(self) -> WebServer:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._sock.close()
                why = f": {self._failure}" if self._failure else ""
                raise UsageError(f"the web console could not start on {self.url}{why}")
            time.sleep(0.02)
        if not self.address.loopback and not self._tls:
            log.warning(
                "the console listens on %s over plain HTTP: put it behind a TLS proxy (and set "
                "public_url to its https:// address) or pass --web-cert/--web-key",
                self.url,
            )
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(STOP_TIMEOUT_S)
        self._sock.close()


def _bind(address: Address) -> socket.socket:
    family = socket.AF_INET6 if ":" in address.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((address.host, address.port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"--web {address.host}:{address.port}: cannot listen there ({exc.strerror or exc}); "
            "choose another port (e.g. --web 127.0.0.1:0 for any free one)"
        ) from None
    sock.set_inheritable(True)
    return sock
