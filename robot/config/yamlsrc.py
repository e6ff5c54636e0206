"""Load YAML while remembering the line of every key and list item.

Pydantic reports a problem as a `loc` tuple such as `("handsets", 2, "carrier")`; `YamlDoc`
maps that back to the line a person has to edit, so every config error can say
`farm.yaml line 23: handsets[2].carrier: ...`.

A file is hostile until read: it is read only up to a size cap, control characters are
reported with their line before PyYAML sees them, nesting is bounded, and aliases may expand
to at most `ALIAS_BUDGET` nodes (a nine-level "billion laughs" would otherwise build billions
of objects from a few hundred bytes); data files refuse anchors and aliases altogether.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from robot.errors import ConfigError

Loc = tuple[str | int, ...]

MAX_YAML_BYTES = 2 * 1024 * 1024
"""Settings, farm and scenario files are a few kilobytes; 2 MiB is far beyond any of them."""
ALIAS_BUDGET = 10_000
"""Nodes that aliases and merge keys (`<<: *defaults`) may add when expanded."""
MAX_DEPTH = 64


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the current folder when inside it
    (as given when it cannot be resolved, e.g. a symlink loop)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def read_capped(path: Path, max_bytes: int, name: str, what: str = "file") -> bytes:
    """The bytes of `path`, refusing anything larger than `max_bytes` (read no further)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ConfigError("file not found", file=name, hint="check the path") from None
    except IsADirectoryError:
        raise ConfigError(f"is a folder, not a {what}", file=name, hint="check the path") from None
    except (OSError, RuntimeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"cannot read: {reason}", file=name, hint="check the path") from None
    if len(data) > max_bytes:
        raise ConfigError(
            f"larger than {max_bytes // (1024 * 1024)} MiB, the limit for a {what}",
            file=name,
            hint="check that this is the right file",
        )
    return data


