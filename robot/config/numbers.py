"""Numbers files: CSV as carrier portals export them, or YAML, into domain `Number`s.

A CSV is read as a stream in one pass, so an inventory of a million caller IDs costs seconds
and the memory of its `Number`s (no copy of the file, no object per line beyond the number
itself): names, tags and trunks repeat and are shared, lines go into an array, numbers already
in E.164 form are validated by `robot.config.e164`.

Problems are collected (up to `max_errors`) so `numbers import` can list the bad lines;
`load_project` asks for the first and stops there. A too-long display name is a note, not an
error: carriers truncate CNAM to 15 characters and the report should say so, but the call
still goes out. A number's expected brand logo (`logo` column, `logo_file` key) is a path
relative to the project folder, resolved to an absolute one. Control characters are refused
in every value: no caller name contains one, and printed they would drive the terminal.
"""

from __future__ import annotations

import csv
import operator
import re
from array import array
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from robot.config.e164 import e164_of
from robot.config.hints import choice_hint, did_you_mean, e164_hint, yaml_number_hint
from robot.config.yamlsrc import Loc, display_path, load_yaml
from robot.controlchars import CONTROL, first_control_char
from robot.domain.model import Direction, Number
from robot.errors import ConfigError

CNAM_MAX = 15
MAX_CSV_BYTES = 512 * 1024 * 1024
"""About eight million rows as portals export them; far beyond any real inventory."""
MAX_YAML_BYTES = 16 * 1024 * 1024
"""A YAML numbers file is kept by hand; large inventories are CSV (read ten times faster)."""
NOTES_SHOWN = 3
"""Notes of one kind (a name longer than CNAM) listed one by one before they are counted."""
_LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
_OTHER_COLUMNS = ("name", "direction", "trunk", "tags", "logo")
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


Entry = tuple[str, str, str, str, Any, str]
"""The raw text of one entry: number, name, direction, trunk, tags (text or list), logo."""


Shape = tuple[str | None, Direction, str | None, tuple[str, ...], str | None, bool]
"""An entry without its number: name, direction, trunk, tags, logo, and whether the name is
longer than CNAM; shared by every row written the same way."""


class LimitReached(Exception):
    """Enough problems were collected (`max_errors`): the reader stops."""


