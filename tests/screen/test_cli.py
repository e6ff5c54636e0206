"""`ringcheck read-screen` as a user types it (a real process, no project)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.screen.synth import render


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from robot.cli.app import main; main()", "read-screen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )


def _find(seed_from: int, want: str) -> bytes:
    """A generated screen with the wanted label placement (the generator is seeded)."""
    for seed in range(seed_from, seed_from + 400):
        sample = render(seed, "google-dark")
        truth = sample.truth
        if want == "prefix" and truth.spam_label == "[SPAM?]":
            return sample.image
        if want == "name_slot" and truth.spam_label and truth.name is None:
            return sample.image
    raise AssertionError(f"no {want} screen in the seeds")


def test_json_lines_and_a_bad_file_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "prefix.png").write_bytes(_find(100, "prefix"))
    (tmp_path / "slot.png").write_bytes(_find(100, "name_slot"))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not really")
    result = run(
        "prefix.png",
        "broken.png",
        "slot.png",
        "--json",
        "--dialer",
        "google",
        "--jobs",
        "2",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "broken.png: " in result.stderr and "Traceback" not in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in rows] == ["prefix.png", "slot.png"]
    keys = {
        "file",
        "name",
        "number",
        "spam_label",
        "spam_class",
        "verified",
        "logo",
        "call_reason",
        "confidence",
        "ms",
        "engine",
        "disagreements",
        "surface",
        "uncertain",
    }
    assert all(keys <= set(r) for r in rows)
    assert all(r["surface"] == "full_screen" and r["uncertain"] == [] for r in rows)
    prefix, slot = rows
    assert prefix["spam_label"] == "[SPAM?]" and prefix["spam_class"] == "spam"
    assert prefix["name"] and not prefix["name"].startswith("[")
    assert slot["name"] is None and slot["spam_label"]
    for row in rows:
        assert isinstance(row["verified"], bool) and isinstance(row["logo"], bool)
        assert set(row["confidence"]) >= {"name", "number", "spam_label", "verified"}


def test_table_output_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "ok.png").write_bytes(render(3, "samsung").image)
    result = run("ok.png", "missing.png", cwd=tmp_path)
    assert result.returncode == 1
    assert "missing.png: No such file or directory" in result.stderr
    assert "ok.png" in result.stdout and "verified" in result.stdout


def test_unknown_language_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "ok.png").write_bytes(render(3, "samsung").image)
    result = run("ok.png", "--lang", "klingon", cwd=tmp_path)
    assert result.returncode == 2
    assert "klingon" in result.stderr and "Traceback" not in result.stderr


def test_page_source_disagreement_is_in_the_json(tmp_path: Path) -> None:
    sample = render(11, "google-light")
    (tmp_path / "screen.png").write_bytes(sample.image)
    rid = "com.google.android.dialer:id/contactgrid_contact_name"
    (tmp_path / "page.xml").write_text(
        f'<hierarchy><node resource-id="{rid}" text="Someone Else" /></hierarchy>'
    )
    args = ("screen.png", "--json", "--dialer", "google", "--page-source", "page.xml")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["name"] == "Someone Else" and row["uncertain"] == ["name"]
    assert {"field": "name", "screen": sample.truth.name, "page_source": "Someone Else"} in row[
        "disagreements"
    ]


def test_a_batch_on_several_processes_reads_the_same_in_the_same_order(tmp_path: Path) -> None:
    names = []
    for seed in range(4):
        sample = render(40 + seed, "google-dark")
        (tmp_path / f"s{seed}.png").write_bytes(sample.image)
        names.append(f"s{seed}.png")
    one = run(*names, "--json", "--jobs", "1", cwd=tmp_path)
    two = run(*names, "--json", "--jobs", "2", cwd=tmp_path)
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    rows_one = [json.loads(line) for line in one.stdout.splitlines()]
    rows_two = [json.loads(line) for line in two.stdout.splitlines()]
    assert [r["file"] for r in rows_two] == names
    fields = ("name", "number", "spam_label", "verified", "logo", "surface", "uncertain")
    assert [[r[f] for f in fields] for r in rows_one] == [[r[f] for f in fields] for r in rows_two]


def test_text_off_a_screen_cannot_style_the_terminal(tmp_path: Path) -> None:
    sample = render(3, "samsung")
    (tmp_path / "ok.png").write_bytes(sample.image)
    result = run("ok.png", cwd=tmp_path)
    assert "\x1b[" not in result.stdout  # not a terminal: no styling at all
