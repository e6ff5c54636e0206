"""`numbers import`: check a whole CSV, then merge it into the project's numbers file at once.

All bad lines are reported together and nothing is written unless every line is good, so a
half-imported portal export can never leave the inventory in a state nobody chose.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from robot.config.hints import parse_e164
from robot.config.numbers import (
    CANONICAL,
    COLUMNS,
    NumberEntry,
    check_duplicates,
    column_of,
    read_csv,
    read_numbers,
)
from robot.config.project import DEFAULT_NUMBERS, Project
from robot.config.yamlsrc import display_path
from robot.domain.model import Number
from robot.errors import ConfigError


class NumbersImportError(ConfigError):
    """Several bad lines at once; `problems` lists each as its own ConfigError."""

    def __init__(self, source: str, problems: list[ConfigError]) -> None:
        self.problems = problems
        lines = "line" if len(problems) == 1 else "lines"
        super().__init__(
            f"{len(problems)} bad {lines}; nothing imported",
            file=source,
            hint="fix the lines listed above and import again",
        )


@dataclass(frozen=True)
class ImportReport:
    target: Path
    added: int
    updated: int
    unchanged: int
    notes: tuple[str, ...] = ()


def import_numbers(project: Project, source: Path, into: str | None = None) -> ImportReport:
    """Validate `source` completely, then add/update its numbers in the target CSV."""
    target = _target(project, into)
    result = read_numbers(source, [t.name for t in project.trunks])
    problems = result.errors + check_duplicates(result.entries)
    problems += _clashes(project, target, result.entries)
    if problems:
        problems.sort(key=lambda e: e.line or 0)
        raise NumbersImportError(display_path(source), problems)
    header, rows = _read_rows(target)
    added, updated, unchanged = _merge(header, rows, [e.number for e in result.entries])
    _write_checked(target, header, rows, [t.name for t in project.trunks])
    return ImportReport(target, added, updated, unchanged, tuple(result.notes))


def _target(project: Project, into: str | None) -> Path:
    files = [p.resolve() for p in project.numbers_files]
    if into is not None:
        path = Path(into)
        path = (path if path.is_absolute() else project.project_dir / path).resolve()
        if path not in files:
            raise ConfigError(
                f"{into} is not one of the project's numbers files",
                key="--into",
                hint="list it under `numbers:` in ringcheck.yaml, or use one of: "
                + ", ".join(p.name for p in files),
            )
    else:
        csvs = [p for p in files if p.suffix.lower() not in (".yaml", ".yml")]
        if not files:
            return project.project_dir / DEFAULT_NUMBERS
        if not csvs:
            raise ConfigError(
                "the project has no CSV numbers file to import into",
                key="--into",
                hint="add a .csv file under `numbers:` in ringcheck.yaml",
            )
        path = csvs[0]
    if path.suffix.lower() in (".yaml", ".yml"):
        raise ConfigError(
            f"{display_path(path)} is YAML; import writes CSV files only",
            key="--into",
            hint="pick a .csv numbers file with --into",
        )
    return path


def _clashes(project: Project, target: Path, entries: list[NumberEntry]) -> list[ConfigError]:
    """Numbers that already live in another numbers file would become duplicates."""
    problems = []
    for entry in entries:
        where = project.number_sources.get(entry.number.e164)
        owner = _source_path(project, where)
        if where and owner is not None and owner != target.resolve():
            problems.append(
                ConfigError(
                    f"{entry.number.e164} is already in {where}",
                    file=entry.file,
                    line=entry.line,
                    key="number",
                    hint="edit it there, or remove this line",
                )
            )
    return problems


def _source_path(project: Project, where: str | None) -> Path | None:
    if where is None:
        return None
    name = where.rsplit(" line ", 1)[0]
    for path in project.numbers_files:
        if display_path(path) == name:
            return path.resolve()
    return None


def _read_rows(target: Path) -> tuple[list[str], list[list[str]]]:
    if not target.is_file():
        return list(CANONICAL), []
    text = target.read_text(encoding="utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    if not rows:
        return list(CANONICAL), []
    return rows[0], rows[1:]


def _merge(header: list[str], rows: list[list[str]], numbers: list[Number]) -> tuple[int, int, int]:
    """Update rows in place (keeping columns we do not know), append new numbers."""
    index: dict[str, int] = {}
    for col in CANONICAL:
        found = [i for i, h in enumerate(header) if COLUMNS.get(column_of(h)) == col]
        if found:
            index[col] = found[0]
        else:
            header.append(col)
            index[col] = len(header) - 1
            for row in rows:
                row.append("")
    by_number = {parse_e164(r[index["number"]]) or r[index["number"]]: r for r in rows}
    added = updated = unchanged = 0
    for number in numbers:
        values = {
            "number": number.e164,
            "name": number.expected_name or "",
            "direction": number.direction.value,
            "trunk": number.trunk or "",
            "tags": ";".join(number.tags),
        }
        existing = by_number.get(number.e164)
        if existing is None:
            row = [""] * len(header)
            rows.append(row)
            by_number[number.e164] = row
            added += 1
        elif all(_same(col, existing[index[col]], v) for col, v in values.items()):
            unchanged += 1
            continue
        else:
            row = existing
            updated += 1
        for col, value in values.items():
            row[index[col]] = value
    return added, updated, unchanged


def _same(col: str, old: str, new: str) -> bool:
    if col == "number":
        return (parse_e164(old) or old) == new
    if col == "direction":
        return (column_of(old) or "outbound") == new
    if col == "tags":
        return ";".join(t.strip() for t in old.replace("|", ";").split(";") if t.strip()) == new
    return old.strip() == new


def _write_checked(
    target: Path, header: list[str], rows: list[list[str]], trunks: list[str]
) -> None:
    """Write to a temporary file, re-read it as the project would, then swap it in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".import-", suffix=".csv", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        check = read_csv(tmp, trunks)
        problems = check.errors + check_duplicates(check.entries)
        if problems:
            raise problems[0]
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
