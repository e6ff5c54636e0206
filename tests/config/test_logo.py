"""A number's expected brand logo: CSV column `logo`, YAML key `logo_file`, project-relative."""

from __future__ import annotations

from pathlib import Path

from robot.config import load_project

from .conftest import Cli
from .files import edit, line_of
from .test_broken_input import assert_rejected

PNG = b"\x89PNG\r\n\x1a\n"  # the loader checks the file is there; the reader decodes it


def test_logo_paths_resolve_against_the_project_folder(project: Path) -> None:
    (project / "logos").mkdir()
    (project / "logos" / "northwind.png").write_bytes(PNG)
    csv = project / "numbers.csv"
    edit(
        csv,
        "Number,Display Name,Direction,Trunk,Tags",
        "Number,Display Name,Direction,Trunk,Tags,Logo",
    )
    text = csv.read_text(encoding="utf-8").splitlines()
    text = [text[0], text[1] + ",logos/northwind.png", *(row + "," for row in text[2:])]
    csv.write_text("\n".join(text) + "\n", encoding="utf-8")
    edit(
        project / "numbers.yaml",
        "    name: NW Bank Appts\n",
        "    name: NW Bank Appts\n    logo_file: logos/northwind.png\n",
    )
    loaded = load_project(project)
    by_e164 = {n.e164: n for n in loaded.numbers}
    expected = str((project / "logos" / "northwind.png").resolve())
    assert by_e164["+12025550101"].logo_file == expected
    assert by_e164["+13105550108"].logo_file == expected
    assert by_e164["+12025550102"].logo_file is None


def test_missing_logo_file_names_the_csv_line(cli: Cli, project: Path) -> None:
    csv = project / "numbers.csv"
    text = csv.read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",logo", *(row + "," for row in text[1:])]
    text[3] = text[3] + "logos/card.png"
    csv.write_text("\n".join(text) + "\n", encoding="utf-8")
    message = assert_rejected(cli, project, "numbers.csv", 4, "logo", "relative to the project")
    assert "logo file logos/card.png not found" in message


def test_missing_logo_file_names_the_yaml_line(cli: Cli, project: Path) -> None:
    yaml = project / "numbers.yaml"
    edit(yaml, "    name: NW Bank Appts\n", "    name: NW Bank Appts\n    logo_file: nw.png\n")
    line = line_of(yaml, "logo_file: nw.png")
    assert_rejected(cli, project, "numbers.yaml", line, "logo_file", "relative to the project")


def test_logo_that_is_not_a_picture(cli: Cli, project: Path) -> None:
    (project / "logo.svg").write_text("<svg/>", encoding="utf-8")
    yaml = project / "numbers.yaml"
    edit(yaml, "    name: NW Bank Appts\n", "    name: NW Bank Appts\n    logo_file: logo.svg\n")
    line = line_of(yaml, "logo_file: logo.svg")
    assert_rejected(cli, project, "numbers.yaml", line, "logo_file", ".png")
