"""One path before a run, shared by `run`, `serve`, `demo` and the pytest plugin.

From a scenario, the project (numbers, farm file, trunks) and the store's handset state it
plans the calls; leaves out handsets that are disabled or quarantined (after a recovery check
of the quarantined ones) and names them; signs each call as the scenario says or, when it does
not say, as the call's trunk is set up; keeps the calls the daily budgets allow; and refuses a
run in its quiet hours, without disk for its evidence, or signing on a trunk that cannot sign.
When these checks were assembled by each command they drifted (scheduled runs ignored budgets).
"""

from __future__ import annotations

import dataclasses
import logging
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Protocol

from robot.config.project import Project
from robot.domain.model import Handset as HandsetSpec
from robot.domain.model import Number, Trunk
from robot.domain.scenario import PlannedCall, Scenario, plan, select_handsets
from robot.engine.guards import RunRefused, check_disk, check_quiet_hours, within_budget
from robot.errors import ConfigError, NoHandsetError, UsageError
from robot.ports import Clock, HandsetHealth

log = logging.getLogger(__name__)


class HandsetAvailability(Protocol):
    """Which handsets are in service (`devices.farm.Farm` is the real one)."""

    def enabled(self, spec: HandsetSpec) -> bool: ...

    def quarantined(self, handset_id: str) -> bool: ...

    def recover_quarantined(self, specs: Sequence[HandsetSpec]) -> list[HandsetHealth]: ...


TrunkChooser = Callable[[Number, HandsetSpec], Trunk | None]


class CallCounts(Protocol):
    @property
    def by_number(self) -> dict[str, int]: ...

    @property
    def by_handset(self) -> dict[str, int]: ...


class CallCounter(Protocol):
    """How many calls were made since a moment (`SqlResultStore.calls_since`)."""

    def calls_since(self, since: datetime) -> CallCounts: ...


@dataclass(frozen=True, slots=True)
class CallFilter:
    """What the person narrowed the run to (already resolved: E.164 numbers, carrier ids)."""

    numbers: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class HandsetSkip:
    handset_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class PreparedRun:
    """The calls to make and everything left out, with the reason a person reads."""

    scenario: Scenario
    calls: tuple[PlannedCall, ...]
    skipped: tuple[str, ...] = ()  # planned calls not made (daily budgets)
    handsets_skipped: tuple[HandsetSkip, ...] = ()  # disabled or quarantined
    refusal: str | None = None  # a dry run only: why the run would be refused now
    notes: tuple[str, ...] = ()  # what will shape the run (trunk limits), for the dry run

    def skipped_lines(self) -> list[str]:
        """Everything left out, one line each, for summaries, JUnit and logs."""
        return [f"{s.handset_id}: {s.reason}" for s in self.handsets_skipped] + list(self.skipped)


def prepare_run(
    project: Project,
    scenario: Scenario,
    *,
    availability: HandsetAvailability,
    counter: CallCounter,
    clock: Clock,
    only: CallFilter = CallFilter(),
    dry_run: bool = False,
    ignore_quiet_hours: bool = False,
    trunk_for: TrunkChooser | None = None,
) -> PreparedRun:
    """Plan `scenario` for a run now. Raises `RunRefused` (quiet hours, no disk, budgets all
    spent), `NoHandsetError` (every handset out of service), `ConfigError` (signing on a trunk
    without a key) or `UsageError` (nothing selected); a dry run raises only the last two and
    reports a refusal in `PreparedRun.refusal` instead. `trunk_for` is how the run will pick
    each call's trunk (the virtual farm's differs); by default the number's trunk."""
    now = clock.now()
    choose = trunk_for or (lambda number, handset: _trunk_of(number, project))
    candidates = _candidates(project, scenario, only)
    usable, out = _in_service(candidates, availability, recover=not dry_run)
    calls = plan(scenario, project.numbers, usable, seed=only.seed)
    if only.numbers:
        calls = [c for c in calls if c.number.e164 in only.numbers]
    calls, elsewhere = _at_their_sites(calls, project)
    calls = _signed(calls, scenario, choose)
    counts = counter.calls_since(_day_start(now, project.timezone))
    kept, over_budget = within_budget(scenario, calls, _made_today(counts))
    notes = trunk_notes(kept, choose)
    left_out = (*elsewhere, *over_budget)
    prepared = PreparedRun(scenario, tuple(kept), left_out, tuple(out), notes=notes)
    refusal = _refusal(project, scenario, prepared, now, ignore_quiet_hours, dry_run)
    if dry_run:
        return dataclasses.replace(prepared, refusal=refusal)
    if refusal is not None:
        raise RunRefused(refusal)
    return prepared


def _candidates(project: Project, scenario: Scenario, only: CallFilter) -> list[HandsetSpec]:
    """The handsets the scenario (and --carrier) select, before asking which are in service."""
    everyone = [dataclasses.replace(h, enabled=True) for h in project.handsets]
    chosen = select_handsets(scenario.handsets, everyone)
    if only.carriers:
        chosen = [h for h in chosen if h.carrier in only.carriers]
    by_id = {h.id: h for h in project.handsets}
    return [by_id[h.id] for h in chosen]


