"""`ringcheck results …` as a user types it, against a store the test fills."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from robot.cli.dates import parse_age, parse_moment
from robot.domain.model import Reading, Tristate
from robot.errors import UsageError
from robot.store import open_store
from robot.store_location import store_location
from tests.store import factory


def ringcheck(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RINGCHECK_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", "from robot.cli.app import main; main()", *args],
        cwd=cwd,
        env={**full_env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def filled(tmp_path: Path) -> tuple[str, list[int]]:
    url = f"sqlite:///{tmp_path / 'data' / 'results.db'}"
    store = open_store(url)
    run = store.start_run(factory.run())
    assert run.id is not None
    recent = datetime.now(UTC) - timedelta(days=1)
    full = factory.full_attempt(run.id, dialed_at=recent)
    hostile = dataclasses.replace(
        factory.simple(run.id, "+12025550101", "att", recent + timedelta(minutes=1)),
        reading=Reading(name='=HYPERLINK("http://x")', verified=Tristate.YES, logo=True),
    )
    old = factory.simple(run.id, "+12025550102", "verizon", recent - timedelta(days=200))
    ids = [store.record_attempt(a).id or 0 for a in (full, hostile, old)]
    store.finish_run(run)  # a finished run: `results prune` spares runs in progress
    store.close()
    return url, ids


def test_export_json_shape(filled: tuple[str, list[int]], tmp_path: Path) -> None:
    url, ids = filled
    out = tmp_path / "export.json"
    proc = ringcheck("results", "export", "--format", "json", "--out", str(out), cwd=tmp_path,
                     env={"RINGCHECK_STORE_URL": url})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert [row["id"] for row in data] == [ids[2], ids[0], ids[1]]  # oldest first
    required = {"id", "run", "dialed_at", "number", "carrier", "handset", "delivery",
                "final_code", "name", "number_shown", "spam_label", "spam_class",
                "verified", "logo", "verdict"}  # fmt: skip
    assert all(required <= set(row) for row in data)
    full, hostile = data[1], data[2]
    assert full["verified"] is False and full["logo"] is False
    assert full["spam_label"] == "Scam Likely" and full["spam_class"] == "scam"
    assert full["final_code"] == 487 and full["handset"] == "pixel-7-tmo"
    assert full["verdict"]["passed"] is False
    assert datetime.fromisoformat(full["dialed_at"]).utcoffset() == timedelta(0)
    assert hostile["verified"] is True and hostile["logo"] is True
    assert data[0]["verified"] is None and data[0]["verdict"] is None


def test_export_csv_quotes_formulas(filled: tuple[str, list[int]], tmp_path: Path) -> None:
    url, _ = filled
    proc = ringcheck("results", "export", "--format", "csv", cwd=tmp_path,
                     env={"RINGCHECK_STORE_URL": url})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 3
    assert rows[2]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["number"] == "+12025550100"  # phone numbers are not mangled
    assert rows[1]["verdict"] == "fail"


def test_list_filters_and_json(filled: tuple[str, list[int]], tmp_path: Path) -> None:
    url, ids = filled
    env = {"RINGCHECK_STORE_URL": url}
    proc = ringcheck("results", "list", "--since", "30d", "--carrier", "att", "--json",
                     cwd=tmp_path, env=env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert [row["id"] for row in json.loads(proc.stdout)] == [ids[1]]
    table = ringcheck("results", "list", "--number", "+12025550100", cwd=tmp_path, env=env)
    assert table.returncode == 0, table.stderr
    assert "Scam Likely" in table.stdout and "pixel-7-tmo" in table.stdout
    assert "+12025550101" not in table.stdout


def test_prune_and_bad_age(filled: tuple[str, list[int]], tmp_path: Path) -> None:
    url, ids = filled
    env = {"RINGCHECK_STORE_URL": url}
    proc = ringcheck("results", "prune", "--older-than", "90d", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "pruned 1 attempt(s)" in proc.stdout
    bad = ringcheck("results", "prune", "--older-than", "soon", cwd=tmp_path, env=env)
    assert bad.returncode == 2
    assert "90d" in bad.stderr and "Traceback" not in bad.stderr
    store = open_store(url)
    assert sorted(a.id or 0 for a in store.attempts()) == sorted(ids[:2])
    store.close()


def test_default_store_is_in_the_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RINGCHECK_STORE_URL", raising=False)
    url = store_location(tmp_path).url
    assert url == f"sqlite:///{tmp_path.resolve() / '.ringcheck' / 'results.db'}"
    monkeypatch.setenv("RINGCHECK_STORE_URL", "sqlite:////elsewhere/r.db")
    assert store_location(tmp_path).url == "sqlite:////elsewhere/r.db"


def test_a_project_store_is_found_from_its_store_keys_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`results list` reads the store and evidence keys only: the same answer as the whole
    project gives, and a broken numbers file does not hide the results already recorded."""
    from robot.config import load_project
    from robot.store_location import evidence_of, store_url

    monkeypatch.delenv("RINGCHECK_STORE_URL", raising=False)
    monkeypatch.setenv("RC_TEST_DB_DIR", "data")
    (tmp_path / "ringcheck.yaml").write_text(
        "store: sqlite:///${RC_TEST_DB_DIR}/results.db\nevidence: shots\ntimezone: UTC\n",
        encoding="utf-8",
    )
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("Number,Display Name\n+12025550100,Northwind Bank\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    project = load_project(tmp_path)
    where = store_location(tmp_path)
    assert where.url == store_url(project) == f"sqlite:///{tmp_path.resolve()}/data/results.db"
    assert where.artifacts_dir == project.artifacts_dir == tmp_path.resolve() / "shots"
    assert type(where.evidence()) is type(evidence_of(project))
    store = open_store(where.url)
    store.start_run(factory.run())
    store.close()
    numbers.write_text("Number\n555\n", encoding="utf-8")  # now broken
    listed = ringcheck("results", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    checked = ringcheck("config", "check", cwd=tmp_path)
    assert checked.returncode == 2 and "numbers.csv" in checked.stderr


def test_a_password_in_the_project_file_is_refused_by_store_readers(tmp_path: Path) -> None:
    (tmp_path / "ringcheck.yaml").write_text(
        "store: postgresql+psycopg://rc:hunter2@db.example/rc\n", encoding="utf-8"
    )
    listed = ringcheck("results", "list", cwd=tmp_path)
    assert listed.returncode == 2
    assert "ringcheck.yaml" in listed.stderr and "hunter2" not in listed.stderr
    assert "Traceback" not in listed.stderr


def test_ages_and_dates() -> None:
    now = datetime(2026, 11, 29, 12, tzinfo=UTC)
    assert parse_age("90d") == timedelta(days=90)
    assert parse_age("12w") == timedelta(weeks=12)
    assert parse_moment("7d", now) == now - timedelta(days=7)
    assert parse_moment("2026-11-23", now) == datetime(2026, 11, 23, tzinfo=UTC)
    assert parse_moment("2026-11-23", now, end=True) == datetime(2026, 11, 24, tzinfo=UTC)
    assert parse_moment("2026-11-23T08:00", now) == datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert parse_moment("2026-W48", now) == datetime(2026, 11, 23, tzinfo=UTC)
    assert parse_moment("2026-W48", now, "--until", end=True) == datetime(2026, 11, 30, tzinfo=UTC)
    with pytest.raises(UsageError, match="--since"):
        parse_moment("last tuesday", now)
    with pytest.raises(UsageError, match="ISO week"):
        parse_moment("last tuesday", now)
