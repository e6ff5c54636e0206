"""Load YAML while remembering the line of every key and list item.

Pydantic reports a problem as a `loc` tuple such as `("handsets", 2, "carrier")`; `YamlDoc`
maps that back to the line a person has to edit, so every config error can say
`farm.yaml line 23: handsets[2].carrier: ...`.
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


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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

    def __init__(self, loader: yaml.SafeLoader, doc: YamlDoc) -> None:
        self.loader = loader
        self.doc = doc

    def build(self, node: Node, loc: Loc) -> Any:
        self.doc.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.doc.lines[(*loc, index)] = item.start_mark.line + 1
                items.append(self.build(item, (*loc, index)))
            return items
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.doc.error(loc, "a key must be plain text", "remove the nested key")
            key = self.loader.construct_object(key_node)
            line = key_node.start_mark.line + 1
            child = (*loc, key)
            if key in result:
                first = self.doc.lines[child]
                raise ConfigError(
                    f"key `{key}` appears twice (first at line {first})",
                    file=self.doc.name,
                    line=line,
                    key=key_path(child),
                    hint="keep one of them",
                )
            self.doc.lines[child] = line
            result[key] = self.build(value_node, child)
        return result


def load_yaml(path: Path) -> YamlDoc:
    """Read `path`; syntax errors become a ConfigError with the file, line and nearby key."""
    doc = YamlDoc(path=path, data=None)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("file not found", file=doc.name, hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=doc.name) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            doc.data = _Builder(loader, doc).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            f"YAML syntax error: {exc.problem or exc.context}",
            file=doc.name,
            line=line,
            key=_nearby_key(text, line) if line else None,
            hint="check indentation, the `key: value` colon and quotes on this or the line above",
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"YAML error: {exc}", file=doc.name, hint="fix the YAML") from None
    finally:
        loader.dispose()
    return doc


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