@dataclass
class NumbersResult:
    """The numbers of one file in order, the line of each, and what was wrong or notable."""

    file: str = ""
    numbers: list[Number] = field(default_factory=list)
    lines: array[int] = field(default_factory=lambda: array("I"))
    errors: list[ConfigError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    max_errors: int | None = None
    long_names: int = 0

    @property
    def entries(self) -> list[NumberEntry]:
        """Each number with its file and line (built on demand: `numbers import`, tests)."""
        return [
            NumberEntry(n, self.file, line)
            for n, line in zip(self.numbers, self.lines, strict=True)
        ]

    def add(self, number: Number, line: int) -> None:
        self.numbers.append(number)
        self.lines.append(line)

    def error(self, problem: ConfigError) -> None:
        self.errors.append(problem)
        if self.max_errors is not None and len(self.errors) >= self.max_errors:
            raise LimitReached

    def long_name(self, line: int, name: str) -> None:
        """A name longer than CNAM at `line` (the first few are listed, the rest counted)."""
        self.long_names += 1
        if self.long_names <= NOTES_SHOWN:
            self.notes.append(
                f'{self.file} line {line}: name "{name}" is {len(name)} characters;'
                f' caller-ID name (CNAM) shows at most {CNAM_MAX}: "{name[:CNAM_MAX]}"'
            )

    def finish(self) -> NumbersResult:
        hidden = self.long_names - NOTES_SHOWN
        if hidden > 0:
            self.notes.append(
                f"{self.file}: {hidden:,} more names are longer than the {CNAM_MAX} characters "
                "caller-ID name (CNAM) shows"
            )
        return self


def column_of(header: str) -> str:
    """`" Display Name "` -> `display_name`."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def read_numbers(
    path: Path,
    trunks: Collection[str] | None,
    project_dir: Path | None = None,
    *,
    max_errors: int | None = None,
) -> NumbersResult:
    """Parse a CSV or YAML numbers file; `trunks=None` skips the trunk reference check,
    `project_dir=None` the check that logo files exist (paths then stay as written);
    reading stops once `max_errors` problems are found."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(path, trunks, project_dir, max_errors)
    return read_csv(path, trunks, project_dir, max_errors=max_errors)


# --- CSV -----------------------------------------------------------------------------------


def read_csv(
    path: Path,
    trunks: Collection[str] | None,
    project_dir: Path | None = None,
    *,
    max_errors: int | None = None,
) -> NumbersResult:
    name = display_path(path)
    result = NumbersResult(file=name, max_errors=max_errors)
    with _open_csv(path, name) as handle:
        try:
            _read_rows(csv.reader(handle), name, _Builder(result, trunks, project_dir))
        except LimitReached:
            pass
        except UnicodeDecodeError:
            raise ConfigError(
                "this line is not UTF-8",
                file=name,
                line=_first_undecodable_line(path),
                hint="save the file as UTF-8",
            ) from None
    return result.finish()


def _open_csv(path: Path, name: str) -> Any:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ConfigError("not a regular file", file=name, hint="give the path of a CSV file")
        if size > MAX_CSV_BYTES:
            raise ConfigError(
                f"larger than {MAX_CSV_BYTES // 2**20} MiB, the limit for a numbers file",
                file=name,
                hint="split it into several numbers files",
            )
        # portals often prepend a BOM; newline="" lets the csv module see quoted line breaks
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise ConfigError("file not found", file=name, hint="check the path") from None
    except (OSError, RuntimeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"cannot read: {reason}", file=name, hint="check the path") from None


def _first_undecodable_line(path: Path) -> int | None:
    """The line holding the first byte that is not UTF-8 (decoding reads ahead in blocks, so
    the error itself does not say; this second look happens only for a broken file)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def _read_rows(reader: Any, name: str, builder: _Builder) -> None:
    """Every row after the header, in one pass. The text of the columns other than the
    number repeats across an inventory (same name, direction, trunk and tags), so it is
    checked once and its `Shape` reused: a row then costs the check of its number. Columns
    ringcheck ignores are not looked at."""
    result = builder.result
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ConfigError(f"CSV error: {exc}", file=name, line=1) from None
    if header is None:
        return
    columns = _header_columns(header, name, result)
    width = len(header)
    at_number = columns.index("number")
    others = [columns.index(c) if c in columns else None for c in _OTHER_COLUMNS]
    present = [i for i in others if i is not None]

    def entry_of(row: list[str]) -> Entry:
        n, d, t, g, lg = (row[i] if i is not None else "" for i in others)
        return (row[at_number], n, d, t, g, lg)

    shape_key = operator.itemgetter(*present) if present else (lambda row: ())
    shapes = builder.shapes
    numbers, lines = result.numbers.append, result.lines.append
    make, e164 = Number, e164_of
    previous = reader.line_num
    while True:
        try:
            for row in reader:
                line, previous = previous + 1, reader.line_num
                shape = shapes.get(shape_key(row)) if len(row) == width else None
                number = e164(row[at_number]) if shape is not None else None
                if number is None or shape is None:
                    _slow_row(row, header, entry_of, shape_key, line, builder)
                    continue
                numbers(make(number, shape[0], shape[1], shape[2], shape[3], shape[4]))
                lines(line)
                if shape[5]:
                    result.long_name(line, shape[0] or "")
            return
        except csv.Error as exc:
            result.error(ConfigError(f"CSV error: {exc}", file=name, line=previous + 1))
            previous = reader.line_num


def _slow_row(
    row: list[str],
    header: list[str],
    entry_of: Callable[[list[str]], Entry],
    shape_key: Callable[[list[str]], Any],
    line: int,
    builder: _Builder,
) -> None:
    """A row the fast path could not take: blank, of the wrong width, with a control
    character, with a problem to report, or the first of its shape."""
    name, result = builder.result.file, builder.result
    if not any(cell.strip() for cell in row):
        return
    if len(row) != len(header):
        result.error(_width_error(row, header, name, line))
        return
    entry = entry_of(row)
    if CONTROL.search(",".join(entry)):
        result.error(_control_error(row, header, name, line))
        return
    builder.add(entry, _same_line(line), line, shape_key(row))


def _same_line(line: int) -> Callable[[str], int]:
    """In a CSV every field of an entry is on the entry's line."""
    return lambda _key: line


def _header_columns(header: list[str], name: str, result: NumbersResult) -> list[str | None]:
    """Known column names in order (None for ignored ones); misspelt headers are errors."""
    columns: list[str | None] = []
    for raw in header:
        col = column_of(raw)
        if col in COLUMNS:
            if COLUMNS[col] in columns:
                raise ConfigError(
                    f"two columns are `{COLUMNS[col]}`",
                    file=name,
                    line=1,
                    key=raw.strip(),
                    hint="keep one of them",
                )
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


def _control_error(row: list[str], header: list[str], name: str, line: int) -> ConfigError:
    column, char = next(
        (h.strip(), first_control_char(cell))
        for h, cell in zip(header, row, strict=True)
        if first_control_char(cell)
    )
    return ConfigError(
        f"control character {char} in the value",
        file=name,
        line=line,
        key=column,
        hint="remove it; an export from a portal may need cleaning",
    )


# --- one number ----------------------------------------------------------------------------


class _Builder:
    """Turns the text of one entry into a `Number`, sharing the strings and tuples that
    repeat across an inventory (names, tags, trunks) and remembering numbers already seen."""

    def __init__(
        self, result: NumbersResult, trunks: Collection[str] | None, project_dir: Path | None
    ) -> None:
        self.result = result
        self.trunks = None if trunks is None else frozenset(trunks)
        self.project_dir = project_dir
        self.shapes: dict[Any, Shape] = {}
        self._names: dict[str, str] = {}
        self._tags: dict[str, tuple[str, ...]] = {}
        self._directions: dict[str, Direction] = {}

    def add(
        self, entry: Entry, line_of: Callable[[str], int], line: int, shape_key: Any = None
    ) -> None:
        """One entry; a problem goes to the result instead. With `shape_key` a good shape
        is remembered for the rows that repeat it."""
        raw_number = entry[0].strip()
        e164 = e164_of(raw_number) if raw_number else None
        if e164 is None:
            self.result.error(_number_error(raw_number, self.result.file, line_of("number")))
            return
        shape = self.shape(entry, line_of)
        if shape is None:
            return
        if shape_key is not None:
            self.shapes[shape_key] = shape
        self.result.add(Number(e164, *shape[:5]), line)
        if shape[5]:
            self.result.long_name(line_of("name"), shape[0] or "")

    def shape(self, entry: Entry, line_of: Callable[[str], int]) -> Shape | None:
        """Everything of an entry but its number, checked; None (and errors) when wrong."""
        _, raw_name, raw_direction, raw_trunk, raw_tags, raw_logo = entry
        file, result = self.result.file, self.result
        direction = self._direction(raw_direction, line_of)
        trunk = raw_trunk.strip() or None
        if trunk is not None and self.trunks is not None and trunk not in self.trunks:
            result.error(
                ConfigError(
                    f'trunk "{trunk}" is not defined in ringcheck.yaml',
                    file=file,
                    line=line_of("trunk"),
                    key="trunk",
                    hint=choice_hint(trunk, self.trunks, "trunks"),
                )
            )
            return None
        name = raw_name.strip() or None
        if name is not None:
            name = self._names.setdefault(name, name)
        logo_ok, logo = _logo_file(raw_logo, file, line_of, self.project_dir, result)
        if direction is None or not logo_ok:
            return None
        long = name is not None and len(name) > CNAM_MAX
        return (name, direction, trunk, self._tag_tuple(raw_tags), logo, long)

    def _direction(self, raw: str, line_of: Callable[[str], int]) -> Direction | None:
        known = self._directions.get(raw)
        if known is not None:
            return known
        text = raw.strip()
        folded = column_of(text) if text else "outbound"
        if folded in Direction._value2member_map_:
            self._directions[raw] = Direction(folded)
            return self._directions[raw]
        self.result.error(
            ConfigError(
                f'direction "{text}" is not one of outbound, bidirectional, inbound_only',
                file=self.result.file,
                line=line_of("direction"),
                key="direction",
                hint=choice_hint(folded, [d.value for d in Direction]),
            )
        )
        return None

    def _tag_tuple(self, raw: Any) -> tuple[str, ...]:
        if isinstance(raw, list):
            return split_tags(raw)
        known = self._tags.get(raw)
        if known is None:
            known = self._tags[raw] = split_tags(raw)
        return known


def _number_error(text: str, file: str, line: int) -> ConfigError:
    if not text:
        return ConfigError(
            "number is empty",
            file=file,
            line=line,
            key="number",
            hint="write the number in E.164 form, e.g. +12025550123",
        )
    return ConfigError(
        f'"{text}" is not a valid E.164 number',
        file=file,
        line=line,
        key="number",
        hint=e164_hint(text),
    )


def _logo_file(
    raw_logo: str,
    file: str,
    line_of: Callable[[str], int],
    project_dir: Path | None,
    result: NumbersResult,
) -> tuple[bool, str | None]:
    """(ok, the logo path made absolute against the project folder, or None when there is
    none); not ok, with an error in `result`, when the file is missing or not a PNG/JPEG."""
    raw = raw_logo.strip()
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
        result.error(
            ConfigError(problem[0], file=file, line=line_of("logo"), key=key, hint=problem[1])
        )
        return False, None
    try:
        return True, str(path.resolve())
    except (OSError, RuntimeError):
        return True, str(path)


def split_tags(value: Any) -> tuple[str, ...]:
    """Tags as a list, or one string separated by `;` or `|` (commas are the CSV's)."""
    items = value if isinstance(value, list) else re.split(r"[;|]", str(value or ""))
    return tuple(t for t in (str(i).strip() for i in items) if t)


# --- YAML ----------------------------------------------------------------------------------


def _read_yaml(
    path: Path, trunks: Collection[str] | None, project_dir: Path | None, max_errors: int | None
) -> NumbersResult:
    doc = load_yaml(path, max_bytes=MAX_YAML_BYTES, aliases=False)
    result = NumbersResult(file=doc.name, max_errors=max_errors)
    builder = _Builder(result, trunks, project_dir)
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
    try:
        for index, item in enumerate(data):
            loc = (*base, index)
            fields = _yaml_fields(doc, loc, item)
            keys = {COLUMNS[column_of(str(k))]: k for k in item}
            entry: Entry = (
                _text(fields.get("number")),
                _text(fields.get("name")),
                _text(fields.get("direction")),
                _text(fields.get("trunk")),
                fields.get("tags") or [],
                _text(fields.get("logo")),
            )
            builder.add(entry, _yaml_line(doc, loc, keys), doc.line(loc))
    except LimitReached:
        pass
    return result.finish()


def _yaml_line(doc: Any, loc: Loc, keys: dict[str, Any]) -> Callable[[str], int]:
    """The line of a field of one YAML entry, by canonical name (as the person spelt it)."""
    return lambda key: int(doc.line((*loc, keys.get(key, key))))


def _yaml_fields(doc: Any, loc: Loc, item: Any) -> dict[str, Any]:
    """The canonical fields of one YAML entry; a key, a type or a character a person must
    fix is raised at once, naming its line."""
    if not isinstance(item, dict):
        raise doc.error(loc, "expected `number: ...` and other keys", "see examples/numbers.yaml")
    fields: dict[str, Any] = {}
    for key, value in item.items():
        col = COLUMNS.get(column_of(str(key)))
        here = (*loc, key)
        if col is None:
            hint = choice_hint(str(key), YAML_KEYS, "known keys")
            raise doc.error(here, f"unknown key `{key}`", hint)
        quote = yaml_number_hint(value) if col == "number" else None
        if quote is not None:
            raise doc.error(here, f"{value} is not a valid E.164 number", quote)
        if col == "tags":
            if isinstance(value, str):
                value = list(split_tags(value))
            elif value is not None and not (
                isinstance(value, list) and all(_is_scalar(v) for v in value)
            ):
                raise doc.error(here, "expected a list of tags", "write `tags: [retail, demo]`")
        elif value is not None and not _is_scalar(value):
            kind = "a list" if isinstance(value, list) else "a mapping"
            raise doc.error(here, f"expected text, not {kind}", f"write `{key}: one value`")
        elif isinstance(value, bool):
            raise doc.error(
                here, f"YAML read it as {str(value).lower()}", f'quote it: {key}: "{value}"'
            )
        for text in value if isinstance(value, list) else [value]:
            char = first_control_char(str(text)) if text is not None else None
            if char is not None:
                raise doc.error(here, f"control character {char} in the value", "remove it")
        fields[col] = value
    return fields


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# --- across files --------------------------------------------------------------------------


def check_duplicates(entries: list[NumberEntry]) -> list[ConfigError]:
    """The same number listed twice (in one file or across files), naming both places."""
    seen: dict[str, NumberEntry] = {}
    errors: list[ConfigError] = []
    for entry in entries:
        first = seen.setdefault(entry.number.e164, entry)
        if first is not entry:
            errors.append(duplicate_error(entry, first))
    return errors


def duplicate_error(entry: NumberEntry, first: NumberEntry) -> ConfigError:
    where = f"line {first.line}" if first.file == entry.file else f"{first.file} line {first.line}"
    return ConfigError(
        f"{entry.number.e164} is listed twice (first at {where})",
        file=entry.file,
        line=entry.line,
        key="number",
        hint="remove one of the two entries",
    )
