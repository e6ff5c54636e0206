"""Hostile files a project is made of: alias bombs, control characters, oversized and deeply
nested YAML, wrong types, header injection in a trunk (issue 17, items 3, 5 and 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import Cli, assert_no_raw_controls, assert_one_line_error


def _bomb(levels: int) -> str:
    """A "billion laughs": each level holds nine aliases of the one before."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_as_the_project_file_is_refused_quickly(cli: Cli, project: Path) -> None:
    (project / "ringcheck.yaml").write_text(_bomb(9), encoding="utf-8")
    result = cli("config", "check", memory_mb=400, timeout_s=60)
    assert_one_line_error(result, 2, "ringcheck.yaml", "aliases expand to more than")


def test_alias_bomb_through_numbers_import_is_refused(cli: Cli, project: Path) -> None:
    bomb = _bomb(9).replace("l0: &l0", "x: &l0") + 'numbers:\n  - number: "+12025550190"\n'
    (project / "bomb.yaml").write_text(bomb, encoding="utf-8")
    before = (project / "numbers.csv").read_text(encoding="utf-8")
    result = cli("numbers", "import", "bomb.yaml", memory_mb=400, timeout_s=60)
    assert_one_line_error(result, 2, "bomb.yaml", "anchors and aliases")
    assert (project / "numbers.csv").read_text(encoding="utf-8") == before


def test_aliases_in_a_numbers_yaml_are_refused(cli: Cli, project: Path) -> None:
    (project / "numbers.yaml").write_text(
        'numbers:\n  - &n {number: "+12065550107", name: A}\n  - *n\n', encoding="utf-8"
    )
    assert_one_line_error(cli("config", "check"), 2, "numbers.yaml line 3", "anchors and aliases")


def test_merge_keys_still_work_in_scenarios(cli: Cli, project: Path) -> None:
    (project / "scenarios").mkdir()
    (project / "scenarios" / "merged.yaml").write_text(
        "name: merged\ncall:\n  <<: {capture_after_s: 1, ring_timeout_s: 20}\n"
        "  ring_timeout_s: 25\nexpect:\n  no_label: true\n",
        encoding="utf-8",
    )
    result = cli("scenarios", "check", "merged")
    assert result.code == 0, result.stderr


@pytest.mark.parametrize(
    ("file", "text", "line"),
    [
        ("ringcheck.yaml", "timezone: America/New_York\x1b]0;pwned\x07\n", 1),
        ("farm.yaml", "carriers:\n  - name: sim-a\x00\n", 2),
        ("numbers.yaml", 'numbers:\n  - number: "+12065550107"\n    name: "A\x7fB"\n', 3),
    ],
)
def test_control_character_in_yaml_names_file_and_line(
    cli: Cli, project: Path, file: str, text: str, line: int
) -> None:
    (project / file).write_text(text, encoding="utf-8")
    assert_one_line_error(cli("config", "check"), 2, f"{file} line {line}", "control character")


def test_one_broken_scenario_does_not_hide_the_others(cli: Cli, project: Path) -> None:
    (project / "scenarios").mkdir()
    (project / "scenarios" / "broken.yaml").write_text("name: broken\x1b\n", encoding="utf-8")
    result = cli("scenarios", "list")
    assert_one_line_error(result, 2, "broken.yaml line 1", "control character")
    for shipped in ("smoke", "nightly-regression", "dno-enforcement"):
        assert shipped in result.stdout


def test_oversized_and_deeply_nested_yaml(cli: Cli, project: Path) -> None:
    (project / "ringcheck.yaml").write_text("# x\n" * 800_000, encoding="utf-8")
    assert_one_line_error(cli("config", "check"), 2, "ringcheck.yaml", "larger than 2 MiB")
    (project / "ringcheck.yaml").write_text("a: " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    assert_one_line_error(cli("config", "check"), 2, "ringcheck.yaml", "nested")


def test_bad_utf8_names_the_line(cli: Cli, project: Path) -> None:
    path = project / "numbers.csv"
    path.write_bytes(path.read_bytes() + b"+12025550199,Bad \xff name,outbound,sim,\n")
    assert_one_line_error(cli("config", "check"), 2, "numbers.csv line 8", "not UTF-8")


def test_a_list_is_not_a_name(cli: Cli, project: Path) -> None:
    (project / "numbers.yaml").write_text(
        'numbers:\n  - number: "+12065550107"\n    name: [a, b]\n', encoding="utf-8"
    )
    assert_one_line_error(
        cli("config", "check"), 2, "numbers.yaml line 3", "numbers[0].name", "not a list"
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("host", '"127.0.0.1\\r\\nX-Evil: 1"'),
        ("auth_user", '"north\\nwind"'),
        ("from_display_name", '"Northwind\\r\\nBank"'),
    ],
)
def test_line_breaks_in_trunk_values_are_refused(
    cli: Cli, project: Path, key: str, value: str
) -> None:
    path = project / "ringcheck.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, text in enumerate(lines) if text.strip().startswith(f"{key}:"))
    lines[index] = f"    {key}: {value}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_one_line_error(cli("config", "check"), 2, f"line {index + 1}", f"trunks[0].{key}")


def test_numbers_file_symlink_loop(cli: Cli, project: Path) -> None:
    (project / "numbers.csv").unlink()
    (project / "loop-a.csv").symlink_to("loop-b.csv")
    (project / "loop-b.csv").symlink_to("loop-a.csv")
    (project / "numbers.csv").symlink_to("loop-a.csv")
    assert_one_line_error(cli("config", "check"), 2, "numbers.csv", "loop")


def test_escape_sequences_in_an_imported_name_are_refused_not_printed(
    cli: Cli, project: Path
) -> None:
    (project / "portal.csv").write_text(
        "number,name\n+12025550190,\x1b]0;pwned\x07Northwind\n", encoding="utf-8"
    )
    before = (project / "numbers.csv").read_bytes()
    result = cli("numbers", "import", "portal.csv")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert "portal.csv line 2" in result.stderr and "control character U+001B" in result.stderr
    assert_no_raw_controls(result.stdout + result.stderr)
    assert (project / "numbers.csv").read_bytes() == before
    edit_csv = project / "numbers.csv"
    edit_csv.write_bytes(before + b"+12025550191,Bad\x1b[2JName,outbound,sim,\n")
    for args in (("config", "check"), ("numbers", "list"), ("numbers", "list", "--json")):
        line = assert_one_line_error(cli(*args), 2, "numbers.csv line 8", "Display Name")
        assert "U+001B" in line