def _in_service(
    candidates: Sequence[HandsetSpec], availability: HandsetAvailability, *, recover: bool
) -> tuple[list[HandsetSpec], list[HandsetSkip]]:
    """Enabled handsets not in quarantine; a quarantined one gets a recovery check first."""
    enabled, out = [], []
    for spec in candidates:
        if availability.enabled(spec):
            enabled.append(dataclasses.replace(spec, enabled=True))
        else:
            out.append(HandsetSkip(spec.id, "disabled (`ringcheck devices enable` to use it)"))
    quarantined = [s for s in enabled if availability.quarantined(s.id)]
    recovered: set[str] = set()
    if recover and quarantined:
        health = availability.recover_quarantined(quarantined)
        recovered = {h.handset_id for h in health if h.healthy}
        for h in health:
            if h.healthy:
                log.info("handset %s passed its recovery check: back in service", h.handset_id)
    for spec in quarantined:
        if spec.id not in recovered:
            out.append(
                HandsetSkip(
                    spec.id,
                    "quarantined after repeated device errors "
                    "(`ringcheck devices check` puts it back once healthy)",
                )
            )
    skipped = {s.handset_id for s in out}
    return [s for s in enabled if s.id not in skipped], out


def _at_their_sites(
    calls: list[PlannedCall], project: Project
) -> tuple[list[PlannedCall], list[str]]:
    """With sites, a call is made from its handset's site: a number whose trunk that site
    does not dial from is left out, and said so."""
    if not project.sites:
        return calls, []
    kept, out = [], []
    for call in calls:
        site = project.site_of(call.handset.id)
        trunk = call.number.trunk
        if site is not None and trunk is not None and site.trunks and trunk not in site.trunks:
            out.append(
                f"{call.number.e164} -> {call.handset.id}: site {site.name} does not dial from"
                f" trunk `{trunk}` (its trunks: {', '.join(site.trunks)})"
            )
            continue
        kept.append(call)
    return kept, out


def _trunk_of(number: Number, project: Project) -> Trunk | None:
    if not project.trunks:
        return None
    return project.trunk(number.trunk) if number.trunk else project.trunks[0]


def _signed(
    calls: list[PlannedCall], scenario: Scenario, trunk_for: TrunkChooser
) -> list[PlannedCall]:
    """Each call's attestation: the trunk's own when the scenario does not say; a level asked
    for on a trunk that cannot sign is refused up front rather than failing call by call."""
    out = []
    for call in calls:
        trunk = trunk_for(call.number, call.handset)
        if scenario.call.signing_from_trunk:
            level = trunk.signing.attestation if trunk and trunk.signing else None
            call = dataclasses.replace(call, attestation=level)
        elif call.attestation is not None and (trunk is None or trunk.signing is None):
            name = trunk.name if trunk else "(none)"
            raise ConfigError(
                f"scenario {scenario.name} signs calls from {call.number.e164} with "
                f"attestation {call.attestation.value}, but trunk `{name}` has no signing key",
                file=scenario.source or None,
                key="call.signing",
                hint=f"add a `signing:` section to trunk `{name}` in ringcheck.yaml, "
                "or set `signing: none` to dial unsigned",
            )
        out.append(call)
    return out


def trunk_notes(calls: Sequence[PlannedCall], trunk_for: TrunkChooser) -> tuple[str, ...]:
    """Where a trunk's limits will shape the run: more handsets than concurrent calls (calls
    queue for a slot), or a calls-per-second rate that makes the run long."""
    by_trunk: dict[str, tuple[Trunk, set[str], int]] = {}
    for call in calls:
        trunk = trunk_for(call.number, call.handset)
        if trunk is None:
            continue
        _, handsets, count = by_trunk.get(trunk.name, (trunk, set(), 0))
        by_trunk[trunk.name] = (trunk, handsets | {call.handset.id}, count + 1)
    notes = []
    for name, (trunk, handsets, count) in sorted(by_trunk.items()):
        if len(handsets) > trunk.max_concurrent_calls:
            notes.append(
                f"trunk `{name}` allows {trunk.max_concurrent_calls} concurrent calls and "
                f"{len(handsets)} handsets share it: calls wait for a free slot"
            )
        if trunk.cps > 0 and count / trunk.cps >= 60:
            notes.append(
                f"trunk `{name}` places {trunk.cps:g} calls/s: its {count} calls take at least "
                f"{count / trunk.cps / 60:.0f} min to dial"
            )
    return tuple(notes)


def _day_start(now: datetime, timezone: str) -> datetime:
    """Midnight of today in the project's time zone: when daily budgets start again."""
    local = now.astimezone(zoneinfo.ZoneInfo(timezone))
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


def _made_today(counts: CallCounts) -> Callable[[str, str], int]:
    def made_today(kind: str, key: str) -> int:
        source = counts.by_number if kind == "number" else counts.by_handset
        return source.get(key, 0)

    return made_today


def _refusal(
    project: Project,
    scenario: Scenario,
    prepared: PreparedRun,
    now: datetime,
    ignore_quiet_hours: bool,
    dry_run: bool,
) -> str | None:
    """Why this run must not start now, or None. Raised as errors for a nothing-to-do run."""
    if not prepared.calls:
        _nothing_to_do(scenario, prepared, dry_run)
    try:
        if not ignore_quiet_hours:
            check_quiet_hours(scenario, now)
        if not dry_run and project.evidence_url is None:  # a bucket has no disk to fill
            check_disk(project.artifacts_dir, len(prepared.calls))
    except RunRefused as exc:
        return str(exc)
    return None


def _nothing_to_do(scenario: Scenario, prepared: PreparedRun, dry_run: bool) -> None:
    if prepared.skipped:
        if dry_run:
            return
        raise RunRefused(
            f"scenario {scenario.name}: every planned call is over its daily budget "
            f"({len(prepared.skipped)} left out; budgets start again at midnight)"
        )
    if prepared.handsets_skipped:
        if dry_run:
            return
        names = "; ".join(f"{s.handset_id} {s.reason}" for s in prepared.handsets_skipped)
        raise NoHandsetError(f"scenario {scenario.name}: no handset is in service ({names})")
    raise UsageError(
        f"scenario {scenario.name} selects no calls "
        "(check its numbers and handsets, and --number/--carrier)"
    )
