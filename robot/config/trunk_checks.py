"""Checks of a trunk's network side that need more than its own values: TLS files on disk, a
`bind:` address that is this machine's, an RTP range wide enough, a signing trunk on UDP.

Wrong values that make every call fail are errors with their line; choices that work on the
lab's loopback but will hurt on a real network are notes `config check` prints.
"""

from __future__ import annotations

import socket
from pathlib import Path

from robot.config.models import TrunkModel
from robot.config.yamlsrc import Loc, YamlDoc, display_path
from robot.domain.model import Transport

SIGNED_INVITE_BYTES = 2100
"""A signed INVITE (SDP, PAI, Identity with its PASSporT) is about this size."""
_TLS_FILES = ("ca_file", "client_cert_file", "client_key_file")


def check_trunk_network(
    spec: TrunkModel, doc: YamlDoc, loc: Loc, root: Path, notes: list[str]
) -> dict[str, str | None]:
    """Raise on what cannot work; add notes; return the TLS files as absolute paths."""
    files = _tls_files(spec, doc, loc, root)
    if spec.bind is not None and not _is_local(spec.bind):
        notes.append(
            f"trunk {spec.name}: bind address {spec.bind} is not an address of this machine"
            " (calls will fail to start here)"
        )
    low, high = spec.rtp_ports
    if (high - low + 1) < 2 * spec.max_concurrent_calls:
        raise doc.error(
            (*loc, "rtp_ports"),
            f"{low}-{high} holds {high - low + 1} ports; {spec.max_concurrent_calls} calls at"
            f" once need {2 * spec.max_concurrent_calls} (RTP and RTCP each)",
            "widen the range or lower max_concurrent_calls",
        )
    if spec.signing is not None and spec.transport is Transport.UDP:
        notes.append(
            f"trunk {spec.name}: signs calls over UDP; a signed INVITE is about"
            f" {SIGNED_INVITE_BYTES:,} bytes and gets fragmented on real networks, where"
            " fragments are often dropped (use transport: tcp or tls)"
        )
    return files


def _tls_files(spec: TrunkModel, doc: YamlDoc, loc: Loc, root: Path) -> dict[str, str | None]:
    given = {key: getattr(spec, key) for key in _TLS_FILES}
    if spec.transport is not Transport.TLS:
        for key, value in given.items():
            if value is not None:
                raise doc.error(
                    (*loc, key), f"`{key}` is for TLS trunks", "set transport: tls, or remove it"
                )
        return dict.fromkeys(_TLS_FILES)
    if (given["client_cert_file"] is None) != (given["client_key_file"] is None):
        missing = "client_key_file" if given["client_key_file"] is None else "client_cert_file"
        raise doc.error(
            (*loc, missing),
            "a client certificate needs its key (mutual TLS)",
            "give both client_cert_file and client_key_file",
        )
    resolved: dict[str, str | None] = {}
    for key, value in given.items():
        if value is None:
            resolved[key] = None
            continue
        path = Path(value).expanduser()
        path = path if path.is_absolute() else root / path
        if not path.is_file():
            raise doc.error(
                (*loc, key),
                f"{display_path(path)} not found",
                "check the path; it is relative to the project folder",
            )
        resolved[key] = str(path.resolve())
    return resolved


def _is_local(address: str) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((address, 0))
        except OSError:
            return False
    return True
