"""Reading scenario files into `Scenario`s, checked against the project they run in.

Errors carry the file, line, key path and a fix, like every other file a person writes.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

from robot.config.hints import choice_hint, e164_hint, parse_e164
from robot.config.project import Project
from robot.config.validate import validate
from robot.config.yamlsrc import YamlDoc, load_yaml
from robot.domain.alerts import CHECKS, MUTE_ALL, AlertChannel, AlertOptions
from robot.domain.model import (
    Attestation,
    CheckState,
    DialerKind,
    DisplayState,
    OutcomeExpectation,
    Platform,
)
from robot.domain.model import VerifiedExpectation as Verified
from robot.domain.scenario import (
    CallOptions,
    DnoChoice,
    EndBy,
    ExpectationSpec,
    HandsetSelector,
    NumberSelector,
    Pairing,
    QuietHours,
    Scenario,
    Schedule,
)
from robot.errors import ConfigError, UsageError
from robot.scenario.models import ScenarioModel
from robot.selectors import carrier_hint, project_carriers, resolve_carrier

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SUFFIXES = (".yaml", ".yml")


def load_scenario(path: Path, project: Project | None = None) -> Scenario:
    """Load one scenario file; with a project, its references are checked too."""
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise doc.error((), "a scenario file is a mapping of keys", "start with `name: ...`")
    model = validate(ScenarioModel, doc, doc.data)
    _check_semantics(model, doc)
    if project is not None:
        check_references(model, doc, project)
    # A schedule or quiet hours without their own zone are in the project's local time.
    return _to_domain(model, doc, project.timezone if project is not None else "UTC")


def _check_semantics(model: ScenarioModel, doc: YamlDoc) -> None:
    for loc, zone in _zones(model):
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise doc.error(
                loc, f'unknown time zone "{zone}"', "use an IANA name such as Europe/Paris"
            ) from None
    if model.schedule is not None:
        _check_schedule(model, doc)
    for i, raw in enumerate(model.numbers.numbers):
        number = parse_e164(raw)
        if number is None:
            raise doc.error(
                ("numbers", "list", i), f'"{raw}" is not a valid E.164 number', e164_hint(raw)
            )
        model.numbers.numbers[i] = number
    if "trunk" in model.call.signing and len(model.call.signing) > 1:
        raise doc.error(
            ("call", "signing"),
            "`trunk` means each trunk's own signing and cannot be combined with levels",
            "list levels such as [none, A, B, C], or write `signing: trunk` alone",
        )
    if model.pairing == "sampled" and model.sample is None:
        raise doc.error(("sample",), "sampled pairing needs a sample size", "add `sample: 10`")
    _check_mute(model, doc)


def _check_mute(model: ScenarioModel, doc: YamlDoc) -> None:
    mute = model.alerts.mute
    for i, check in enumerate(mute if isinstance(mute, list) else []):
        if check != MUTE_ALL and check not in CHECKS:
            raise doc.error(
                ("alerts", "mute", i),
                f'"{check}" is not a check',
                choice_hint(check, CHECKS, "checks") + "; `mute: true` mutes every check",
            )


def _zones(model: ScenarioModel) -> list[tuple[tuple[str, ...], str]]:
    zones: list[tuple[tuple[str, ...], str]] = []
    if model.schedule is not None and model.schedule.timezone is not None:
        zones.append((("schedule", "timezone"), model.schedule.timezone))
    if model.quiet_hours is not None and model.quiet_hours.timezone is not None:
        zones.append((("quiet_hours", "timezone"), model.quiet_hours.timezone))
    return zones


def _check_schedule(model: ScenarioModel, doc: YamlDoc) -> None:
    assert model.schedule is not None
    cron, every = model.schedule.cron, model.schedule.every_s
    if (cron is None) == (every is None):
        raise doc.error(
            ("schedule",),
            "a schedule needs exactly one of `cron` and `every_s`",
            'e.g. `cron: "0 2 * * *"` for 02:00 every day',
        )
    if cron is not None:
        _check_cron(cron, doc)


def _check_cron(cron: str, doc: YamlDoc) -> None:
    fields = cron.split()
    if len(fields) != 5:
        raise doc.error(
            ("schedule", "cron"),
            f'"{cron}" is not a cron expression of 5 fields',
            'minute hour day month weekday, e.g. "0 2 * * *" for 02:00 every day',
        )
    try:
        from robot.schedule.cron import cron_trigger
    except ImportError:  # the scheduler extra is optional; the field count was checked
        return
    try:
        cron_trigger(cron, "UTC")
    except ValueError as exc:
        raise doc.error(("schedule", "cron"), f'"{cron}": {exc}', 'e.g. "0 2 * * *"') from None


def check_references(model: ScenarioModel, doc: YamlDoc, project: Project) -> None:
    """Numbers, tags and carriers named by the scenario must exist in the project."""
    known_numbers = {n.e164 for n in project.numbers}
    for i, number in enumerate(model.numbers.numbers):
        if number not in known_numbers:
            raise doc.error(
                ("numbers", "list", i),
                f"{number} is not in the project's numbers",
                "add it to the numbers file or remove it here",
            )
    number_tags = {t for n in project.numbers for t in n.tags}
    for i, tag in enumerate(model.numbers.tags):
        if tag not in number_tags:
            raise doc.error(
                ("numbers", "tags", i),
                f'no number has the tag "{tag}"',
                choice_hint(tag, number_tags),
            )
    for i, carrier in enumerate(model.handsets.carriers):
        try:  # an id or the name people know ("T-Mobile"), stored as the id
            model.handsets.carriers[i] = resolve_carrier(carrier, project)
        except UsageError:
            hint = carrier_hint(carrier, project_carriers(project))
            raise doc.error(
                ("handsets", "carriers", i), f'unknown carrier "{carrier}"', hint
            ) from None
    channels = {w.channel().name for w in project.alerts}
    for i, name in enumerate(model.alerts.channels):
        if name not in channels:
            raise doc.error(
                ("alerts", "channels", i),
                f'no alert channel "{name}" in ringcheck.yaml',
                choice_hint(name, channels, "channels")
                + " (or define one here under `alerts: webhooks:`)",
            )
    handset_ids = {h.id for h in project.handsets}
    for i, handset_id in enumerate(model.handsets.ids):
        if handset_id not in handset_ids:
            raise doc.error(
                ("handsets", "ids", i),
                f'unknown handset "{handset_id}"',
                choice_hint(handset_id, handset_ids, "handsets"),
            )


def _alert_options(model: ScenarioModel) -> AlertOptions:
    alerts = model.alerts
    mute: tuple[str, ...] = (
        tuple(alerts.mute) if isinstance(alerts.mute, list) else (MUTE_ALL,) if alerts.mute else ()
    )
    return AlertOptions(
        channels=tuple(alerts.channels),
        webhooks=tuple(
            AlertChannel(w.name or w.url_env.lower(), w.kind, w.url_env) for w in alerts.webhooks
        ),
        confirm=alerts.confirm,
        mute=mute,
    )


def _to_domain(model: ScenarioModel, doc: YamlDoc, zone: str) -> Scenario:
    call = model.call
    rcd = call.rich_call_data
    expect = model.expect
    name_text = expect.name if isinstance(expect.name, str) and expect.name != "default" else None
    return Scenario(
        name=model.name,
        description=model.description,
        schedule=(
            Schedule(model.schedule.cron, model.schedule.timezone or zone, model.schedule.every_s)
            if model.schedule
            else None
        ),
        numbers=NumberSelector(
            tuple(model.numbers.numbers),
            tuple(model.numbers.tags),
            DnoChoice(model.numbers.do_not_originate),
        ),
        handsets=HandsetSelector(
            carriers=tuple(model.handsets.carriers),
            platforms=tuple(Platform(p) for p in model.handsets.platforms),
            dialers=tuple(DialerKind(d) for d in model.handsets.dialers),
            tags=tuple(model.handsets.tags),
            ids=tuple(model.handsets.ids),
        ),
        pairing=Pairing(model.pairing),
        sample_size=model.sample,
        repeats=model.repeats,
        call=CallOptions(
            capture_after_s=call.capture_after_s,
            ring_timeout_s=call.ring_timeout_s,
            end_by=EndBy(call.end_by),
            signings=tuple(
                None if s in ("none", "trunk") else Attestation(s) for s in call.signing
            ),
            signing_from_trunk=call.signing == ["trunk"],
            frames=call.frames,
            displays=tuple(DisplayState(d) for d in dict.fromkeys(call.display)),
            rcd_name=rcd.name if rcd else None,
            rcd_logo_url=rcd.logo_url if rcd else None,
            call_reason=rcd.reason if rcd else None,
        ),
        expect=ExpectationSpec(
            name=name_text,
            check_name=expect.name not in (None, False),
            verified=Verified(expect.verified),
            no_label=expect.no_label,
            outcome=None if expect.outcome == "auto" else OutcomeExpectation(expect.outcome),
            truncated_name=CheckState(expect.truncated_name),
        ),
        min_interval_per_number_s=model.pacing.min_interval_per_number_s,
        device_error_retries=model.retries.device_error,
        daily_budget_per_number=model.budget.per_number_per_day,
        daily_budget_per_handset=model.budget.per_handset_per_day,
        quiet_hours=(
            QuietHours(
                model.quiet_hours.start, model.quiet_hours.end, model.quiet_hours.timezone or zone
            )
            if model.quiet_hours
            else None
        ),
        alerts=_alert_options(model),
        source=doc.name,
    )


def scenario_dirs(project: Project | None) -> list[Path]:
    """Where scenarios are looked up: the project's `scenarios/`, then the shipped examples."""
    dirs = []
    if project is not None:
        dirs.append(project.project_dir / "scenarios")
    dirs.append(SHIPPED_DIR)
    return [d for d in dirs if d.is_dir()]


def find_scenario(ref: str, project: Project | None) -> Path:
    """A scenario by file path or by name (file stem) in the scenario folders."""
    as_path = Path(ref)
    if as_path.suffix in SUFFIXES and as_path.is_file():
        return as_path
    names: dict[str, Path] = {}
    for folder in scenario_dirs(project):
        for path in sorted(folder.iterdir()):
            if path.suffix in SUFFIXES:
                names.setdefault(path.stem, path)
    if ref in names:
        return names[ref]
    raise ConfigError(
        f'no scenario "{ref}"',
        hint=choice_hint(ref, names, "scenarios") + " (or give the path of a .yaml file)",
    )


def list_scenario_files(project: Project | None) -> list[Path]:
    seen: dict[str, Path] = {}
    for folder in scenario_dirs(project):
        for path in sorted(folder.iterdir()):
            if path.suffix in SUFFIXES:
                seen.setdefault(path.stem, path)
    return list(seen.values())
