"""How a request becomes what a worker process executes (`robot.sip.wire`).

The worker knows nothing about trunks, numbers or signing: the parent turns a `DialRequest`
into a `CallSpec` (request URI, From, headers, credentials) so the native stack only
executes it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from robot.domain.model import Transport, Trunk
from robot.errors import ConfigError, UsageError
from robot.sip.route import local_address_for
from robot.sip.wire import AccountSpec, CallSpec, LocalSide, TlsSpec

if TYPE_CHECKING:  # requests are built in the parent: SIP workers never import the ports
    from robot.ports import DialRequest

E164_RE = re.compile(r"^\+[1-9]\d{1,14}$")
_URI_TRANSPORT_RE = re.compile(r";transport=(udp|tcp|tls)\b", re.IGNORECASE)
_HEADER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
_OWNED_HEADERS = frozenset(
    {"from", "to", "call-id", "cseq", "via", "contact", "content-length", "max-forwards"}
)
URI_PASSWORD_ENV = "RINGCHECK_SIP_PASSWORD"


def with_local_address(spec: CallSpec) -> CallSpec:
    """`spec` with its local address decided (asks the routing table; may raise DialError)."""
    if spec.local.address is not None:
        return spec
    host, port = spec.local.peer
    local = dataclasses.replace(spec.local, address=local_address_for(host, port))
    return dataclasses.replace(spec, local=local)


def uri_transport(uri: str) -> Transport:
    match = _URI_TRANSPORT_RE.search(uri)
    if match:
        return Transport(match.group(1).lower())
    return Transport.TLS if uri.lower().startswith("sips:") else Transport.UDP


def _uri_hostport(uri: str) -> str:
    rest = uri.split(":", 1)[1] if ":" in uri else uri
    hostport = rest.split("@", 1)[-1]
    return re.split(r"[;>?]", hostport, maxsplit=1)[0]


def _uri_host(uri: str) -> str:
    host = _uri_hostport(uri)
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _uri_port(uri: str) -> int:
    """The port of a SIP URI, or the default of its transport (5061 for TLS, else 5060)."""
    hostport = _uri_hostport(uri)
    tail = hostport.rsplit("]", 1)[-1] if hostport.startswith("[") else hostport
    if tail.count(":") == 1 and tail.rsplit(":", 1)[1].isdigit():
        port = int(tail.rsplit(":", 1)[1])
        if 1 <= port <= 65535:
            return port
    return 5061 if uri_transport(uri) is Transport.TLS else 5060


def uri_user(uri: str) -> str | None:
    """The user part of a SIP URI (a number when the target is a phone)."""
    rest = uri.split(":", 1)[1] if ":" in uri else uri
    return rest.split("@", 1)[0].split(";")[0] if "@" in rest else None


def check_header(name: str, value: str) -> tuple[str, str]:
    if not _HEADER_NAME_RE.match(name) or name.lower() in _OWNED_HEADERS:
        raise UsageError(
            f"header {name!r} cannot be added (not a header name, or set by the stack)"
        )
    if "\r" in value or "\n" in value:
        raise UsageError(f"header {name!r} has a line break in its value")
    return name, value


def build_spec(
    request: DialRequest, *, identity: str | None, environ: Mapping[str, str]
) -> CallSpec:
    """Turn a request into the INVITE to send: target URI, From, PAI, extra headers, auth."""
    trunk = request.trunk
    if trunk is None:
        if not request.to.lower().startswith(("sip:", "sips:")):
            raise UsageError(f"{request.to!r} needs a trunk (or give a sip: URI)")
        return _direct_spec(request, identity=identity, environ=environ)
    if request.to.lower().startswith(("sip:", "sips:")):
        uri = request.to
        transport = uri_transport(uri)
    else:
        if not E164_RE.match(request.to):
            raise UsageError(f"{request.to!r} is not an E.164 number (like +15550100)")
        transport = trunk.transport
        uri = f"sip:{request.to}@{trunk.host}:{trunk.port};transport={transport.value}"
    headers = list(_caller_id_headers(request, trunk))
    headers += [check_header(n, v) for n, v in (*trunk.extra_headers, *request.headers)]
    if identity:
        headers.append(("Identity", identity))
    user = request.auth_user or trunk.auth_user
    password = _password(trunk.password_env, environ, f"trunk {trunk.name}") if user else None
    registrar = None
    if trunk.register:
        registrar = f"sip:{trunk.host}:{trunk.port};transport={trunk.transport.value}"
    scheme = "sips" if uri.lower().startswith("sips:") else "sip"
    account = AccountSpec(
        key=f"trunk:{trunk.name}:{user}:{scheme}",
        id_uri=f"{scheme}:{user or 'ringcheck'}@{trunk.host}",
        auth_user=user,
        password=password,
        registrar=registrar,
    )
    port = _uri_port(uri) if request.to.lower().startswith(("sip:", "sips:")) else trunk.port
    local = LocalSide(trunk.bind, trunk.rtp_ports, (_uri_host(uri).strip("[]"), port))
    return CallSpec(
        uri=uri,
        local_uri=_local_uri(request, trunk, scheme),
        transport=transport.value,
        account=account,
        local=local,
        headers=tuple(headers),
        ring_timeout_s=request.ring_timeout_s,
        max_duration_s=request.max_duration_s,
        tls=_tls(trunk, environ),
    )


def _tls(trunk: Trunk, environ: Mapping[str, str]) -> TlsSpec:
    password = None
    if trunk.client_key_password_env:
        password = _password(
            trunk.client_key_password_env, environ, f"the TLS client key of trunk {trunk.name}"
        )
    return TlsSpec(
        verify=trunk.tls_verify,
        ca_file=trunk.ca_file,
        cert_file=trunk.client_cert_file,
        key_file=trunk.client_key_file,
        key_password=password,
    )


def _direct_spec(
    request: DialRequest, *, identity: str | None, environ: Mapping[str, str]
) -> CallSpec:
    host = _uri_host(request.to)
    headers = [check_header(n, v) for n, v in request.headers]
    if identity:
        headers.append(("Identity", identity))
    user = request.auth_user
    password = _password(URI_PASSWORD_ENV, environ, "--auth-user") if user else None
    scheme = "sips" if request.to.lower().startswith("sips:") else "sip"
    account = AccountSpec(
        key=f"direct:{host}:{user}:{scheme}",
        id_uri=f"{scheme}:{user or 'ringcheck'}@{host}",
        auth_user=user,
        password=password,
    )
    local_uri = f"<{scheme}:{request.from_number}@{host}>"
    local = LocalSide(peer=(host.strip("[]"), _uri_port(request.to)))
    return CallSpec(
        uri=request.to,
        local_uri=local_uri,
        transport=uri_transport(request.to).value,
        account=account,
        local=local,
        headers=tuple(headers),
        ring_timeout_s=request.ring_timeout_s,
        max_duration_s=request.max_duration_s,
    )


def _local_uri(request: DialRequest, trunk: Trunk, scheme: str = "sip") -> str:
    if not trunk.caller_id_in_from:
        return '"Anonymous" <sip:anonymous@anonymous.invalid>'
    uri = f"<{scheme}:{request.from_number}@{trunk.host}>"
    if trunk.from_display_name:
        name = trunk.from_display_name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{name}" {uri}'
    return uri


def _caller_id_headers(request: DialRequest, trunk: Trunk) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    if trunk.caller_id_in_pai:
        headers.append(("P-Asserted-Identity", f"<sip:{request.from_number}@{trunk.host}>"))
    if not trunk.caller_id_in_from:
        headers.append(("Privacy", "id" if trunk.caller_id_in_pai else "user"))
    return headers


def _password(env_name: str | None, environ: Mapping[str, str], what: str) -> str:
    if not env_name:
        raise ConfigError(f"{what} has an auth user but no password_env naming its password")
    if env_name not in environ:
        raise ConfigError(f"environment variable {env_name} (SIP password for {what}) is not set")
    return environ[env_name]
