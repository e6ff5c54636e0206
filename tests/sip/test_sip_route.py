"""Which local address a call binds to (issue 17, item 1): the trunk's `bind:` when it names
one, else the address of the interface that routes to the trunk host, asked of the kernel:
loopback for a loopback trunk, a real interface for a remote one, never every interface."""

from __future__ import annotations

import socket

import pytest

from robot.errors import DialError
from robot.sip.route import local_address_for


def test_a_named_bind_address_wins() -> None:
    assert local_address_for("203.0.113.9", 5060, bind="10.1.2.3") == "10.1.2.3"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[127.0.0.1]", "127.0.0.2"])
def test_a_loopback_trunk_gets_loopback(host: str) -> None:
    assert local_address_for(host, 5060) == "127.0.0.1"


def test_a_remote_trunk_gets_the_interface_that_reaches_it() -> None:
    try:
        local = local_address_for("198.51.100.7", 5061)
    except DialError as exc:  # a machine without a default route says so, naming the host
        assert "no route to the SIP host 198.51.100.7" in str(exc)
        return
    assert local not in ("0.0.0.0", "127.0.0.1")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((local, 0))  # an address of this machine: binding elsewhere would fail


@pytest.mark.parametrize(
    ("host", "words"),
    [("::1", "IPv6 trunks are not supported"), ("no-such-host.invalid", "cannot resolve")],
)
def test_hosts_that_cannot_be_bound_for_are_a_dial_error(host: str, words: str) -> None:
    with pytest.raises(DialError, match=words):
        local_address_for(host, 5060)
