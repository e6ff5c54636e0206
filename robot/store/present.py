"""Which of many evidence names are files in a local folder, one path resolution per folder.

A report links the evidence of thousands of attempts (12 000 names on a million-attempt store)
and resolving every name on its own (`Path.resolve`: a `lstat` per path part) cost 2 s. Names
share a few folders (`YYYY/MM/DD/run<id>/`), so each folder is resolved once and checked to lie
inside the root, and each name then costs one `lstat`. A name that is itself a link is resolved
in full, so a link cannot lead a report out of the folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path


def present_in(root: Path, names: Iterable[str], single: Callable[[str], bool]) -> set[str]:
    """The `names` that are regular files inside `root` (already resolved); `single(name)` is
    the one-name check, used for names that are links."""
    return set(files_in(root, names, single))


def files_in(root: Path, names: Iterable[str], single: Callable[[str], bool]) -> dict[str, Path]:
    """The path of each of `names` that is a regular file inside `root` (see `present_in`);
    a link is given as the file it leads to."""
    folders: dict[str, Path | None] = {}
    found: dict[str, Path] = {}
    for name in set(names):
        head, _, leaf = name.rpartition("/")
        if not name or leaf in ("", ".", "..") or "\x00" in name:
            continue
        if head not in folders:
            folders[head] = _inside(root, head)
        folder = folders[head]
        if folder is None:
            continue
        path = folder / leaf
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode):
            found[name] = path
        elif stat.S_ISLNK(mode) and single(name):
            found[name] = path.resolve()
    return found


def _inside(root: Path, relative: str) -> Path | None:
    """The folder `relative` names, resolved, or None when it leaves `root` or is not one."""
    if not relative:
        return root
    if relative.startswith("/"):
        return None
    folder = (root / relative).resolve()
    if folder != root and root not in folder.parents:
        return None
    return folder if folder.is_dir() else None
