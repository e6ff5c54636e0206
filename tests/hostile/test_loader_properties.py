"""Property tests: whatever bytes, text or YAML structure a file holds, every loader either
loads it or raises one `ConfigError` whose message is a single printable line.

Hypothesis drives the loaders in-process (fast, so a few hundred examples each stay within
seconds); the CLI tests beside this one check the same promise end to end.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robot.config import load_project
from robot.config.farm import load_farm
from robot.config.numbers import read_numbers
from robot.config.yamlsrc import load_yaml
from robot.controlchars import CONTROL
from robot.errors import ConfigError
from robot.scenario.load import load_scenario
from tests.hostile.conftest import EXAMPLES

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["+12025550101", "sim", "outbound", "android", "UTC", "A", "[x]", "*a"]),
)
keys = st.one_of(
    st.sampled_from(
        [
            "name", "number", "trunks", "host", "port", "numbers", "farm", "handsets",
            "carrier", "msisdn", "platform", "id", "tags", "direction", "signing", "expect",
            "call", "schedule", "cron", "timezone", "store", "headers", "password", "sim",
        ]
    ),
    st.text(max_size=12),
)  # fmt: skip
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)
    ),
    max_leaves=30,
)


def _assert_clean(error: ConfigError) -> None:
    text = str(error)
    assert text and "\n" not in text
    # the CLI escapes what a message quotes; the message itself must still say where
    assert error.file is not None or error.key is not None or error.hint is not None, text


def _loads_or_config_error(load: Callable[[], Any]) -> None:
    try:
        load()
    except ConfigError as error:
        _assert_clean(error)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    for item in EXAMPLES.iterdir():
        if item.is_file():
            shutil.copy(item, tmp_path / item.name)
    return tmp_path


@SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes_in_any_file(example: Path, data: bytes) -> None:
    for name, load in (
        ("any.yaml", lambda p: load_yaml(p)),
        ("farm.yaml", lambda p: load_farm(p)),
        ("numbers.csv", lambda p: read_numbers(p, ["sim"], example)),
        ("numbers.yaml", lambda p: read_numbers(p, ["sim"], example)),
        ("scenario.yaml", lambda p: load_scenario(p)),
    ):
        path = example / name
        path.write_bytes(data)
        _loads_or_config_error(lambda path=path, load=load: load(path))


@SETTINGS
@given(text=st.text(max_size=300))
def test_random_unicode_as_the_project_file(example: Path, text: str) -> None:
    (example / "ringcheck.yaml").write_text(text, encoding="utf-8")
    _loads_or_config_error(lambda: load_project(example))


@SETTINGS
@given(data=structures)
def test_random_yaml_structures_in_every_file(example: Path, data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    for name, load in (
        ("ringcheck.yaml", lambda: load_project(example)),
        ("farm.yaml", lambda: load_farm(example / "farm.yaml")),
        ("numbers.yaml", lambda: read_numbers(example / "numbers.yaml", ["sim"], example)),
        ("scenario.yaml", lambda: load_scenario(example / "scenario.yaml")),
    ):
        original = (example / name).read_bytes() if (example / name).exists() else None
        (example / name).write_text(text, encoding="utf-8")
        _loads_or_config_error(load)
        if original is not None:
            (example / name).write_bytes(original)


@SETTINGS
@given(
    file=st.sampled_from(["ringcheck.yaml", "farm.yaml", "numbers.yaml", "numbers.csv"]),
    position=st.floats(min_value=0, max_value=1),
    insert=st.text(max_size=12),
)
def test_valid_files_with_random_text_inserted(
    example: Path, file: str, position: float, insert: str
) -> None:
    original = (EXAMPLES / file).read_text(encoding="utf-8")
    at = int(position * len(original))
    (example / file).write_text(original[:at] + insert + original[at:], encoding="utf-8")
    _loads_or_config_error(lambda: load_project(example))
    (example / file).write_text(original, encoding="utf-8")


@SETTINGS
@given(row=st.lists(st.text(max_size=20), min_size=1, max_size=7))
def test_random_csv_rows(tmp_path: Path, row: list[str]) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "name", "direction", "trunk", "tags"])
    writer.writerow(row)
    path = tmp_path / "n.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    try:
        result = read_numbers(path, ["sim"], tmp_path)
    except ConfigError as error:
        _assert_clean(error)
        return
    for problem in result.errors:
        _assert_clean(problem)
    for number in result.numbers:
        assert number.expected_name is None or not CONTROL.search(number.expected_name)
