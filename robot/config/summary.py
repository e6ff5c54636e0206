"""Plain-data views of a loaded project, for `--json` output and tables.

Only names of environment variables appear here, with whether they are set; never values.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from robot.config.project import Project
from robot.config.yamlsrc import display_path
from robot.domain.model import Direction, Handset, Number, Platform, Trunk


def trunk_dict(trunk: Trunk) -> dict[str, Any]:
    signing = trunk.signing
    return {
        "name": trunk.name,
        "host": trunk.host,
        "port": trunk.port,
        "transport": trunk.transport.value,
        "auth_user": trunk.auth_user,
        "password_env": trunk.password_env,
        "password_set": bool(trunk.password_env and os.environ.get(trunk.password_env)),
        "register": trunk.register,
        "from_display_name": trunk.from_display_name,
        "caller_id": caller_id_text(trunk),
        "cps": trunk.cps,
        "max_concurrent_calls": trunk.max_concurrent_calls,
        "tls_verify": trunk.tls_verify,
        "bind": trunk.bind,
        "rtp_ports": list(trunk.rtp_ports),
        "ca_file": trunk.ca_file,
        "client_cert_file": trunk.client_cert_file,
        "client_key_file": trunk.client_key_file,
        "client_key_password_env": trunk.client_key_password_env,
        "headers": dict(trunk.extra_headers),
        "signing": None
        if signing is None
        else {
            "key_file": signing.key_file,
            "key_password_env": signing.key_password_env,
            "x5u": signing.x5u,
            "attestation": signing.attestation.value,
        },
    }


def caller_id_text(trunk: Trunk) -> str:
    parts = [
        n for n, on in (("From", trunk.caller_id_in_from), ("PAI", trunk.caller_id_in_pai)) if on
    ]
    return "+".join(parts)


def number_dict(number: Number, source: str | None = None) -> dict[str, Any]:
    return {
        "number": number.e164,
        "name": number.expected_name,
        "direction": number.direction.value,
        "trunk": number.trunk,
        "tags": list(number.tags),
        "source": source,
    }


def handset_dict(handset: Handset) -> dict[str, Any]:
    return {
        "id": handset.id,
        "platform": handset.platform.value,
        "model": handset.model,
        "os_version": handset.os_version,
        "dialer": handset.dialer.value,
        "carrier": handset.carrier,
        "locale": handset.locale,
        "msisdn": handset.msisdn,
        "appium_url": handset.appium_url,
        "capabilities": dict(handset.capabilities),
        "tags": list(handset.tags),
        "enabled": handset.enabled,
    }


def numbers_by_trunk(project: Project) -> dict[str, dict[str, int]]:
    """{trunk or "(default)": {direction: count}}. Counted by (trunk, direction) first: a
    million numbers cost one tuple each, not a fresh row of counters each (3 s of 10)."""
    pairs = Counter((number.trunk, number.direction) for number in project.numbers)
    table: dict[str, dict[str, int]] = {}
    for (trunk, direction), count in pairs.items():
        row = table.setdefault(trunk or "(default)", {d.value: 0 for d in Direction})
        row[direction.value] += count
    return table


def handsets_by_carrier(project: Project) -> dict[str, dict[str, int]]:
    """{carrier: {android, ios, enabled}} including listed carriers with no handset."""
    table = {c: {p.value: 0 for p in Platform} | {"enabled": 0} for c in project.carrier_names()}
    for handset in project.handsets:
        row = table.setdefault(handset.carrier, {p.value: 0 for p in Platform} | {"enabled": 0})
        row[handset.platform.value] += 1
        row["enabled"] += int(handset.enabled)
    return table


def project_dict(project: Project) -> dict[str, Any]:
    """The whole inventory as JSON-ready data (store URL keeps its `${ENV}` references)."""
    directions = Counter(n.direction.value for n in project.numbers)
    return {
        "project": str(project.project_dir),
        "file": display_path(project.file),
        "store": project.store_url,
        "artifacts": str(project.artifacts_dir),
        "timezone": project.timezone,
        "trunks": [trunk_dict(t) for t in project.trunks],
        "numbers": [number_dict(n, project.number_sources.get(n.e164)) for n in project.numbers],
        "numbers_by_direction": {d.value: directions.get(d.value, 0) for d in Direction},
        "numbers_by_trunk": numbers_by_trunk(project),
        "carriers": [{"name": c.name, "display_name": c.display_name} for c in project.carriers],
        "handsets": [handset_dict(h) for h in project.handsets],
        "handsets_by_carrier": handsets_by_carrier(project),
        "alerts": [
            {
                "kind": w.kind,
                "name": w.name,
                "url_env": w.url_env,
                "url_set": bool(os.environ.get(w.url_env)),
                "default": w.default,
            }
            for w in project.alerts
        ],
        "alert_confirm": project.alert_confirm,
        "public_url": project.public_url,
        "screen": {"escalate": project.escalation.value},
        "notes": list(project.notes),
    }
