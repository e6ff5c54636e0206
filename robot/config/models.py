"""Pydantic shapes of the files a person writes: `ringcheck.yaml` and the farm file.

These models only check shape and single values; cross-file rules (duplicates, references,
timezones, secrets in URLs) live in `project.py`, and the loaded result is made of domain
dataclasses, so nothing outside `robot/config` depends on pydantic.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from robot.config.hints import ENV_NAME
from robot.config.store_keys import StoreKeys
from robot.config.validate import HEADER_NAME_PATTERN
from robot.controlchars import first_control_char
from robot.domain.model import Attestation, DialerKind, Platform, Transport
from robot.screen.escalate import Escalation


def _env_name(value: str) -> str:
    # The value may be a pasted secret: never echo it back.
    if not ENV_NAME.match(value):
        raise ValueError(
            "must be the NAME of an environment variable (letters, digits, _), not the secret"
        )
    return value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _none_is_empty(value: Any) -> Any:
    # `trunks:` with every item commented out is an empty list, not an error.
    return [] if value is None else value


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def _plain_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError("use letters, digits, `-`, `_` or `.` (no spaces)")
    return value


def _single_line(value: str) -> str:
    # A line break in a SIP value would split the header it goes into (header injection).
    char = first_control_char(value)
    if char is not None:
        raise ValueError(f"control character {char} is not allowed here")
    return value


_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.?)+$"  # a DNS name
    r"|^\[?[0-9A-Fa-f:.]+\]?$"  # an IPv4 or IPv6 address
)


def _host(value: str) -> str:
    if len(value) > 253 or not _HOST.match(value):
        raise ValueError("is not a host name or IP address (letters, digits, `.` and `-`)")
    return value


_SIP_USER = re.compile(r"^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$")  # RFC 3261 user part, unescaped


def _sip_user(value: str) -> str:
    if not _SIP_USER.match(value):
        raise ValueError("is not a SIP user name (no spaces, `@`, `:` or control characters)")
    return value


def _ipv4(value: str) -> str:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise ValueError("is not an IPv4 address of this machine (e.g. 192.0.2.10)") from None
    if address.version != 4 or address.is_unspecified:
        raise ValueError("must be one IPv4 address of this machine (not 0.0.0.0, not IPv6)")
    return value


def _port_range(value: Any) -> Any:
    """`4000-4999` or `[4000, 4999]` -> (4000, 4999); RTP takes two ports a call."""
    if isinstance(value, str):
        low, dash, high = value.partition("-")
        if not dash or not low.strip().isdigit() or not high.strip().isdigit():
            raise ValueError("write a port range such as 40000-40999")
        value = (int(low), int(high))
    if isinstance(value, list | tuple) and len(value) == 2:
        low, high = value
        if not (isinstance(low, int) and isinstance(high, int)):
            raise ValueError("write a port range such as 40000-40999")
        if not 1024 <= low < high <= 65535:
            raise ValueError("ports from 1024 to 65535, the first below the last")
        return (low, high)
    raise ValueError("write a port range such as 40000-40999")


EnvName = Annotated[str, AfterValidator(_env_name)]
IPv4 = Annotated[str, AfterValidator(_ipv4)]
SingleLine = Annotated[str, AfterValidator(_single_line)]
Host = Annotated[str, AfterValidator(_host)]
SipUser = Annotated[str, AfterValidator(_sip_user)]
SipHeaderName = Annotated[str, Field(pattern=HEADER_NAME_PATTERN)]
PlainName = Annotated[str, AfterValidator(_plain_name)]
StrList = Annotated[list[str], BeforeValidator(_as_list)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class SigningModel(_Strict):
    """STIR/SHAKEN signing: the private key file, its certificate URL and attestation."""

    key_file: str = Field(min_length=1)
    x5u: str = Field(pattern=r"^https?://\S+$")
    attestation: Attestation = Attestation.A
    key_password_env: EnvName | None = None
    origid: SingleLine | None = None


class TrunkModel(_Strict):
    name: PlainName
    host: Host = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)
    transport: Transport = Transport.UDP
    auth_user: SipUser | None = None
    password_env: EnvName | None = None
    # `register` would shadow BaseModel.register, so the field is renamed behind an alias.
    register_: bool = Field(default=False, alias="register")
    from_display_name: SingleLine | None = Field(default=None, max_length=200)
    caller_id: Annotated[
        list[Literal["from", "pai"]], BeforeValidator(_as_list), Field(min_length=1)
    ] = ["from"]
    cps: float = Field(default=1.0, gt=0)
    max_concurrent_calls: int = Field(default=4, ge=1)
    tls_verify: bool = True
    headers: dict[SipHeaderName, SingleLine] = {}
    signing: SigningModel | None = None
    bind: IPv4 | None = None
    rtp_ports: Annotated[tuple[int, int], BeforeValidator(_port_range)] = (4000, 4999)
    ca_file: SingleLine | None = Field(default=None, min_length=1)
    client_cert_file: SingleLine | None = Field(default=None, min_length=1)
    client_key_file: SingleLine | None = Field(default=None, min_length=1)
    client_key_password_env: EnvName | None = None


class WebhookModel(_Strict):
    """A channel alerts go to; the URL (it embeds a token) is read from `url_env` when sent.
    `default: false` keeps a channel for the scenarios that name it."""

    kind: Literal["slack", "teams", "json"]
    url_env: EnvName
    name: PlainName | None = None
    default: bool = True


class AlertsModel(_Strict):
    webhooks: Annotated[list[WebhookModel], BeforeValidator(_none_is_empty)] = []
    confirm: int = Field(default=2, ge=1, le=20)


class ScreenModel(_Strict):
    """How screens are read. `escalate`: when lines Tesseract doubts (a name or number it
    read unsurely, every Chinese or Japanese line) are read again with the second OCR engine
    (RapidOCR, the `ocr-escalation` extra): `auto` when it is installed, `always` (a run does
    not start without it) or `never`."""

    escalate: Escalation = Escalation.AUTO


class ProjectModel(StoreKeys, _Strict):
    """`ringcheck.yaml`. Paths are relative to the project folder; the store and evidence
    keys come from `StoreKeys`, which commands that only read results use alone."""

    timezone: str = "UTC"
    trunks: Annotated[list[TrunkModel], BeforeValidator(_none_is_empty)] = []
    numbers: StrList | None = None
    farm: str | None = None
    alerts: AlertsModel = AlertsModel()
    # Where people reach this robot's evidence (the web console): alerts link
    # `{public_url}/attempts/{id}`; without it they say where the files are on this host.
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/\S*)?$")
    screen: ScreenModel = ScreenModel()
    sim: dict[str, Any] | None = None


class CarrierModel(_Strict):
    name: PlainName
    display_name: str | None = None
    # the carrier's own spam-filter apps (Android packages) whose versions and overlays are
    # recorded with each call; default: `carrier_apps` of dialers.yaml under this carrier id
    spam_apps: StrList | None = None


class HandsetModel(_Strict):
    id: PlainName
    platform: Platform
    carrier: str = Field(min_length=1)
    msisdn: str
    dialer: DialerKind | None = None
    model: str = ""
    os_version: str = ""
    locale: str = Field(default="en-US", pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
    appium_url: str = Field(default="http://127.0.0.1:4723", pattern=r"^https?://\S+$")
    capabilities: dict[str, Any] = {}
    tags: StrList = []
    enabled: bool = True


class SiteModel(_Strict):
    """A place the farm is split into: its handsets (by id) and the trunks it dials from."""

    name: PlainName
    handsets: StrList = []
    trunks: StrList = []


class FarmModel(_Strict):
    """The farm file: the carriers handsets may name, the handsets, and the sites."""

    carriers: list[CarrierModel] | None = None
    handsets: Annotated[list[HandsetModel], BeforeValidator(_none_is_empty)] = []
    sites: Annotated[list[SiteModel], BeforeValidator(_none_is_empty)] = []
