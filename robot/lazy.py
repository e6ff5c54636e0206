"""Package attributes imported on first use (PEP 562), so importing a package is cheap.

`robot.store` re-exports names from modules that import SQLAlchemy and Alembic; `reports`
from modules that import Jinja2 and Pillow. A command that needs one name should not pay for
the rest: each package lists its exports here and loads a module when one of its names is
first read. Type checkers see the real imports under `TYPE_CHECKING`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports `exports[name]` (a module path)
    when `name` is first read, and caches the attribute in the package."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return __getattr__
