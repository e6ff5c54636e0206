"""Numbers files: CSV as carrier portals export them, or YAML, into domain `Number`s.

Every problem is collected (not raised at once) so `numbers import` can list all bad lines;
`load_project` raises the first. A too-long display name is a note, not an error: carriers
truncate CNAM to 15 characters and the report should say so, but the call still goes out.
A number's expected brand logo (`logo` column, `logo_file` key) is a path relative to the
project folder, resolved to an absolute one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from robot.config.hints import (
    choice_hint,
    did_you_mean,
    e164_hint,
    parse_e164,
    yaml_number_hint,
)
from robot.config.yamlsrc import Loc, display_path, load_yaml
from robot.domain.model import Direction, Number
from robot.errors import ConfigError

CNAM_MAX = 15
_LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
COLUMNS = {
    "number": "number",
    "e164": "number",
    "phone_number": "number",
    "name": "name",
    "display_name": "name",
    "expected_name": "name",
    "direction": "direction",
    "trunk": "trunk",
    "tags": "tags",
    "logo": "logo",
    "logo_file": "logo",
}
CANONICAL = ("number", "name", "direction", "trunk", "tags")
"""The columns `numbers import` writes (a logo path is the project's, not the source's)."""
YAML_KEYS = (*CANONICAL[:-1], "logo_file", "tags")


@dataclass(frozen=True)
class NumberEntry:
    """A number and where it was written (for duplicate and error messages)."""

    number: Number
    file: str
    line: int


@dataclass
class NumbersResult:
    entries: list[NumberEntry] = field(default_factory=list)
    errors: list[ConfigError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def column_of(header: str) -> str:
    """`" Display Name "` -> `display_name`."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def read_numbers(
    path: Path, trunks: Collection[str] | None, project_dir: Path | None = None
) -> NumbersResult:
    """Parse a CSV or YAML numbers file; `trunks=None` skips the trunk reference check,
    `project_dir=None` the check that logo files exist (paths then stay as written)."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(path, trunks, project_dir)
    return read_csv(path, trunks, project_dir)


def read_csv(
    path: Path, trunks: Collection[str] | None, project_dir: Path | None = None
) -> NumbersResult:
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # portals often prepend a BOM
    except FileNotFoundError:
        raise ConfigError("file not found", file=name, hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=name, hint="save it as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    result = NumbersResult()
    header = next(reader, None)
    if header is None:
        return result
    columns = _header_columns(header, name, result)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append(ConfigError(f"CSV error: {exc}", file=name, line=line))
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            result.errors.append(_width_error(row, header, name, line))
            continue
        fields = {col: cell for col, cell in zip(columns, row, strict=True) if col}
        number = build_number(
            fields, name, lambda _k, ln=line: ln, trunks, result, project_dir=project_dir
        )
        if number is not None:
            result.entries.append(NumberEntry(number, name, line))
    return result


def _header_columns(header: list[str], name: str, result: NumbersResult) -> list[str | None]:
    """Known column names in order (None for ignored ones); misspelt headers are errors."""
    columns: list[str | None] = []
    for raw in header:
        col = column_of(raw)
        if col in COLUMNS:
            columns.append(COLUMNS[col])
            continue
        near = did_you_mean(col, COLUMNS, cutoff=0.8)
        if near is not None:
            raise ConfigError(
                f"unknown column `{raw.strip()}`",
                file=name,
                line=1,
                key=raw.strip(),
                hint=f"did you mean `{near}`?",
            )
        result.notes.append(f"{name}: column `{raw.strip()}` ignored")
        columns.append(None)
    if "number" not in columns:
        raise ConfigError(
            "no `number` column in the header row",
            file=name,
            line=1,
            key="number",
            hint="name the column with the E.164 numbers `number` (or `e164`)",
        )
    return columns


def _width_error(row: list[str], header: list[str], name: str, line: int) -> ConfigError:
    if len(row) < len(header):
        missing = [h.strip() for h in header[len(row) :]]
        return ConfigError(
            f"row has {len(row)} columns, the header has {len(header)}"
            f" (missing {', '.join(f'`{m}`' for m in missing)})",
            file=name,
            line=line,
            key=missing[0],
            hint="add the missing values; an empty value is nothing between two commas",
        )
    return ConfigError(
        f"row has {len(row)} columns, the header has {len(header)}",
        file=name,
        line=line,
        key=header[-1].strip(),
        hint="quote values that contain a comma",
    )


def build_number(
    fields: dict[str, Any],
    file: str,
    line_of: Any,
    trunks: Collection[str] | None,
    result: NumbersResult,
    *,
    project_dir: Path | None = None,
) -> Number | None:
    """One Number from canonical fields; problems go to `result` (line_of(key) -> line)."""
    raw = str(fields.get("number") or "").strip()
    if not raw:
        result.errors.append(
            ConfigError(
                "number is empty",
                file=file,
                line=line_of("number"),
                key="number",
                hint="write the number in E.164 form, e.g. +12025550123",
            )
        )
        return None
    e164 = parse_e164(raw)
    if e164 is None:
        result.errors.append(
            ConfigError(
                f'"{raw}" is not a valid E.164 number',
                file=file,
                line=line_of("number"),
                key="number",
                hint=e164_hint(raw),
            )
        )
        return None
    ok = True
    direction = Direction.OUTBOUND
    raw_dir = str(fields.get("direction") or "").strip()
    if raw_dir:
        folded = column_of(raw_dir)
        if folded in Direction._value2member_map_:
            direction = Direction(folded)
        else:
            ok = False
            result.errors.append(
                ConfigError(
                    f'direction "{raw_dir}" is not one of outbound, bidirectional, inbound_only',
                    file=file,
                    line=line_of("direction"),
                    key="direction",
                    hint=choice_hint(folded, [d.value for d in Direction]),
                )
            )
    trunk = str(fields.get("trunk") or "").strip() or None
    if trunk is not None and trunks is not None and trunk not in trunks:
        ok = False
        result.errors.append(
            ConfigError(
                f'trunk "{trunk}" is not defined in ringcheck.yaml',
                file=file,
                line=line_of("trunk"),
                key="trunk",
                hint=choice_hint(trunk, trunks, "trunks"),
            )
        )
    name = str(fields.get("name") or "").strip() or None
    if name is not None and len(name) > CNAM_MAX:
        result.notes.append(
            f'{file} line {line_of("name")}: name "{name}" is {len(name)} characters;'
            f' caller-ID name (CNAM) shows at most {CNAM_MAX}: "{name[:CNAM_MAX]}"'
        )
    logo_ok, logo = _logo_file(fields, file, line_of, project_dir, result)
    if not ok or not logo_ok:
        return None
    return Number(
        e164=e164,
        expected_name=name,
        direction=direction,
        trunk=trunk,
        tags=split_tags(fields.get("tags")),
        logo_file=logo,
    )


def _logo_file(
    fields: dict[str, Any],
    file: str,
    line_of: Any,
    project_dir: Path | None,
    result: NumbersResult,
) -> tuple[bool, str | None]:
    """(ok, the logo path made absolute against the project folder, or None when there is
    none); not ok, with an error in `result`, when the file is missing or not a PNG/JPEG."""
    raw = str(fields.get("logo") or "").strip()
    if not raw:
        return True, None
    if project_dir is None:
        return True, raw
    path = Path(raw).expanduser()
    path = path if path.is_absolute() else project_dir / path
    problem = None
    if path.suffix.lower() not in _LOGO_SUFFIXES:
        problem = f'logo "{raw}" is not a PNG or JPEG file', "use a .png, .jpg or .jpeg file"
    elif not path.is_file():
        problem = (
            f"logo file {display_path(path)} not found",
            "check the path; it is relative to the project folder",
        )
    if problem is not None:
        key = "logo_file" if file.endswith((".yaml", ".yml")) else "logo"  # as the user wrote it
        result.errors.append(
            ConfigError(problem[0], file=file, line=line_of("logo"), key=key, hint=problem[1])
        )
        return False, None
    return True, str(path.resolve())


def split_tags(value: Any) -> tuple[str, ...]:
    """Tags as a list, or one string separated by `;` or `|` (commas are the CSV's)."""
    items = value if isinstance(value, list) else re.split(r"[;|]", str(value or ""))
    return tuple(t for t in (str(i).strip() for i in items) if t)


def _read_yaml(
    path: Path, trunks: Collection[str] | None, project_dir: Path | None
) -> NumbersResult:
    doc = load_yaml(path)
    result = NumbersResult()
    data = doc.data
    base: Loc = ()
    if isinstance(data, dict) and set(data) == {"numbers"}:
        data, base = data["numbers"], ("numbers",)
    if data is None:
        return result
    if not isinstance(data, list):
        raise doc.error(
            base, "expected a list of numbers", "write `numbers:` then `- number: +1...`"
        )
    for index, item in enumerate(data):
        loc = (*base, index)
        if not isinstance(item, dict):
            raise doc.error(
                loc, "expected `number: ...` and other keys", "see examples/numbers.yaml"
            )
        fields: dict[str, Any] = {}
        for key, value in item.items():
            col = COLUMNS.get(column_of(str(key)))
            if col is None:
                hint = choice_hint(str(key), YAML_KEYS, "known keys")
                raise doc.error((*loc, key), f"unknown key `{key}`", hint)
            quote = yaml_number_hint(value) if col == "number" else None
            if quote is not None:
                raise doc.error((*loc, key), f"{value} is not a valid E.164 number", quote)
            fields[col] = value
        keys = {COLUMNS[column_of(str(k))]: k for k in item}
        number = build_number(
            fields,
            doc.name,
            lambda k, lc=loc, ks=keys: doc.line((*lc, ks.get(k, k))),
            trunks,
            result,
            project_dir=project_dir,
        )
        if number is not None:
            result.entries.append(NumberEntry(number, doc.name, doc.line(loc)))
    return result


def check_duplicates(entries: list[NumberEntry]) -> list[ConfigError]:
    """The same number listed twice (in one file or across files), naming both places."""
    seen: dict[str, NumberEntry] = {}
    errors: list[ConfigError] = []
    for entry in entries:
        first = seen.setdefault(entry.number.e164, entry)
        if first is not entry:
            where = (
                f"line {first.line}"
                if first.file == entry.file
                else f"{first.file} line {first.line}"
            )
            errors.append(
                ConfigError(
                    f"{entry.number.e164} is listed twice (first at {where})",
                    file=entry.file,
                    line=entry.line,
                    key="number",
                    hint="remove one of the two entries",
                )
            )
    return errors
