"""Query words of the console and API, resolved with the same vocabulary as the CLI: numbers
by E.164, tag or brand; carriers by id or name; dates as days, ISO weeks, times or ages; an
outcome as a delivery (`blocked`), a verdict (`fail`) or what the screen showed (`labelled`).
Anything unknown is refused with the valid values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from robot.cli.dates import FORMS, parse_moment
from robot.config.hints import did_you_mean, parse_e164
from robot.config.project import Project
from robot.domain.model import AttemptStatus, CheckState, Delivery
from robot.errors import UsageError
from robot.selectors import resolve_carrier, resolve_numbers
from robot.store.console_queries import AttemptFilter
from robot.store.states import ScreenState

DELIVERIES = tuple(d.value for d in Delivery)
VERDICTS = tuple(c.value for c in CheckState)
STATES = tuple(s.value for s in ScreenState)
STATUSES = tuple(s.value for s in AttemptStatus)
OUTCOMES = (*VERDICTS, *DELIVERIES, *STATES, *STATUSES)


def numbers(words: Sequence[str], project: Project) -> tuple[str, ...]:
    """E.164 numbers for the words; a well-formed number no longer in the project still
    selects its old attempts."""
    out: list[str] = []
    for word in words:
        e164 = parse_e164(word)
        known = e164 is not None and any(n.e164 == e164 for n in project.numbers)
        if e164 is not None and not known:
            out.append(e164)
        else:
            out.extend(resolve_numbers([word], project, option="number"))
    return tuple(dict.fromkeys(out))


def carriers(words: Sequence[str], project: Project) -> tuple[str, ...]:
    return tuple(dict.fromkeys(resolve_carrier(w, project, option="carrier") for w in words))


def moment(text: str | None, option: str, now: datetime, *, end: bool = False) -> datetime | None:
    if not text:
        return None
    try:
        return parse_moment(text, now, option, end=end)
    except UsageError as exc:
        raise UsageError(f"{exc} ({option} takes {FORMS})") from None


def outcomes(words: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Split outcome words into deliveries, verdicts, screen states and statuses."""
    groups: dict[str, list[str]] = {"verdicts": [], "deliveries": [], "states": [], "statuses": []}
    for word in words:
        value = word.strip().lower()
        if value in VERDICTS:
            groups["verdicts"].append(value)
        elif value in DELIVERIES:
            groups["deliveries"].append(value)
        elif value in STATES:
            groups["states"].append(value)
        elif value in STATUSES:
            groups["statuses"].append(value)
        else:
            near = did_you_mean(value, list(OUTCOMES))
            hint = f"did you mean `{near}`? " if near else ""
            raise UsageError(
                f"outcome {word!r}: {hint}use a verdict ({', '.join(VERDICTS)}), a delivery "
                f"({', '.join(DELIVERIES)}), what the screen showed ({', '.join(STATES)}) or a "
                f"status ({', '.join(STATUSES)})"
            )
    return {k: tuple(dict.fromkeys(v)) for k, v in groups.items()}


def attempt_filter(
    project: Project,
    now: datetime,
    *,
    number: Sequence[str] = (),
    carrier: Sequence[str] = (),
    scenario: Sequence[str] = (),
    outcome: Sequence[str] = (),
    handset: str | None = None,
    run: int | None = None,
    since: str | None = None,
    until: str | None = None,
) -> AttemptFilter:
    start = moment(since, "since", now)
    stop = moment(until, "until", now, end=True)
    if start is not None and stop is not None and stop <= start:
        raise UsageError(f"until {until} is not after since {since}")
    split = outcomes(outcome)
    return AttemptFilter(
        numbers=numbers(number, project),
        carriers=carriers(carrier, project),
        scenarios=tuple(dict.fromkeys(s for s in scenario if s)),
        deliveries=split["deliveries"],
        verdicts=split["verdicts"],
        states=split["states"],
        statuses=split["statuses"],
        handset=handset or None,
        run_id=run,
        since=start,
        until=stop,
    )
