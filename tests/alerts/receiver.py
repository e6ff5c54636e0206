"""A real webhook receiver on 127.0.0.1 for alert tests: it answers with the statuses it is
told to, or holds a request open until the test releases it (a receiver that never answers)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "T0KEN-s3cret-9f8e7d"


@dataclass
class Received:
    body: dict[str, Any]
    headers: dict[str, str]
    path: str


@dataclass
class Receiver:
    """`statuses` are answered in turn (then 200); with `hold`, every request waits for
    `release` before it is answered."""

    statuses: list[int] = field(default_factory=list)
    hold: bool = False
    received: list[Received] = field(default_factory=list)
    tries: int = 0
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        receiver = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with lock:
                    receiver.tries += 1
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                if receiver.hold:
                    receiver.holding.set()
                    receiver.release.wait(60)
                if 200 <= status < 300:
                    with lock:
                        receiver.received.append(Received(body, dict(self.headers), self.path))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/{TOKEN}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiving(**kw: Any) -> Iterator[Receiver]:
    receiver = Receiver(**kw)
    try:
        yield receiver
    finally:
        receiver.close()
