"""A trunk's network keys: `bind`, `rtp_ports`, TLS files; and the notes `config check`
prints for choices that break on real networks (a signing trunk on UDP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from robot.config import load_project
from robot.errors import ConfigError

from .conftest import Cli
from .files import edit, line_of

TRUNK_LINE = "    max_concurrent_calls: 4\n"


def _add(project: Path, text: str) -> None:
    edit(project / "ringcheck.yaml", TRUNK_LINE, TRUNK_LINE + text)


def test_defaults_and_json(cli: Cli, project: Path) -> None:
    trunk = load_project(project).trunk("sim")
    assert (trunk.bind, trunk.rtp_ports, trunk.ca_file) == (None, (4000, 4999), None)
    _add(project, "    bind: 127.0.0.1\n    rtp_ports: 40000-40099\n")
    trunk = load_project(project).trunk("sim")
    assert (trunk.bind, trunk.rtp_ports) == ("127.0.0.1", (40000, 40099))


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("    bind: 0.0.0.0\n", "bind", "one IPv4 address"),
        ("    bind: eth0\n", "bind", "not an IPv4 address"),
        ("    rtp_ports: 4000\n", "rtp_ports", "port range"),
        ("    rtp_ports: 5000-4000\n", "rtp_ports", "first below the last"),
        ("    rtp_ports: 4000-4005\n", "rtp_ports", "need 8"),
        ("    ca_file: ca.pem\n", "ca_file", "for TLS trunks"),
    ],
)
def test_wrong_network_keys(project: Path, text: str, key: str, words: str) -> None:
    _add(project, text)
    with pytest.raises(ConfigError) as caught:
        load_project(project)
    assert caught.value.key == f"trunks[0].{key}"
    assert caught.value.line == line_of(project / "ringcheck.yaml", f"{key}:")
    assert words in str(caught.value)


def test_tls_files_must_exist_and_pair(project: Path) -> None:
    edit(project / "ringcheck.yaml", "transport: udp", "transport: tls")
    _add(project, "    ca_file: certs/ca.pem\n")
    with pytest.raises(ConfigError, match=r"certs/ca\.pem not found") as caught:
        load_project(project)
    assert caught.value.key == "trunks[0].ca_file"
    (project / "certs").mkdir()
    (project / "certs" / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    assert load_project(project).trunk("sim").ca_file == str(project / "certs" / "ca.pem")
    _add(project, "    client_cert_file: certs/ca.pem\n")
    with pytest.raises(ConfigError, match="needs its key") as caught:
        load_project(project)
    assert caught.value.key == "trunks[0].client_key_file"


def test_a_signing_trunk_on_udp_gets_a_note(cli: Cli, project: Path) -> None:
    key = project / "keys" / "sp-key.pem"
    key.parent.mkdir()
    key.write_text("x", encoding="utf-8")
    _add(
        project,
        "    signing:\n      key_file: keys/sp-key.pem\n"
        "      x5u: https://certs.example.com/sp.pem\n",
    )
    result = cli("config", "check")
    assert result.code == 0, result.stderr
    assert "signs calls over UDP" in result.stdout and "transport: tcp or tls" in result.stdout