def decode_utf8(data: bytes, name: str) -> str:
    """UTF-8 text (a leading BOM dropped); a bad byte is reported with its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"byte 0x{data[exc.start]:02x} is not UTF-8",
            file=name,
            line=line,
            hint="save the file as UTF-8",
        ) from None


def key_path(loc: Sequence[str | int]) -> str:
    """`("handsets", 2, "carrier")` -> `handsets[2].carrier`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class YamlDoc:
    """Plain Python data from one YAML file plus the line of each key path."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def line(self, loc: Sequence[str | int]) -> int:
        """Line of the deepest known prefix of `loc` (a missing key points at its parent)."""
        parts = tuple(loc)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)

    def error(self, loc: Sequence[str | int], message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(
            message, file=self.name, line=self.line(loc), key=key_path(loc) or None, hint=hint
        )


class _Builder:
    """Turns a composed node tree into dicts/lists/scalars, recording lines as it goes."""

    def __init__(self, loader: yaml.SafeLoader, doc: YamlDoc, *, aliases: bool) -> None:
        self.loader = loader
        self.doc = doc
        self.aliases = aliases
        self.seen: set[int] = set()
        self.expanded = 0

    def build(self, node: Node, loc: Loc, *, shared: bool = False) -> Any:
        """`shared`: this node was reached through an alias (or a merge key) and is being
        built once more; each such node counts against the alias budget."""
        if len(loc) > MAX_DEPTH:
            raise self.doc.error(loc, f"nested more than {MAX_DEPTH} levels deep", "flatten it")
        shared = shared or id(node) in self.seen
        self.seen.add(id(node))
        if shared:  # lines inside an alias are the anchor's: keep those of where it is used
            self._count_alias(loc)
        else:
            self.doc.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc, shared)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                if not shared:
                    self.doc.lines[(*loc, index)] = item.start_mark.line + 1
                items.append(self.build(item, (*loc, index), shared=shared))
            return items
        return self.loader.construct_object(node, deep=True)

    def _count_alias(self, loc: Loc) -> None:
        if not self.aliases:  # a merge key of an inline mapping (aliases stop earlier)
            raise self.doc.error(loc, _NO_ALIASES, _WRITE_OUT)
        self.expanded += 1
        if self.expanded > ALIAS_BUDGET:
            raise self.doc.error(
                loc,
                f"aliases expand to more than {ALIAS_BUDGET:,} values",
                "write the values out, or use fewer nested aliases",
            )

    def _mapping(self, node: MappingNode, loc: Loc, shared: bool) -> dict[Any, Any]:
        own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys, put first
        merged = len(node.value) - own
        result: dict[Any, Any] = {}
        for position, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, ScalarNode):
                raise self.doc.error(loc, "a key must be plain text", "remove the nested key")
            key = self.loader.construct_object(key_node)
            child = (*loc, key)
            from_merge = position < merged
            if key in result and not from_merge and child in self.doc.lines:
                raise ConfigError(
                    f"key `{key}` appears twice (first at line {self.doc.lines[child]})",
                    file=self.doc.name,
                    line=key_node.start_mark.line + 1,
                    key=key_path(child),
                    hint="keep one of them",
                )
            if not (shared or from_merge):  # a merged key keeps the line of its mapping
                self.doc.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child, shared=shared or from_merge)
        return result


def load_yaml(path: Path, *, max_bytes: int = MAX_YAML_BYTES, aliases: bool = True) -> YamlDoc:
    """Read `path`; every problem (size, encoding, control characters, syntax, aliases)
    becomes a ConfigError naming the file, the line and a fix. `aliases=False` refuses anchors
    and aliases (data files, where they are never needed)."""
    doc = YamlDoc(path=path, data=None)
    text = decode_utf8(read_capped(path, max_bytes, doc.name, "YAML file"), doc.name)
    _check_printable(text, doc.name)
    try:
        loader = yaml.SafeLoader(text) if aliases else _NoAliasLoader(text)
    except yaml.YAMLError as exc:  # the reader refuses what _check_printable let through
        raise ConfigError(f"YAML error: {_one_line(exc)}", file=doc.name) from None
    try:
        node = loader.get_single_node()
        if node is not None:
            doc.data = _Builder(loader, doc, aliases=aliases).build(node, ())
    except _AliasRefused as exc:
        line = exc.mark.line + 1
        raise ConfigError(
            _NO_ALIASES, file=doc.name, line=line, key=_nearby_key(text, line), hint=_WRITE_OUT
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            f"YAML syntax error: {_one_line(exc.problem or exc.context)}",
            file=doc.name,
            line=line,
            key=_nearby_key(text, line) if line else None,
            hint="check indentation, the `key: value` colon and quotes on this or the line above",
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"YAML error: {_one_line(exc)}", file=doc.name, hint="fix the YAML"
        ) from None
    except RecursionError:
        raise ConfigError(
            f"nested more than {MAX_DEPTH} levels deep", file=doc.name, hint="flatten it"
        ) from None
    finally:
        loader.dispose()
    return doc


_NO_ALIASES = "anchors and aliases (`&name`, `*name`, `<<:`) are not allowed in this file"
_WRITE_OUT = "write each entry out in full"


class _AliasRefused(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses an alias where it is used (its line), before anything is expanded."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            raise _AliasRefused(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        return super().compose_node(parent, index)


# What PyYAML refuses anywhere in a file (it allows tab, LF, CR, NEL and printable text).
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _check_printable(text: str, name: str) -> None:
    """A control character anywhere in the file, reported by line before PyYAML sees it."""
    match = _NOT_YAML.search(text)
    if match is None:
        return
    line = text.count("\n", 0, match.start()) + 1
    raise ConfigError(
        f"control character U+{ord(match.group(0)):04X} is not allowed in YAML",
        file=name,
        line=line,
        hint="remove it; inside double quotes an escape such as \\t is allowed",
    )


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?([^\s#:'\"][^:#]*?)\s*:(?:\s|$)")


def _nearby_key(text: str, line: int) -> str | None:
    """Best guess of the key path around a syntax error, from indentation of earlier lines."""
    stack: list[tuple[int, str]] = []
    for raw in text.splitlines()[:line]:
        match = _KEY_LINE.match(raw)
        if not match:
            continue
        indent = len(match.group(1)) + (2 if raw.lstrip().startswith("- ") else 0)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match.group(2).strip()))
    return ".".join(name for _, name in stack) or None
