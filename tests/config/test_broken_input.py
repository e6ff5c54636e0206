"""Each kind of broken input names file, line, key and a fix, and exits 2 with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from robot.config import load_project
from robot.errors import ConfigError

from .conftest import Cli
from .files import edit, line_of


def assert_rejected(cli: Cli, project: Path, file: str, line: int, key: str, hint: str) -> str:
    """Both the loader and the CLI report `file line N: key: ... (hint)`; returns the CLI line."""
    with pytest.raises(ConfigError) as caught:
        load_project(project)
    err = caught.value
    assert (err.file, err.line, err.key) == (file, line, key)
    assert err.hint is not None and hint in err.hint
    result = cli("config", "check")
    assert result.code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {file} line {line}: {key}: "), lines[0]
    assert hint in lines[0]
    assert result.stdout == ""
    return lines[0]


def test_invalid_e164_number(cli: Cli, project: Path) -> None:
    csv = project / "numbers.csv"
    edit(csv, "+12125550103,", "+1 555 0100,")
    message = assert_rejected(cli, project, "numbers.csv", 4, "number", "+ country code")
    assert '"+1 555 0100" is not a valid E.164 number' in message


def test_number_without_plus_gets_a_suggestion(cli: Cli, project: Path) -> None:
    edit(project / "numbers.csv", "+12125550103,", "(212) 555-0103,")
    assert_rejected(cli, project, "numbers.csv", 4, "number", "did you mean +12125550103?")


def test_duplicate_number_across_files_names_both_lines(cli: Cli, project: Path) -> None:
    edit(project / "numbers.yaml", '"+12065550107"', '"+1 212 555 0103"')
    message = assert_rejected(cli, project, "numbers.yaml", 3, "number", "remove one")
    assert "+12125550103 is listed twice (first at numbers.csv line 4)" in message


def test_duplicate_number_in_one_file(cli: Cli, project: Path) -> None:
    edit(project / "numbers.csv", "+12125550103,", "+12025550101,")
    message = assert_rejected(cli, project, "numbers.csv", 4, "number", "remove one")
    assert "(first at line 2)" in message


def test_unknown_trunk(cli: Cli, project: Path) -> None:
    edit(project / "numbers.csv", "Northwind Card,outbound,sim,", "Northwind Card,outbound,simm,")
    message = assert_rejected(cli, project, "numbers.csv", 4, "trunk", "did you mean `sim`?")
    assert 'trunk "simm" is not defined' in message


def test_yaml_syntax_error(cli: Cli, project: Path) -> None:
    ringcheck = project / "ringcheck.yaml"
    edit(ringcheck, "    cps: 2", "    cps 2")
    line = line_of(ringcheck, "max_concurrent_calls")  # PyYAML notices on the next key
    message = assert_rejected(
        cli, project, "ringcheck.yaml", line, "trunks.max_concurrent_calls", "indentation"
    )
    assert "YAML syntax error" in message


def test_misspelt_key_in_farm(cli: Cli, project: Path) -> None:
    farm = project / "farm.yaml"
    edit(farm, "    carrier: sim-att", "    carier: sim-att")
    line = line_of(farm, "carier:")
    message = assert_rejected(
        cli, project, "farm.yaml", line, "handsets[1].carier", "did you mean `carrier`?"
    )
    assert "unknown key `carier`" in message


def test_misspelt_key_in_project_file(cli: Cli, project: Path) -> None:
    ringcheck = project / "ringcheck.yaml"
    edit(ringcheck, "    transport: udp", "    transprot: udp")
    line = line_of(ringcheck, "transprot")
    assert_rejected(cli, project, "ringcheck.yaml", line, "trunks[0].transprot", "`transport`")


def test_secret_written_into_project_file(cli: Cli, project: Path) -> None:
    ringcheck = project / "ringcheck.yaml"
    edit(ringcheck, "    password_env: RINGCHECK_SIP_PASSWORD", "    password: hunter2-hunter2")
    line = line_of(ringcheck, "password:")
    message = assert_rejected(
        cli, project, "ringcheck.yaml", line, "trunks[0].password", "use password_env: NAME"
    )
    assert "secret written into file" in message
    assert "hunter2" not in message


def test_password_in_store_url(cli: Cli, project: Path) -> None:
    ringcheck = project / "ringcheck.yaml"
    edit(ringcheck, "store: sqlite:///.ringcheck/results.db", "store: postgresql://rc:pw9x@db/rc")
    message = assert_rejected(
        cli,
        project,
        "ringcheck.yaml",
        line_of(ringcheck, "store: postgresql://rc"),
        "store",
        "${NAME}",
    )
    assert "pw9x" not in message


def test_csv_row_with_missing_column(cli: Cli, project: Path) -> None:
    edit(
        project / "numbers.csv", "Northwind Card,outbound,sim,cards;demo:misnamed", "Northwind Card"
    )
    message = assert_rejected(cli, project, "numbers.csv", 4, "Direction", "add the missing")
    assert "missing `Direction`, `Trunk`, `Tags`" in message


def test_handset_without_carrier(cli: Cli, project: Path) -> None:
    farm = project / "farm.yaml"
    edit(farm, "    carrier: sim-att\n", "")
    line = line_of(farm, "id: galaxy-s23-att")
    message = assert_rejected(cli, project, "farm.yaml", line, "handsets[1].carrier", "sim-att")
    assert "handset `galaxy-s23-att` has no carrier" in message


def test_unknown_carrier(cli: Cli, project: Path) -> None:
    farm = project / "farm.yaml"
    edit(farm, "    carrier: sim-att", "    carrier: sim-at")
    line = line_of(farm, "carrier: sim-at")
    assert_rejected(cli, project, "farm.yaml", line, "handsets[1].carrier", "`sim-att`")


def test_two_handsets_with_the_same_number(cli: Cli, project: Path) -> None:
    farm = project / "farm.yaml"
    edit(farm, '"+12025550186"', '"+12025550181"')
    first, second = line_of(farm, '"+12025550181"'), line_of_last(farm, '"+12025550181"')
    message = assert_rejected(
        cli, project, "farm.yaml", second, "handsets[5].msisdn", "check the msisdn"
    )
    assert f"(first at line {first})" in message


def line_of_last(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return max(i for i, text in enumerate(lines, start=1) if needle in text)


def test_duplicate_handset_id(cli: Cli, project: Path) -> None:
    farm = project / "farm.yaml"
    edit(farm, "id: iphone13-att", "id: pixel8-tmo")
    first = line_of(farm, "id: pixel8-tmo")
    message = assert_rejected(
        cli, project, "farm.yaml", line_of_last(farm, "id: pixel8-tmo"), "handsets[5].id", "own id"
    )
    assert f"(first at line {first})" in message


def test_duplicate_trunk_name(cli: Cli, project: Path) -> None:
    ringcheck = project / "ringcheck.yaml"
    edit(ringcheck, "numbers:\n", "  - name: sim\n    host: 10.0.0.1\n\nnumbers:\n")
    line = line_of_last(ringcheck, "- name: sim")
    message = assert_rejected(cli, project, "ringcheck.yaml", line, "trunks[1].name", "own name")
    assert f"(first at line {line_of(ringcheck, '- name: sim')})" in message


def test_bad_direction_and_enum_values(cli: Cli, project: Path) -> None:
    edit(project / "numbers.csv", "Northwind Card,outbound,", "Northwind Card,outbund,")
    assert_rejected(cli, project, "numbers.csv", 4, "direction", "did you mean `outbound`?")


def test_unknown_transport(cli: Cli, project: Path) -> None:
    ringcheck = project / "ringcheck.yaml"
    edit(ringcheck, "    transport: udp", "    transport: udpp")
    line = line_of(ringcheck, "transport: udpp")
    assert_rejected(cli, project, "ringcheck.yaml", line, "trunks[0].transport", "`udp`")


def test_unknown_timezone(cli: Cli, project: Path) -> None:
    ringcheck = project / "ringcheck.yaml"
    edit(ringcheck, "timezone: America/New_York", "timezone: America/New_Yrok")
    line = line_of(ringcheck, "timezone:")
    assert_rejected(cli, project, "ringcheck.yaml", line, "timezone", "`America/New_York`")


def test_ios_dialer_on_android(cli: Cli, project: Path) -> None:
    farm = project / "farm.yaml"
    edit(farm, "    dialer: samsung", "    dialer: ios")
    line = line_of(farm, "dialer: ios")
    assert_rejected(cli, project, "farm.yaml", line, "handsets[1].dialer", "google, samsung")


def test_unknown_key_in_yaml_numbers(cli: Cli, project: Path) -> None:
    edit(project / "numbers.yaml", '  - number: "+12065550107"', '  - numbr: "+12065550107"')
    assert_rejected(cli, project, "numbers.yaml", 3, "numbers[0].numbr", "`number`")


def test_missing_project_file(cli: Cli, project_tmp: Path) -> None:
    result = cli("config", "check")
    assert result.code == 2
    assert "no ringcheck.yaml in" in result.stderr
    assert "--project DIR" in result.stderr and "ringcheck demo" in result.stderr
