"""A damaged store and a pruning during a run (issue 17, items 4 and 5): listings show a
damaged row as damaged and go on; `results prune` never takes a live run's ground."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from robot.domain.model import AttemptStatus, RunStatus
from tests.hostile.conftest import Cli, assert_no_raw_controls
from tests.hostile.stores import damage, project_store, record


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("verdict_checks", "{not json"),
        ("dialed_at", "garbage"),
        ("sip_events", '"a string, not a list"'),
        ("status", "exploded"),
        ("settings", "[1, 2]"),
    ],
)
def test_a_damaged_row_is_shown_as_damaged(
    cli: Cli, project: Path, column: str, value: str
) -> None:
    store = project_store(project)
    try:
        _, attempts = record(store, numbers=3)
    finally:
        store.close()
    bad = attempts[1]
    assert bad.id is not None
    if column == "sip_events":
        damage(project, bad.id, "call_id", "x@y")
    damage(project, bad.id, column, value)

    listed = cli("results", "list", "--json")
    assert listed.code == 0, listed.stderr
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    assert set(rows) == {a.id for a in attempts}  # every row, the damaged one too
    assert rows[bad.id]["damaged"] and rows[attempts[0].id]["damaged"] == []

    table = cli("results", "list")
    assert table.code == 0 and "damaged" in table.stdout, table.stderr
    assert "Traceback" not in table.stderr

    shown = cli("runs", "show", str(bad.run_id), "--json")
    assert shown.code == 0, shown.stderr

    bundle = cli("evidence", bad.number, "--out", "e.zip")
    assert bundle.code == 0, bundle.stderr
    with zipfile.ZipFile(project / "e.zip") as archive:
        assert "attempts.json" in archive.namelist()


def test_prune_during_a_run_keeps_the_run(cli: Cli, project: Path) -> None:
    store = project_store(project)
    try:
        old_run, _ = record(store, numbers=2, age=timedelta(days=30))
        live_run, live = record(store, numbers=2, age=timedelta(minutes=5), finish=False)
    finally:
        store.close()

    result = cli("results", "prune", "--older-than", "0d")
    assert result.code == 0, result.stderr
    assert "pruned 2 attempt(s), 1 run(s)" in result.stdout
    assert f"run(s) {live_run.id} began: still in progress" in result.stdout

    store = project_store(project)
    try:
        assert store.run(old_run.id or 0) is None
        kept = store.attempts(run_id=live_run.id)
        assert {a.id for a in kept} == {a.id for a in live}
        # the run goes on: its attempts can still be completed, then the run finished
        done = store.record_attempt(dataclasses.replace(kept[0], status=AttemptStatus.COMPLETED))
        assert done.id == kept[0].id
        store.finish_run(
            dataclasses.replace(live_run, status=RunStatus.COMPLETED, ended_at=datetime.now(UTC))
        )
    finally:
        store.close()
    again = cli("results", "prune", "--older-than", "0d")
    assert again.code == 0 and "pruned 2 attempt(s), 1 run(s)" in again.stdout, again.stdout
    assert "in progress" not in again.stdout


def test_names_with_escape_sequences_from_the_store_are_printed_escaped(
    cli: Cli, project: Path
) -> None:
    """Text read off a screen lands in the store; printed, it must not drive the terminal."""
    store = project_store(project)
    try:
        _, attempts = record(store, name="\x1b]0;pwned\x07\x1b[2J\u202eknaB")
    finally:
        store.close()
    attempt_id = attempts[0].id
    assert attempt_id is not None
    damage(project, attempt_id, "error", "\x1b[31mred\x9b2J")
    for args in (
        ("results", "list"),
        ("results", "list", "--json"),
        ("results", "export", "--format", "csv"),
        ("results", "export", "--format", "json"),
        ("runs", "show", str(attempts[0].run_id)),
        ("runs", "show", str(attempts[0].run_id), "--json"),
    ):
        result = cli(*args)
        assert result.code in (0, 1), (args, result.stderr)
        assert_no_raw_controls(result.stdout + result.stderr)
        if args[0] == "results":  # these print the name read off the screen
            assert "\\x1b" in result.stdout or "\\u001b" in result.stdout, (args, result.stdout)
