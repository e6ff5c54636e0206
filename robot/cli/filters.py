"""`--carrier` and `--number` for commands that read the store (results, evidence).

The same words as `ringcheck run`: a carrier by id or by the name people know, a number by
E.164, tag or brand. Carriers stored with results count too, so a store copied from
elsewhere (no project here) can still be filtered; anything unknown is refused with the valid
values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from robot.cli.context import CliState
from robot.config.store_settings import PROJECT_FILE
from robot.errors import UsageError

if TYPE_CHECKING:
    from robot.config import Project
    from robot.store import SqlResultStore


def project_or_none(state: CliState) -> Project | None:
    """The project of the folder, or None for a plain folder holding only a store."""
    if not (state.project_dir / PROJECT_FILE).is_file():
        return None
    from robot.config import load_project  # only a filter needs the whole project

    return load_project(state.project_dir)


def carriers_for(
    state: CliState, store: SqlResultStore, words: Sequence[str]
) -> tuple[str, ...]:
    if not words:
        return ()
    from robot.selectors import resolve_carrier
    from robot.store import report_queries as q
    from robot.store.engine import read_tx

    project = project_or_none(state)
    with read_tx(store.engine) as conn:
        stored = q.known_carriers(conn)
    return tuple(dict.fromkeys(resolve_carrier(w, project, stored=stored) for w in words))


def numbers_for(state: CliState, words: Sequence[str]) -> tuple[str, ...]:
    if not words:
        return ()
    from robot.config.hints import e164_hint, parse_e164
    from robot.selectors import resolve_numbers

    project = project_or_none(state)
    if project is not None:
        return resolve_numbers(words, project)
    out = []
    for word in words:
        e164 = parse_e164(word)
        if e164 is None:
            raise UsageError(
                f"--number {word!r}: not an E.164 number ({e164_hint(word)}); tags and brands "
                "need the project (--project DIR)"
            )
        out.append(e164)
    return tuple(out)
