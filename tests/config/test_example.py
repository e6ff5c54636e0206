"""The shipped example project loads, and the inventory commands show it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from robot.config import load_project
from robot.config.summary import numbers_by_trunk
from robot.domain.model import DialerKind, Direction, Number, Platform, Transport

from .conftest import EXAMPLES, Cli


def test_example_project_loads_into_domain_objects() -> None:
    project = load_project(EXAMPLES)
    assert project.project_dir == EXAMPLES
    assert project.timezone == "America/New_York"
    assert project.store_url == f"sqlite:///{EXAMPLES / '.ringcheck/results.db'}"
    assert project.artifacts_dir == EXAMPLES / ".ringcheck/artifacts"
    (trunk,) = project.trunks
    assert (trunk.name, trunk.host, trunk.port, trunk.transport) == (
        "sim",
        "127.0.0.1",
        5060,
        Transport.UDP,
    )
    assert trunk.password_env == "RINGCHECK_SIP_PASSWORD"
    assert trunk.caller_id_in_from and trunk.caller_id_in_pai
    assert len(project.numbers) == 8
    dno = [n for n in project.numbers if n.direction is Direction.INBOUND_ONLY]
    assert [n.e164 for n in dno] == ["+14155550105"] and dno[0].do_not_originate
    assert {c.name for c in project.carriers} == {"sim-tmobile", "sim-att", "sim-verizon"}
    assert len(project.handsets) == 6
    assert {h.platform for h in project.handsets} == {Platform.ANDROID, Platform.IOS}
    assert {h.dialer for h in project.handsets} == set(DialerKind)
    assert all(h.appium_url == "http://127.0.0.1:4723" for h in project.handsets)
    assert [w.url_env for w in project.alerts] == ["RINGCHECK_SLACK_WEBHOOK"]


def test_long_name_is_a_note_not_an_error() -> None:
    project = load_project(EXAMPLES)
    cnam = [n for n in project.notes if "CNAM" in n]
    assert len(cnam) == 1
    assert "numbers.csv line 5" in cnam[0] and '"Northwind Bank "' in cnam[0]


def test_config_check_prints_the_inventory(cli: Cli, project: Path) -> None:
    result = cli("config", "check")
    assert result.code == 0, result.stderr
    for text in (
        "Trunks",
        "127.0.0.1:5060/udp",
        "$RINGCHECK_SIP_PASSWORD",
        "Numbers (8)",
        "Handsets (6)",
        "sim-verizon",
        "CNAM",
        "1 trunk(s), 8 number(s), 6 handset(s)",
    ):
        assert text in result.stdout, text


def test_project_chosen_by_option_and_environment(cli: Cli, project: Path) -> None:
    by_option = cli("--project", str(EXAMPLES), "config", "check", "--json")
    by_env = cli("config", "check", "--json", env={"RINGCHECK_PROJECT": str(EXAMPLES)})
    assert by_option.code == by_env.code == 0
    assert json.loads(by_option.stdout)["project"] == str(EXAMPLES)
    assert json.loads(by_env.stdout)["project"] == str(EXAMPLES)


def test_config_check_json(cli: Cli, project: Path) -> None:
    data = json.loads(cli("config", "check", "--json").stdout)
    assert data["numbers_by_direction"] == {"outbound": 6, "bidirectional": 1, "inbound_only": 1}
    assert data["handsets_by_carrier"]["sim-verizon"] == {"android": 2, "ios": 0, "enabled": 2}
    assert data["trunks"][0]["password_env"] == "RINGCHECK_SIP_PASSWORD"
    assert data["trunks"][0]["password_set"] is False


def test_numbers_by_trunk_counts_each_direction_per_trunk() -> None:
    numbers = (
        Number("+12025550101", trunk="east"),
        Number("+12025550102", direction=Direction.INBOUND_ONLY),
        Number("+12025550103", direction=Direction.BIDIRECTIONAL, trunk="east"),
        Number("+12025550104", trunk="east"),
        Number("+12025550105", trunk="west"),
    )
    project = dataclasses.replace(load_project(EXAMPLES), numbers=numbers)
    assert numbers_by_trunk(project) == {
        "east": {"outbound": 2, "bidirectional": 1, "inbound_only": 0},
        "(default)": {"outbound": 0, "bidirectional": 0, "inbound_only": 1},
        "west": {"outbound": 1, "bidirectional": 0, "inbound_only": 0},
    }


def test_numbers_list_by_tag(cli: Cli, project: Path) -> None:
    result = cli("numbers", "list", "--tag", "demo:labelled", "--json")
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["number"] for r in rows] == ["+12025550102", "+13105550108"]
    assert rows[1]["source"] == "numbers.yaml line 8"
    table = cli("numbers", "list")
    assert "+14155550105" in table.stdout and "inbound_only" in table.stdout


def test_devices_list_filters(cli: Cli, project: Path) -> None:
    rows = json.loads(cli("devices", "list", "--carrier", "sim-att", "--json").stdout)
    assert [r["id"] for r in rows] == ["galaxy-s23-att", "iphone13-att"]
    ios = json.loads(cli("devices", "list", "--platform", "ios", "--json").stdout)
    assert {r["id"] for r in ios} == {"iphone15-tmo", "iphone13-att"}
    table = cli("devices", "list")
    assert table.code == 0 and "galaxy-a54-vzw" in table.stdout and "es-US" in table.stdout


def test_devices_list_unknown_carrier_suggests(cli: Cli, project: Path) -> None:
    result = cli("devices", "list", "--carrier", "sim-tmobil")
    assert result.code == 2
    assert "did you mean `sim-tmobile`?" in result.stderr
