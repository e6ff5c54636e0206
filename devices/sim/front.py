"""A carrier's public SIP port when it needs more than one pjsua2 process.

The wheel allows 4 calls per process, so a carrier with many handsets runs several worker
processes, each owning a share of the handsets, behind this small stateless proxy on the
carrier's one public port (UDP and TCP). Requests are routed by Call-ID (known dialogs) or by
the called number (new INVITEs) to the worker owning that handset; the proxy adds its own Via
(and a Record-Route on INVITE, so in-dialog requests come back through it) and strips them from
what comes back. Responses retrace the Via path; TCP callers get theirs on their connection.
"""

from __future__ import annotations

import hashlib
import logging
import re
import selectors
import socket
import threading
import time
from dataclasses import dataclass, field

from devices.sim.policy import number_of

log = logging.getLogger(__name__)
_MAX_UDP = 65_535
_DIALOG_TTL_S = 120.0
_HEADER_END = b"\r\n\r\n"
_CONTENT_LENGTH = re.compile(rb"^(?:content-length|l)\s*:\s*(\d+)\s*$", re.I | re.M)
_VIA_ADDR = re.compile(r"SIP/2\.0/(\w+)\s+([^;:\s]+)(?::(\d+))?", re.I)


@dataclass
class _Client:
    """Where a caller's messages come from: a UDP address or a TCP connection."""

    udp: tuple[str, int] | None = None
    tcp: socket.socket | None = None


@dataclass
class _Route:
    worker: int
    client: _Client
    seen: float = field(default_factory=time.monotonic)


def split_stream(buffer: bytearray) -> list[bytes]:
    """Whole SIP messages off the front of a TCP buffer (framed by Content-Length)."""
    messages: list[bytes] = []
    while True:
        end = buffer.find(_HEADER_END)
        if end < 0:
            return messages
        found = _CONTENT_LENGTH.search(bytes(buffer[:end]))
        total = end + 4 + (int(found.group(1)) if found else 0)
        if len(buffer) < total:
            return messages
        messages.append(bytes(buffer[:total]))
        del buffer[:total]


def _headers(message: bytes) -> tuple[str, list[str], bytes]:
    head, _, body = message.partition(_HEADER_END)
    lines = head.decode("utf-8", "replace").split("\r\n")
    return lines[0], lines[1:], body


def _first(lines: list[str], *names: str) -> str | None:
    for line in lines:
        name, _, value = line.partition(":")
        if name.strip().lower() in names:
            return value.strip()
    return None


