"""The HTTP layer of the virtual farm's endpoint: JSON in, JSON out, W3C error shapes, on a
stdlib `ThreadingHTTPServer` (one thread per connection; the Appium client keeps connections
alive). Routing and behaviour live in `devices.sim.webdriver.WebDriverApp`.
"""

from __future__ import annotations

import json
import logging
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from devices.sim.webdriver import STATUS, W3CError, WebDriverApp

log = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; on a kept-alive connection Nagle's algorithm held
    # the body until the client's delayed ACK, 40 ms on every command (Appium's own server
    # sends at once). The robot's time per handset command was mostly this wait.
    disable_nagle_algorithm = True
    server: WebDriverServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("webdriver: " + format, *args)

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        body: Any = None
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                self._reply(400, {"value": {"error": "invalid argument",
                                            "message": "the body is not JSON", "stacktrace": ""}})
                return
        try:
            value = self.server.app.dispatch(method, parts.path, body, parse_qs(parts.query))
            if parts.path.startswith("/sim/"):  # ground truth is plain JSON, not W3C-wrapped
                self._reply(200, value)
            else:
                self._reply(200, {"value": value, **self._sid(parts.path)})
        except W3CError as exc:
            self._reply(STATUS.get(exc.error, 500),
                        {"value": {"error": exc.error, "message": exc.message, "stacktrace": ""}})
        except Exception as exc:  # a bug of ours: still a W3C error, and logged
            log.exception("webdriver %s %s failed", method, self.path)
            self._reply(500, {"value": {"error": "unknown error", "message": str(exc),
                                        "stacktrace": ""}})

    @staticmethod
    def _sid(path: str) -> dict[str, str]:
        found = re.match(r"^(?:/wd/hub)?/session/([^/]+)", path)
        return {"sessionId": found.group(1)} if found else {}

    def _reply(self, code: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")


class WebDriverServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: WebDriverApp, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.app = app

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"
