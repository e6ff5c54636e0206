"""Helpers to break a copied example project in one precise place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CliResult:
    """What a person sees after typing a command."""

    code: int
    stdout: str
    stderr: str


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a project file; fails loudly when the example changed under the test."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path.name}")
