"""Which local address a call binds to: the one that reaches its trunk, and no other.

A test robot sits on an office or lab network; its SIP and RTP sockets must not listen on
every interface (`0.0.0.0`) for anyone to probe. A trunk may name its address (`bind:`);
otherwise the kernel is asked which interface routes to the trunk host (a UDP `connect`
sends nothing), so a trunk on 127.0.0.1 gets loopback sockets and a carrier's SBC the LAN or
VPN address that reaches it.
"""

from __future__ import annotations

import functools
import ipaddress
import socket

from robot.errors import DialError


def local_address_for(host: str, port: int, bind: str | None = None) -> str:
    """The IPv4 address to bind for calls to `host:port` (`bind` when the trunk names it)."""
    if bind:
        return bind
    return _routed(host.strip("[]"), port)


@functools.lru_cache(maxsize=256)
def _routed(host: str, port: int) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and address.version == 6:
        raise DialError(f"{host}: IPv6 trunks are not supported yet; give an IPv4 address")
    try:
        infos = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_DGRAM)
    except (OSError, UnicodeError) as exc:
        raise DialError(f"cannot resolve the SIP host {host!r}: {exc}") from None
    target = infos[0][4]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(target)  # picks a route; no packet is sent
        except OSError as exc:
            raise DialError(f"no route to the SIP host {host} ({exc.strerror})") from None
        local = str(probe.getsockname()[0])
    if local == "0.0.0.0":
        raise DialError(f"no local address reaches the SIP host {host}")
    return local
