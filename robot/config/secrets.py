"""Secrets come from the environment only; this module is the one place that reads them.

It also finds secrets a person wrote into a file (a `password:` key, a URL with
`user:pass@`), and reports them without ever repeating the value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from robot.config.hints import is_secret_key
from robot.config.yamlsrc import Loc, YamlDoc
from robot.errors import ConfigError

_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key"})
SECRET_HINT = "use password_env: NAME and export NAME"
URL_HINT = "write the password as ${NAME} in the URL and export NAME"


def secret_from_env(var_name: str, what: str) -> str:
    """The value of `var_name`; the error names the variable and its use, never a value."""
    value = os.environ.get(var_name)
    if not value:
        raise ConfigError(
            f"environment variable {var_name} is not set ({what})",
            hint=f"export {var_name}=...",
        )
    return value


def expand_env_refs(text: str, what: str) -> str:
    """Replace each `${NAME}` with its (URL-quoted) value; call this at use time only."""
    return _REF.sub(lambda m: quote(secret_from_env(m.group(1), what), safe=""), text)


def url_has_literal_secret(url: str) -> bool:
    """True when a URL carries a password that is not a `${ENV}` reference."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return False
    if password and not _REF.fullmatch(password):
        return True
    return any(
        is_secret_key(key) and value and not _REF.fullmatch(value)
        for key, value in parse_qsl(parts.query)
    )


def check_no_secrets(doc: YamlDoc, skip: tuple[str, ...] = ("sim",)) -> None:
    """Raise on the first secret written into `doc` (top-level keys in `skip` are not searched)."""
    for loc, problem in _walk(doc.data, ()):
        if loc and loc[0] in skip:
            continue
        hint = SECRET_HINT
        if "URL" in problem:
            hint = URL_HINT
        elif "header" in problem:
            hint = "remove it: SIP credentials come from auth_user and password_env"
        elif loc[0] == "alerts":
            hint = "use url_env: NAME and export NAME; webhook URLs embed a token"
        raise doc.error(loc, f"secret written into file ({problem})", hint)


def _walk(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            here = (*loc, key)
            literal = (
                isinstance(child, str | int | float)
                and not isinstance(child, bool)
                and bool(str(child).strip())
            )
            # `${NAME}` is a reference, not a secret: adapters expand it with expand_env_refs.
            if isinstance(key, str) and literal and not _REF.fullmatch(str(child).strip()):
                if is_secret_key(key) or (loc[:1] == ("alerts",) and key == "url"):
                    yield here, f"`{key}` holds a literal value"
                    continue
                if key.lower() in _SECRET_HEADERS:
                    yield here, f"header `{key}` holds a literal credential"
                    continue
            yield from _walk(child, here)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, (*loc, index))
    elif isinstance(value, str) and "://" in value and url_has_literal_secret(value):
        yield loc, "the URL carries a password"
