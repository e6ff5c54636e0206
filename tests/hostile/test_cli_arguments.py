"""Extreme and wrong command-line arguments: one line, exit 2, the argument named, nothing
created or lost (issue 17, items 5 and 7)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tests.hostile.conftest import ROOT, Cli, assert_one_line_error
from tests.support.peers import free_port


@pytest.fixture
def recorded(cli: Cli, project: Path) -> Path:
    """The example project with a store holding one run and one attempt."""
    from tests.hostile.stores import store_with_one_attempt

    store_with_one_attempt(project)
    return project


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("results", "list", "--since", "99999999999d"), ("--since", "100 years")),
        (("results", "list", "--until", "9999-12-31"), ("--until 9999-12-31", "outside")),
        (("results", "list", "--since", "0001-01-01"), ("--since 0001-01-01", "outside")),
        (("results", "list", "--since", "9999-W52"), ("--since 9999-W52", "outside")),
        (("results", "list", "--limit", "99999999999999999999"), ("--limit",)),
        (("results", "list", "--limit", "-5"), ("--limit -5",)),
        (("results", "list", "--run", "99999999999999999999"), ("--run",)),
        (("results", "prune", "--older-than", "99999999999d"), ("--older-than", "100 years")),
        (("runs", "show", "99999999999999999999"), ("run 99999999999999999999",)),
        (("runs", "list", "--limit", "99999999999999999999"), ("--limit",)),
        (("report", "--since", "0001-01-01", "--until", "0001-01-07"), ("--since", "outside")),
        (("report", "--since", "9999-12-25", "--until", "9999-12-31"), ("outside",)),
        (("report", "--since", "1971-01-01", "--until", "2999-12-31"), ("five years",)),
        (("evidence", "+12025550101", "--out", "e.zip", "--since", "0001-01-01"), ("outside",)),
        (("devices", "show", "pixel8-tmo", "--limit", "99999999999999999999"), ("--limit",)),
    ],
)
def test_extreme_dates_and_numbers(
    cli: Cli, recorded: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    before = (recorded / ".ringcheck" / "results.db").stat().st_size
    assert_one_line_error(cli(*args), 2, *fragments)
    assert (recorded / ".ringcheck" / "results.db").stat().st_size == before
    assert not (recorded / "e.zip").exists()


def test_read_only_commands_never_create_a_store(cli: Cli, project_tmp: Path) -> None:
    for args in (
        ("results", "list"),
        ("results", "export", "--format", "csv"),
        ("results", "prune", "--older-than", "90d"),
        ("report",),
        ("evidence", "+12025550101", "--out", "e.zip"),
    ):
        assert_one_line_error(cli(*args), 2, "no ringcheck.yaml and no results store")
    assert list(project_tmp.iterdir()) == []


def test_read_only_commands_in_a_project_without_runs(cli: Cli, project: Path) -> None:
    """Nothing recorded yet reads as empty, and still creates nothing."""
    listed = cli("results", "list", "--json")
    assert (listed.code, listed.stdout.strip()) == (0, "[]"), listed.stderr
    assert cli("runs", "list").code == 0
    assert_one_line_error(cli("runs", "show", "1"), 2, "no run 1")
    assert_one_line_error(cli("report"), 1, "no attempts in the store yet")
    assert not (project / ".ringcheck").exists()


def _bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header announcing a huge all-black picture (a few kilobytes on disk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(min(height, 200)))
    data += compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(
        b"IEND", b""
    )


def test_read_screen_decompression_bomb(cli: Cli, project_tmp: Path) -> None:
    (project_tmp / "bomb.png").write_bytes(_bomb_png(20_000, 20_000))
    result = cli("read-screen", "bomb.png", memory_mb=800)
    line = result.stderr.strip()
    assert "Traceback" not in result.stderr and len(line.splitlines()) == 1, result.stderr
    assert line.startswith("bomb.png: 20000x20000 pixels is larger than any phone screen")
    assert result.code == 1  # read-screen's contract: unreadable files are listed, exit 1


def test_read_screen_page_source_missing(cli: Cli, project_tmp: Path) -> None:
    (project_tmp / "x.png").write_bytes(_bomb_png(10, 10))
    result = cli("read-screen", "x.png", "--page-source", "nosuch.xml")
    assert_one_line_error(result, 2, "--page-source nosuch.xml", "file not found")


def test_report_out_is_an_existing_file(cli: Cli, recorded: Path) -> None:
    (recorded / "existing").write_text("keep me", encoding="utf-8")
    result = cli("report", "--out", "existing")
    assert_one_line_error(result, 2, "--out existing is a file")
    assert (recorded / "existing").read_text(encoding="utf-8") == "keep me"


def test_second_serve_on_the_same_health_port(cli: Cli, project: Path) -> None:
    port = free_port()
    taken = socket.create_server(("127.0.0.1", port))
    try:
        result = cli("serve", "--health-port", str(port), timeout_s=60)
    finally:
        taken.close()
    assert_one_line_error(result, 2, f"--health-port {port}", "another `ringcheck serve`")


def test_an_internal_error_is_one_line_with_details_behind_v(project_tmp: Path) -> None:
    """A bug (not bad input) still prints one line and exit 70; -v shows the traceback."""
    code = (
        "from robot.cli import app; "
        "app.app.registered_commands.clear(); "
        "app.app.command('boom')(lambda: 1 / 0); "
        "app.main()"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for verbose in (False, True):
        args = [sys.executable, "-c", code, *(["-v"] if verbose else []), "boom"]
        proc = subprocess.run(
            args, cwd=project_tmp, env=env, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 70, proc.stderr
        assert "internal error (ZeroDivisionError: division by zero)" in proc.stderr
        assert ("Traceback" in proc.stderr) is verbose


def test_json_output_is_still_json(cli: Cli, recorded: Path) -> None:
    result = cli("results", "list", "--json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)[0]["number"] == "+12025550101"
