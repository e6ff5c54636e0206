"""Line tracking, hints and CSV tolerance, checked directly (no CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from robot.config.hints import e164_hint, is_secret_key, parse_e164
from robot.config.numbers import read_csv
from robot.config.yamlsrc import load_yaml
from robot.errors import ConfigError


def test_yaml_lines_for_keys_and_items(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\nitems:\n  - x: 1\n\n  - x: 2\n    y: [3, 4]\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc.data == {"a": 1, "items": [{"x": 1}, {"x": 2, "y": [3, 4]}]}
    assert doc.line(("items", 1)) == 5
    assert doc.line(("items", 1, "y")) == 6
    assert doc.line(("items", 1, "missing")) == 5  # a missing key points at its parent


def test_yaml_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("carrier: a\nmodel: x\ncarrier: b\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_yaml(path)
    assert (caught.value.line, caught.value.key) == (3, "carrier")
    assert "first at line 1" in str(caught.value)


def test_yaml_merge_keys_work(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n", encoding="utf-8")
    assert load_yaml(path).data["item"] == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("+1 555 0100", "write it as + country code"),
        ("12025550123", "did you mean +12025550123?"),
        ("(202) 555-0123", "did you mean +12025550123?"),
        ("+44 20 7946 0958x", "did you mean +442079460958?"),
        ("+1 800 FLOWERS", "write it as"),
    ],
)
def test_e164_hints(raw: str, hint: str) -> None:
    assert parse_e164(raw) is None
    assert hint in e164_hint(raw)


def test_formatted_valid_numbers_are_normalised() -> None:
    assert parse_e164(" +1 (202) 555-0123 ") == "+12025550123"
    assert parse_e164("+44 20 7946 0958") == "+442079460958"


def test_secret_keys() -> None:
    assert is_secret_key("password") and is_secret_key("appium:password")
    assert is_secret_key("api_token") and not is_secret_key("password_env")
    assert not is_secret_key("carrier")


def test_csv_tolerates_bom_spaces_and_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text(
        "\ufeff E164 ,Expected Name, Status \n +12025550123 , Acme ,ok\n\n", encoding="utf-8"
    )
    result = read_csv(path, trunks=None)
    assert result.errors == []
    (entry,) = result.entries
    assert (entry.number.e164, entry.number.expected_name, entry.line) == (
        "+12025550123",
        "Acme",
        2,
    )
    assert any("column `Status` ignored" in note for note in result.notes)


def test_csv_misspelt_header_suggests(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("number,direcion\n+12025550123,outbound\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_csv(path, trunks=None)
    assert (caught.value.line, caught.value.key) == (1, "direcion")
    assert caught.value.hint == "did you mean `direction`?"


def test_unquoted_plus_number_in_yaml_says_quote_it(tmp_path: Path) -> None:
    from robot.config.numbers import read_numbers

    path = tmp_path / "n.yaml"
    path.write_text("numbers:\n  - number: +12025550123\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_numbers(path, trunks=None)
    assert (caught.value.line, caught.value.key) == (2, "numbers[0].number")
    assert caught.value.hint == 'YAML read it as a plain number: quote it, e.g. "+12025550123"'


def test_camel_case_capability_secret_is_caught_and_env_reference_allowed(
    project_tmp: Path,
) -> None:
    from robot.config.farm import load_farm

    path = project_tmp / "farm.yaml"
    body = (
        "handsets:\n  - id: a\n    platform: ios\n    carrier: c\n    msisdn: '+12025550181'\n"
        "    capabilities:\n      appium:keychainPassword: {value}\n"
    )
    path.write_text(body.format(value="hunter2"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_farm(path)
    assert (caught.value.line, caught.value.key) == (
        7,
        "handsets[0].capabilities.appium:keychainPassword",
    )
    assert "hunter2" not in str(caught.value)
    path.write_text(body.format(value="${KEYCHAIN_PW}"), encoding="utf-8")
    (handset,) = load_farm(path).handsets
    assert dict(handset.capabilities)["appium:keychainPassword"] == "${KEYCHAIN_PW}"
