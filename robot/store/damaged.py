"""Reading rows that may be damaged: a store edited by hand, a disk fault, an old bug.

A listing that meets one bad value (`verdict_checks` that is not JSON, `dialed_at = 'garbage'`)
must not stop: the row is shown with what can be read, and the columns that could not are named
in `Attempt.damaged`. The usual path reads with SQLAlchemy's own type processing; only when
that fails are the rows read again here, raw, and decoded column by column.

PostgreSQL checks JSON and timestamps itself, so in practice this is SQLite's concern; the
decoders accept the driver's Python values too, so the same code serves both.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa

from robot.domain.model import (
    Attempt,
    AttemptStatus,
    Attestation,
    Delivery,
    DisplayState,
    LabelClass,
    LabelSource,
    Surface,
    Transport,
    Tristate,
)
from robot.store.types import UtcDateTime

PLACEHOLDER_TIME = datetime(1970, 1, 1, tzinfo=UTC)
"""Stands in for a required time that cannot be read; the column is listed as damaged."""

DECODE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)
"""What converting a bad stored value raises (json's and datetime's errors are ValueErrors)."""

_ENUMS: dict[str, type[Enum]] = {
    "delivery": Delivery,
    "attestation": Attestation,
    "spam_class": LabelClass,
    "verified": Tristate,
    "surface": Surface,
    "label_source": LabelSource,
    "display_state": DisplayState,
    "transport": Transport,
}
# A part of an attempt is present when its key column is set (see robot/store/mapping.py);
# a part that cannot be mapped is dropped whole by clearing that column.
_PARTS = {
    "sip": "call_id",
    "reading": "verified",
    "verdict": "verdict_checks",
    "settings": "settings",
}


def raw_select(table: sa.Table) -> list[sa.ColumnElement[Any]]:
    """Every column of `table`, timestamps and JSON as the driver returns them (unprocessed)."""
    return [
        sa.type_coerce(column, sa.types.NullType()).label(column.name)
        if isinstance(column.type, sa.JSON | UtcDateTime)
        else column
        for column in table.columns
    ]


def decode_row(table: sa.Table, raw: Mapping[Any, Any]) -> tuple[dict[str, Any], list[str]]:
    """Column values decoded as the store's types would, and the columns that could not be
    (set to None)."""
    values = dict(raw)
    damaged: list[str] = []
    for column in table.columns:
        value = values.get(column.name)
        if value is None:
            continue
        decode = _decoder(column.type)
        if decode is None:
            continue
        try:
            values[column.name] = decode(value)
        except DECODE_ERRORS:
            values[column.name] = None
            damaged.append(column.name)
    return values, damaged


def _decoder(kind: Any) -> Callable[[Any], Any] | None:
    if isinstance(kind, UtcDateTime):
        return _utc
    if isinstance(kind, sa.JSON):
        return lambda v: json.loads(v) if isinstance(v, str | bytes) else v
    return None


def _utc(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"not a time: {type(value).__name__}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc_or_none(value: Any) -> datetime | None:
    """A stored time, or None when it cannot be read."""
    try:
        return None if value is None else _utc(value)
    except DECODE_ERRORS:
        return None


def attempt_from_damaged_row(
    raw: Mapping[Any, Any], to_attempt: Callable[[Mapping[Any, Any]], Attempt]
) -> Attempt:
    """The attempt of a row some of whose values cannot be read: those are left out (a part
    such as the verdict is dropped whole) and named in `Attempt.damaged`."""
    from robot.store.schema import attempts

    values, damaged = decode_row(attempts, raw)
    if values.get("dialed_at") is None:
        values["dialed_at"] = PLACEHOLDER_TIME
        damaged.append("dialed_at")
    if values.get("status") not in AttemptStatus._value2member_map_:
        values["status"] = AttemptStatus.INTERRUPTED.value
        damaged.append("status")
    for column, kind in _ENUMS.items():
        if values.get(column) is not None and values[column] not in kind._value2member_map_:
            values[column] = None
            damaged.append(column)
    for _ in range(len(_PARTS) + 1):
        try:
            attempt = to_attempt(values)
        except DECODE_ERRORS:
            part = _failing_part(values, to_attempt)
            values[_PARTS[part]] = None
            damaged.append(part)
            continue
        return dataclasses.replace(attempt, damaged=tuple(dict.fromkeys(damaged)))
    raise AssertionError("an attempt without SIP outcome, reading and verdict always maps")


def _failing_part(
    values: dict[str, Any], to_attempt: Callable[[Mapping[Any, Any]], Attempt]
) -> str:
    """Which optional part (SIP outcome, reading, verdict) makes the row fail to map."""
    for part, key in _PARTS.items():
        if values.get(key) is None:
            continue
        trial = {**values, **{k: None for p, k in _PARTS.items() if p != part}}
        try:
            to_attempt(trial)
        except DECODE_ERRORS:
            return part
    return next(part for part, key in _PARTS.items() if values.get(key) is not None)
