"""Run a pydantic model over YAML data and turn its first complaint into a ConfigError.

Pydantic's own wording ("Extra inputs are not permitted") does not tell a person what to type;
here each error kind gets a message and a hint, and the `loc` becomes a file line.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from robot.config.hints import choice_hint, did_you_mean, is_secret_key
from robot.config.yamlsrc import Loc, YamlDoc
from robot.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
# The pattern of a SIP header name in the models; an error that quotes it gets its own words.
HEADER_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9\-]*$"


def validate(model: type[M], doc: YamlDoc, data: Any, base: Loc = ()) -> M:
    """`model` built from `data` (found at `base` in `doc`), or the first problem as ConfigError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # A misspelt key also makes the real key "missing": report the typo, it is the cause.
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        raise to_config_error(model, doc, first, base) from None


def to_config_error(
    model: type[BaseModel], doc: YamlDoc, err: ErrorDetails, base: Loc
) -> ConfigError:
    loc: Loc = tuple(p for p in err["loc"] if isinstance(p, int) or not _is_tag(p))
    full = (*base, *loc)
    kind = err["type"]
    field = str(loc[-1]) if loc and isinstance(loc[-1], str) else None
    secret = any(isinstance(p, str) and (is_secret_key(p) or p.endswith("_env")) for p in loc)
    value = err.get("input")
    if kind == "extra_forbidden" and field is not None:
        allowed = sorted(fields_at(model, loc[:-1]))
        near = did_you_mean(field, allowed)
        hint = f"did you mean `{near}`?" if near else "allowed keys: " + ", ".join(allowed)
        return doc.error(full, f"unknown key `{field}`", hint)
    if kind == "missing" and field is not None:
        return doc.error(full, f"missing required key `{field}`", f"add `{field}: ...`")
    if kind in ("enum", "literal_error"):
        choices = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        shown = "" if secret else f"`{value}` "
        return doc.error(
            full, f"{shown}is not one of {', '.join(choices)}", choice_hint(str(value), choices)
        )
    if kind == "model_type" or kind == "dict_type":
        return doc.error(full, "expected a mapping of `key: value` lines", "indent the keys below")
    if kind == "list_type":
        return doc.error(full, "expected a list", "write each item on its own line starting `- `")
    if kind == "string_pattern_mismatch" and field in _PATTERN_WORDS:
        what, example = _PATTERN_WORDS[field]
        return doc.error(full, f"`{value}` is not {what}", f"write it like {example}")
    pattern = err.get("ctx", {}).get("pattern")
    if kind == "string_pattern_mismatch" and pattern == HEADER_NAME_PATTERN:
        return doc.error(full, f"`{value}` is not a SIP header name", "write it like X-Campaign")
    message = err["msg"].removeprefix("Value error, ")
    if not secret and isinstance(value, str | int | float | bool) and kind != "value_error":
        message = f"`{value}`: {message}"
    if "control character" in message:
        return doc.error(full, message, "remove it; a value here is one line of plain text")
    return doc.error(full, message, _hint_for(kind))


_PATTERN_WORDS = {
    "x5u": ("an http(s) URL", "https://certs.example.com/sp.pem"),
    "appium_url": ("an http(s) URL", "http://127.0.0.1:4723"),
    "locale": ("a locale", "en-US"),
    "public_url": ("an http(s) URL", "https://ringcheck.example.com"),
}


def _hint_for(kind: str) -> str:
    if kind.startswith(("int_", "float_")):
        return "write a plain number"
    if kind.startswith("bool"):
        return "write true or false"
    if kind.startswith("string") or kind == "str_type":
        return "write text; quote it if it looks like a number"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return "change the value to fit the limit"
    return "fix the value"


def _is_tag(part: str) -> bool:
    """Pydantic adds union/validator tags such as `function-after[...]` to locs; skip them."""
    return "[" in part or part in {"str", "int", "float", "bool", "list", "dict", "none"}


def fields_at(model: type[BaseModel], loc: Loc) -> set[str]:
    """Names of the fields of the model found at `loc` inside `model` (for did-you-mean)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return set()
        info = _fields(current).get(part)
        if info is None:
            return set()
        current = _model_in(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return set(_fields(current))
    return set()


def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """Fields by the key a person writes (the alias when there is one)."""
    return {info.alias or name: info for name, info in model.model_fields.items()}


def _model_in(annotation: Any) -> Any:
    """The BaseModel inside `Foo | None`, `list[Foo]`, `dict[str, Foo]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return None
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
