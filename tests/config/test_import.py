"""`numbers import`: every bad line reported, nothing half-imported, merges counted."""

from __future__ import annotations

from pathlib import Path

from robot.config import load_project

from .conftest import Cli

PORTAL = (
    "\ufeff Phone Number , Display Name ,Direction,Trunk,Tags,Status\n"
    " +1 (202) 555-0120 ,Northwind Loans,outbound,sim,loans|new,Active\n"
    "+12025550101,Northwind Bank,outbound,sim,retail;demo:clean,Active\n"
    "+12025550102,Northwind Bank Coll,outbound,sim,collections,Active\n"
)
BAD = (
    "number,name,direction,trunk,tags\n"
    "+1 555 0100,Loans,outbound,sim,\n"
    "+12025550121,Loans,outbond,sim,\n"
    "+12025550124,Good line,outbound,sim,\n"
    "+12025550122,Loans,outbound,simm,\n"
    "+12065550107,Already in YAML,outbound,sim,\n"
    "+12025550123,short\n"
)


def test_bad_file_lists_every_bad_line_and_changes_nothing(cli: Cli, project: Path) -> None:
    (project / "bad.csv").write_text(BAD, encoding="utf-8")
    before = (project / "numbers.csv").read_bytes()
    result = cli("numbers", "import", "bad.csv")
    assert result.code == 2
    assert (project / "numbers.csv").read_bytes() == before
    lines = result.stderr.splitlines()
    for line, key, hint in [
        (2, "number", "+ country code"),
        (3, "direction", "did you mean `outbound`?"),
        (5, "trunk", "did you mean `sim`?"),
        (6, "number", "already in numbers.yaml line 3"),
        (7, "direction", "missing `direction`, `trunk`, `tags`"),
    ]:
        assert any(f"bad.csv line {line}: {key}: " in ln and hint in ln for ln in lines), line
    assert not any("line 4" in ln for ln in lines)
    assert lines[-1].startswith("error: bad.csv: 5 bad lines; nothing imported (fix the lines")


def test_portal_export_merges_and_counts(cli: Cli, project: Path) -> None:
    (project / "portal.csv").write_text(PORTAL, encoding="utf-8")
    result = cli("numbers", "import", "portal.csv")
    assert result.code == 0, result.stderr
    assert "1 added, 1 updated, 1 unchanged" in result.stdout
    assert "column `Status` ignored" in result.stderr
    loaded = load_project(project)
    by_number = {n.e164: n for n in loaded.numbers}
    assert len(loaded.numbers) == 9
    assert by_number["+12025550120"].tags == ("loans", "new")
    assert by_number["+12025550102"].expected_name == "Northwind Bank Coll"
    header = (project / "numbers.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "Number,Display Name,Direction,Trunk,Tags"  # the file keeps its own header
    again = cli("numbers", "import", "portal.csv")
    assert "0 added, 0 updated, 3 unchanged" in again.stdout


def test_import_into_a_file_that_is_not_in_the_project(cli: Cli, project: Path) -> None:
    (project / "portal.csv").write_text(PORTAL, encoding="utf-8")
    result = cli("numbers", "import", "portal.csv", "--into", "other.csv")
    assert result.code == 2
    assert "other.csv is not one of the project's numbers files" in result.stderr
    yaml_target = cli("numbers", "import", "portal.csv", "--into", "numbers.yaml")
    assert yaml_target.code == 2 and "import writes CSV files only" in yaml_target.stderr


def test_import_creates_the_default_numbers_file(cli: Cli, project_tmp: Path) -> None:
    (project_tmp / "ringcheck.yaml").write_text(
        "trunks:\n  - name: sim\n    host: 127.0.0.1\n", encoding="utf-8"
    )
    (project_tmp / "portal.csv").write_text(PORTAL, encoding="utf-8")
    result = cli("numbers", "import", "portal.csv")
    assert result.code == 0, result.stderr
    assert "3 added" in result.stdout
    assert len(load_project(project_tmp).numbers) == 3