class SipFront:
    """The proxy; `workers` are the workers' UDP addresses, `owner(msisdn)` their share."""

    def __init__(self, host: str, port: int, workers: list[tuple[str, int]],
                 owner: dict[str, int]) -> None:
        self.workers = workers
        self.owner = owner
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((host, port))
        self.port = int(self.udp.getsockname()[1])
        self.host = host
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((host, self.port))
        self.tcp.listen(64)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.udp, selectors.EVENT_READ, "udp")
        self.selector.register(self.tcp, selectors.EVENT_READ, "accept")
        self.dialogs: dict[str, _Route] = {}
        self.branches: dict[str, _Client] = {}
        self.buffers: dict[socket.socket, bytearray] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"sip-front-{self.port}",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        self.selector.close()

    # --- I/O ------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            for key, _ in self.selector.select(timeout=0.2):
                try:
                    self._ready(key)
                except OSError as exc:
                    log.debug("sip front %s: %s", self.port, exc)
            self._expire()

    def _ready(self, key: selectors.SelectorKey) -> None:
        if key.data == "udp":
            data, addr = self.udp.recvfrom(_MAX_UDP)
            self._message(data, _Client(udp=(str(addr[0]), int(addr[1]))))
        elif key.data == "accept":
            conn, _ = self.tcp.accept()
            conn.setblocking(True)
            self.buffers[conn] = bytearray()
            self.selector.register(conn, selectors.EVENT_READ, "tcp")
        else:
            stream = key.fileobj
            assert isinstance(stream, socket.socket)
            data = stream.recv(_MAX_UDP)
            if not data:
                self.selector.unregister(stream)
                self.buffers.pop(stream, None)
                stream.close()
                return
            buffer = self.buffers[stream]
            buffer.extend(data)
            for message in split_stream(buffer):
                self._message(message, _Client(tcp=stream))

    def _send(self, client: _Client, data: bytes) -> None:
        if client.tcp is not None:
            client.tcp.sendall(data)
        elif client.udp is not None:
            self.udp.sendto(data, client.udp)

    def _expire(self) -> None:
        now = time.monotonic()
        for call_id in [c for c, r in self.dialogs.items() if now - r.seen > _DIALOG_TTL_S]:
            del self.dialogs[call_id]
        if len(self.branches) > 10_000:
            self.branches.clear()

    # --- routing ----------------------------------------------------------------------------

    def _message(self, data: bytes, source: _Client) -> None:
        start, lines, body = _headers(data)
        from_worker = source.udp in self.workers
        if start.startswith("SIP/2.0"):
            self._response(start, lines, body)
        elif from_worker:
            self._request_from_worker(start, lines, body, source)
        else:
            self._request_from_caller(start, lines, body, source)

    def _our_via(self, top_branch: str, transport: str = "UDP") -> tuple[str, str]:
        branch = "z9hG4bK-rcf" + hashlib.sha1(top_branch.encode()).hexdigest()[:20]
        return branch, f"Via: SIP/2.0/{transport} {self.host}:{self.port};branch={branch};rport"

    def _request_from_caller(self, start: str, lines: list[str], body: bytes,
                             source: _Client) -> None:
        call_id = _first(lines, "call-id", "i") or ""
        route = self.dialogs.get(call_id)
        if route is None:
            callee = number_of(_first(lines, "to", "t")) or number_of(start) or ""
            route = _Route(self.owner.get(callee, 0), source)
            self.dialogs[call_id] = route
        route.seen = time.monotonic()
        route.client = source
        via = _first(lines, "via", "v") or ""
        branch, our_via = self._our_via(via + call_id)
        self.branches[branch] = source
        kept = [line for line in lines if not self._is_our_route(line)]
        extra = [our_via]
        if start.upper().startswith("INVITE "):
            # double Record-Route: the worker (first entry) reaches us over UDP, the caller
            # (last entry, its route set is reversed) over the transport it used
            transport = "tcp" if source.tcp is not None else "udp"
            extra.append(f"Record-Route: <sip:{self.host}:{self.port};lr;transport=udp>")
            extra.append(f"Record-Route: <sip:{self.host}:{self.port};lr;transport={transport}>")
        self.udp.sendto(_build(start, extra + kept, body), self.workers[route.worker])

    def _request_from_worker(self, start: str, lines: list[str], body: bytes,
                             source: _Client) -> None:
        """A worker's in-dialog request (BYE of a voicemail): to the caller's connection."""
        call_id = _first(lines, "call-id", "i") or ""
        route = self.dialogs.get(call_id)
        if route is None:
            return
        via = _first(lines, "via", "v") or ""
        transport = "TCP" if route.client.tcp is not None else "UDP"
        branch, our_via = self._our_via(via + call_id + "w", transport)
        self.branches[branch] = source
        kept = [line for line in lines if not self._is_our_route(line)]
        self._send(route.client, _build(start, [our_via, *kept], body))

    def _response(self, start: str, lines: list[str], body: bytes) -> None:
        """Pop our Via; the response goes to whoever sent us the request."""
        vias = [i for i, line in enumerate(lines) if line.split(":", 1)[0].strip().lower()
                in ("via", "v")]
        if not vias:
            return
        top = lines[vias[0]]
        found = re.search(r"branch=([^;\s,]+)", top)
        client = self.branches.get(found.group(1)) if found else None
        if client is None:
            return
        rest = lines[: vias[0]] + lines[vias[0] + 1 :]
        self._send(client, _build(start, rest, body))

    def _is_our_route(self, line: str) -> bool:
        name, _, value = line.partition(":")
        return name.strip().lower() == "route" and f"{self.host}:{self.port}" in value


def _build(start: str, lines: list[str], body: bytes) -> bytes:
    return ("\r\n".join([start, *lines]) + "\r\n\r\n").encode() + body
