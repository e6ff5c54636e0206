"""What crosses the process boundary between the dialer and its SIP workers.

Small frozen dataclasses of plain values (no domain types), so that a worker unpickling
them imports this module and nothing else of the robot: the parent turns a `DialRequest`
into a `CallSpec` (`robot.sip.protocol`), the worker only executes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_RTP_PORTS = (4000, 4999)
"""Where RTP/RTCP go when a trunk names no range (two ports a call, from the bottom up)."""


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """A pjsua account: one per trunk (or per direct target host), reused by its calls."""

    key: str
    id_uri: str
    auth_user: str | None = None
    password: str | None = field(default=None, repr=False)
    registrar: str | None = None


@dataclass(frozen=True, slots=True)
class LocalSide:
    """Where a call's sockets live: the SIP transport and RTP bind `address` only (never
    every interface), RTP/RTCP take ports from `rtp_ports`. `address` None: the one that
    routes to `peer`, found by `with_local_address` when the call is placed."""

    address: str | None = None
    rtp_ports: tuple[int, int] = DEFAULT_RTP_PORTS
    peer: tuple[str, int] = ("127.0.0.1", 5060)


@dataclass(frozen=True, slots=True)
class TlsSpec:
    """How a TLS transport checks the peer and presents itself (mutual TLS)."""

    verify: bool = True
    ca_file: str | None = None  # None: the system CA bundle
    cert_file: str | None = None
    key_file: str | None = None
    key_password: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class CallSpec:
    """Everything the worker needs to place one INVITE."""

    uri: str
    local_uri: str
    transport: str
    """A `Transport` value ("udp", "tcp", "tls"): text, so that unpickling a spec does not
    import the domain model into a worker."""
    account: AccountSpec
    local: LocalSide
    headers: tuple[tuple[str, str], ...] = ()
    ring_timeout_s: float = 30.0
    max_duration_s: float = 60.0
    tls: TlsSpec = TlsSpec()


@dataclass(frozen=True, slots=True)
class CallReport:
    """What the worker saw of one call once it is over (parsed further by the parent)."""

    call_id: str
    final_code: int | None = None
    final_phrase: str | None = None
    final_raw: str | None = None
    answered: bool = False
    cancelled_by_us: bool = False
    transport: str | None = None
    duration_ms: float = 0.0
    malformed: str | None = None
    error: str | None = None
    trace: str = ""


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    max_calls: int = 4
    log_level: int = 4
    hangup_grace_s: float = 8.0
    user_agent: str = "ringcheck"
