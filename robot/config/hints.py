"""Small helpers that turn a mistake into a suggestion: did-you-mean, E.164 repair, env names.

Kept apart so every loader words its hints the same way.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_DIALABLE = re.compile(r"^\+[\d\s\-().]+$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Keys whose literal value would be a secret sitting in a file (compared case-insensitively,
# after dropping a vendor prefix such as `appium:`).
SECRET_KEYS = frozenset(
    {
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "auth_token",
        "access_token",
        "client_secret",
        "private_key",
        "key_password",
        "webhook_url",
    }
)
# Suffixes without `_` also catch camelCase capability names such as `keychainPassword`.
SECRET_SUFFIXES = ("password", "secret", "token", "passwd")


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest choice to `word`, or None when nothing is close enough to suggest."""
    options = list(choices)
    folded = {c.lower(): c for c in options}
    match = difflib.get_close_matches(word.lower(), list(folded), n=1, cutoff=cutoff)
    return folded[match[0]] if match else None


def choice_hint(word: str, choices: Iterable[str], what: str = "one of") -> str:
    """`did you mean `x`?` when something is close, else the list of allowed values."""
    options = sorted(set(choices))
    near = did_you_mean(word, options)
    if near is not None:
        return f"did you mean `{near}`?"
    if not options:
        return "nothing is defined yet"
    return f"{what}: " + ", ".join(options)


def is_secret_key(key: str) -> bool:
    """True for keys such as `password`, `appium:password`, `api_token` (but not `*_env`)."""
    base = key.rsplit(":", 1)[-1].strip().lower().replace("-", "_")
    if base.endswith("_env"):
        return False
    return base in SECRET_KEYS or base.endswith(SECRET_SUFFIXES)


def parse_e164(raw: str) -> str | None:
    """The E.164 form of `raw` when it is a valid number written with a leading `+`."""
    text = raw.strip()
    # Only digits and the usual separators: phonenumbers would accept letters (vanity
    # numbers) and extensions, neither of which can be a caller ID.
    if not _DIALABLE.match(text):
        return None
    import phonenumbers  # 20 ms to import: only where a number is read

    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def e164_hint(raw: str) -> str:
    """Suggest a repaired number only when the repair is itself a valid number."""
    digits = re.sub(r"\D", "", raw)
    candidates = [f"+{digits}"]
    if len(digits) == 10 and not raw.strip().startswith("+"):
        candidates.append(f"+1{digits}")  # a North American number written without its +1
    for candidate in candidates:
        fixed = parse_e164(candidate)
        if fixed is not None and digits:
            return f"did you mean {fixed}?"
    return "write it as + country code and number, digits only, e.g. +12025550123"


def yaml_number_hint(value: object) -> str | None:
    """YAML reads an unquoted `+12025550123` as an integer and drops the `+`: say so."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f'YAML read it as a plain number: quote it, e.g. "+{value}"'
    return None
