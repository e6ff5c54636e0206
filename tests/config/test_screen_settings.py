"""`screen: escalate:` in ringcheck.yaml: when lines Tesseract doubts are read again with the
second OCR engine. Checked when the project loads; `always` without the engine installed
stops a run before any call, `auto` without it says so once and reads with Tesseract alone."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from robot.config import load_project
from robot.errors import ConfigError
from robot.screen.escalate import Escalation, resolve_escalation
from robot.wiring import screen_readers

from .conftest import Cli
from .test_broken_input import assert_rejected


def _set(project: Path, value: str) -> int:
    """Set `screen: escalate:` in the example project; returns the setting's line."""
    path = project / "ringcheck.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    [index] = [i for i, line in enumerate(lines) if line.startswith("  escalate: ")]
    lines[index] = f"  escalate: {value}\n"
    path.write_text("".join(lines), encoding="utf-8")
    return index + 1


@pytest.fixture
def without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """RapidOCR not installed, as Python sees a module blocked in sys.modules."""
    monkeypatch.setitem(sys.modules, "rapidocr", None)


def test_auto_is_the_default_and_each_value_is_kept(project: Path) -> None:
    _set(project, "never")
    assert load_project(project).escalation is Escalation.NEVER
    path = project / "ringcheck.yaml"
    path.write_text(path.read_text().replace("screen:\n  escalate: never\n", ""))
    assert load_project(project).escalation is Escalation.AUTO


def test_a_misspelt_value_is_named_with_its_line_and_a_suggestion(cli: Cli, project: Path) -> None:
    line = _set(project, "alway")
    message = assert_rejected(
        cli, project, "ringcheck.yaml", line, "screen.escalate", "did you mean `always`?"
    )
    assert "auto, always, never" in message


def test_always_without_the_engine_fails_before_any_reader_starts(
    project: Path, without_the_extra: None
) -> None:
    _set(project, "always")
    loaded = load_project(project)
    assert any("runs will not start" in note for note in loaded.notes)  # config check says it
    with pytest.raises(ConfigError) as caught:
        screen_readers(loaded)
    assert caught.value.key == "screen.escalate"
    assert caught.value.hint is not None and "ringcheck[ocr-escalation]" in caught.value.hint


def test_auto_without_the_engine_reads_with_tesseract_alone_and_says_so_once(
    caplog: pytest.LogCaptureFixture, without_the_extra: None
) -> None:
    with caplog.at_level(logging.WARNING, logger="robot.screen.escalate"):
        assert resolve_escalation(Escalation.AUTO) is False
    [record] = caplog.records
    assert "Tesseract alone" in record.getMessage()
    caplog.clear()
    assert resolve_escalation(Escalation.NEVER) is False
    assert caplog.records == []  # never asked for: nothing to say
