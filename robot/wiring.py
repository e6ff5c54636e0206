"""The one place that builds concrete adapters from a project: store, dialer, handsets, reader.

This is the composition root, so it is the only robot module that reaches into `devices` (and
only lazily, inside functions): the engine and everything below it see ports alone. With the
virtual farm (`FarmEndpoints`, read from `ringcheck farm sim --ready-file`), calls go to the
simulated carrier of each handset and every handset is served by the farm's Appium endpoint.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from robot.clock import SystemClock
from robot.config.project import Project
from robot.config.yamlsrc import display_path
from robot.domain.alerts import AlertChannel
from robot.domain.model import Handset as HandsetSpec
from robot.domain.model import Number, Run, RunStatus, Trunk
from robot.domain.scenario import Scenario
from robot.engine.environment import AttemptListener, Environment
from robot.engine.quarantine import QuarantineListener
from robot.engine.run import RunSummary, execute_run
from robot.errors import ConfigError
from robot.ports import Clock, Handset, ScreenReader
from robot.prepare import CallFilter, PreparedRun, prepare_run
from robot.reader_pool import ReaderPool
from robot.reader_process import ReaderProcess, tesseract_reader
from robot.screen.escalate import Escalation, resolve_escalation
from robot.store.owner import this_process
from robot.store.results import SqlResultStore, open_store
from robot.store.run_control import CancelWatch, SqlRunControl
from robot.store_location import evidence_of, store_url

if TYPE_CHECKING:
    from devices.farm import Farm
    from robot.alerts.pipeline import AlertPipeline
    from robot.alerts.sender import OutboxSender

log = logging.getLogger(__name__)

MAX_DIALER_CONCURRENCY = 64


@dataclass(frozen=True, slots=True)
class FarmEndpoints:
    """Where a running virtual farm listens (its ready file)."""

    sip: dict[str, int]
    appium_url: str
    truth_url: str
    pid: int

    @classmethod
    def read(cls, path: Path) -> FarmEndpoints:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                sip={str(k): int(v) for k, v in data["sip"].items()},
                appium_url=str(data["appium_url"]),
                truth_url=str(data["truth_url"]),
                pid=int(data["pid"]),
            )
        except FileNotFoundError:
            raise ConfigError(
                "virtual farm ready file not found",
                file=str(path),
                hint="start it with `ringcheck farm sim --ready-file FILE`",
            ) from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(
                f"not a virtual farm ready file: {exc}",
                file=str(path),
                hint="pass the file written by `ringcheck farm sim --ready-file`",
            ) from None


def open_project_store(
    project: Project, *, clock: Clock | None = None, create: bool = True
) -> SqlResultStore:
    """The project's results store, migrated, with dead writers' attempts marked interrupted."""
    return open_store(store_url(project), evidence=evidence_of(project), clock=clock, create=create)


def simulated_handset(spec: HandsetSpec, farm: FarmEndpoints) -> HandsetSpec:
    """A handset as the virtual farm serves it: its Appium endpoint, chosen by `appium:udid`
    (the handset id unless the farm file names another)."""
    capabilities = dict(spec.capabilities)
    capabilities.setdefault("appium:udid", spec.id)
    return dataclasses.replace(
        spec, appium_url=farm.appium_url, capabilities=tuple(capabilities.items())
    )


def trunk_chooser(
    project: Project, farm: FarmEndpoints | None
) -> Callable[[Number, HandsetSpec], Trunk | None]:
    """A real farm: the number's trunk. The virtual farm: the handset's simulated carrier,
    keeping the trunk's caller-ID presentation and signing."""
    by_name = {t.name: t for t in project.trunks}

    def real(number: Number, handset: HandsetSpec) -> Trunk | None:
        if number.trunk is not None:
            return by_name[number.trunk]
        site = project.site_of(handset.id)
        if site is not None and site.trunks:  # a site dials from its own trunks
            return by_name[site.trunks[0]]
        return project.trunks[0] if project.trunks else None

    if farm is None:
        return real

    def simulated(number: Number, handset: HandsetSpec) -> Trunk | None:
        base = real(number, handset) or Trunk(name="sim", host="127.0.0.1")
        port = farm.sip.get(handset.carrier)
        if port is None:
            raise ConfigError(
                f"the virtual farm simulates no carrier {handset.carrier!r}",
                hint="carriers it serves: " + ", ".join(sorted(farm.sip)),
            )
        return dataclasses.replace(
            base,
            name=f"sim-{handset.carrier}",
            host="127.0.0.1",
            port=port,
            auth_user=None,
            password_env=None,
            register=False,
            # each simulated carrier is a trunk of its own with the trunk's limit: calls
            # beyond it wait for a slot (robot.engine.trunk_slots), as on a real trunk
        )

    return simulated


def escalates(project: Project) -> bool:
    """Whether the project's screens are read with the second OCR engine (`screen: escalate:`,
    robot.screen.escalate): `always` without the extra is a ConfigError."""
    return resolve_escalation(project.escalation, file=display_path(project.file))


def screen_readers(project: Project) -> ReaderPool:
    """The run's screen readers, each in a process of its own, with the second OCR engine as
    the project's `screen: escalate:` says (decided here, before any call)."""
    factory = functools.partial(
        tesseract_reader,
        escalate=escalates(project),
        required=project.escalation is Escalation.ALWAYS,
    )
    return ReaderPool(functools.partial(ReaderProcess, factory))


@dataclass
class Wired:
    """An Environment plus what must be closed after the run."""

    env: Environment
    store: SqlResultStore
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Close adapters in reverse order; the dialer's close ends any call still up."""
        for closer in reversed(self.closers):
            try:
                closer()
            except Exception:  # one adapter failing to close must not keep others open
                log.exception("closing %r failed", closer)


def build_environment(
    project: Project,
    *,
    farm: FarmEndpoints | None = None,
    concurrency: int = 4,
    store: SqlResultStore | None = None,
    reader: ScreenReader | None = None,
    lease_holder: str = "ringcheck",
    stop: threading.Event | None = None,
) -> Wired:
    """Real adapters for a run on `project` (and on the virtual farm when `farm` is given)."""
    from devices.appium import AppiumHandset  # composition root: the only robot->devices edge
    from robot.sip.gated import GatedDialer
    from robot.sip.pool import Pjsua2Dialer
    from robot.store.limits import SqlDailyCalls, SqlNumberPacing, SqlTrunkGate, StoreBudgets

    # first: `screen: escalate: always` without its engine fails before anything is opened
    shared_reader: Any = reader or screen_readers(project)
    own_store = store is None
    store = store or open_project_store(project)
    if store.artifacts is None:
        raise ConfigError("the results store has no artifacts folder")
    closers: list[Callable[[], None]] = [store.close] if own_store else []
    try:
        dialer = Pjsua2Dialer(concurrency=max(1, min(concurrency, MAX_DIALER_CONCURRENCY)))
    except BaseException:
        for closer in closers:
            closer()
        raise
    closers.append(dialer.close)
    stop = stop or threading.Event()
    gated = GatedDialer(dialer, SqlTrunkGate(store.engine), holder=lease_holder, stop=stop)
    if reader is None:
        closers.append(shared_reader.close)
    sessions: dict[str, Handset] = {}
    sessions_lock = threading.Lock()
    watch = tuple(n.e164 for n in project.numbers)
    spam_apps = {c.name: c.spam_apps for c in project.carriers if c.spam_apps is not None}

    def handset_for(spec: HandsetSpec) -> Handset:
        with sessions_lock:
            if spec.id not in sessions:
                if farm is not None:  # every simulated handset is served by the farm
                    spec = simulated_handset(spec, farm)
                sessions[spec.id] = AppiumHandset(
                    spec, watch_numbers=watch, spam_apps=spam_apps.get(spec.carrier)
                )
            return sessions[spec.id]

    def close_sessions() -> None:
        for handset in sessions.values():
            handset.close()

    closers.append(close_sessions)
    env = Environment(
        dialer=gated,
        handset_for=handset_for,
        reader=shared_reader,
        store=store,
        evidence=store.artifacts,
        clock=SystemClock(),
        trunk_for=trunk_chooser(project, farm),
        leases=store.leases,
        lease_holder=lease_holder,
        stop=stop,
        worker=lease_holder,
        pacing=SqlNumberPacing(store.engine, clock=store.clock),
        budgets=StoreBudgets(SqlDailyCalls(store.engine), store, store.clock, project.timezone),
    )
    return Wired(env=env, store=store, closers=closers)


def farm_of(
    project: Project, store: SqlResultStore, farm: FarmEndpoints | None, holder: str
) -> Farm:
    """The project's handsets with the store's state; probes reach the virtual farm's Appium
    endpoint when there is one (recovery checks of quarantined handsets)."""
    from devices.appium import AppiumHandset  # composition root: the only robot->devices edge
    from devices.farm import Farm

    def probe(spec: HandsetSpec) -> AppiumHandset:
        if farm is not None:
            spec = simulated_handset(spec, farm)
        return AppiumHandset(spec, connect_timeout_s=5.0, command_timeout_s=20.0)

    return Farm(
        project.handsets,
        leases=store.leases,
        state=store.handset_state,
        holder=holder,
        probe=probe,
    )


def prepare(
    project: Project,
    scenario: Scenario,
    *,
    farm: FarmEndpoints | None = None,
    only: CallFilter | None = None,
    dry_run: bool = False,
    ignore_quiet_hours: bool = False,
    store: SqlResultStore | None = None,
) -> PreparedRun:
    """`prepare_run` with the project's store and farm: what every way of running calls."""
    own_store = store is None
    store = store or open_project_store(project)
    try:
        return prepare_run(
            project,
            scenario,
            availability=farm_of(project, store, farm, this_process()),
            counter=store,
            clock=store.clock,
            only=only or CallFilter(),
            dry_run=dry_run,
            ignore_quiet_hours=ignore_quiet_hours,
            trunk_for=trunk_chooser(project, farm),
        )
    finally:
        if own_store:
            store.close()


def run_planned(
    project: Project,
    prepared: PreparedRun,
    *,
    farm: FarmEndpoints | None,
    trigger: str,
    listeners: Sequence[AttemptListener] = (),
    stop: threading.Event | None = None,
    lease_wait_s: float = 0.0,
    run: Run | None = None,
    local: bool = False,
) -> RunSummary:
    """Run prepared calls with real adapters (one lease holder per process), then close them.

    Device errors feed the farm's quarantine; webhooks get their alerts. `run` is a run the
    caller already started in the store (the console does, to answer with its id). While the
    run goes on, a request to cancel it through the store (`SqlRunControl.request_cancel`,
    from any process) sets its stop event: live calls end and the run is interrupted.

    With a PostgreSQL store and `sites:` in the farm file the calls go to the sites' queues
    instead (workers make them; this process follows the run), unless `local` asks for this
    process."""
    if not local and uses_site_queues(project):
        return _run_on_queues(project, prepared, trigger, listeners, stop, run)
    holder = this_process()
    calls = prepared.calls
    concurrency = len({c.handset.id for c in calls}) or 1
    stop = stop or threading.Event()
    wired = build_environment(
        project, farm=farm, concurrency=concurrency, lease_holder=holder, stop=stop
    )
    try:
        wired.env.listeners.append(QuarantineListener(farm_of(project, wired.store, farm, holder)))
        wired.env.listeners.extend(listeners)
        alerts = alert_pipeline(project, prepared.scenario, wired.store)
        wired.closers.append(alerts.close)  # closed first: a short grace for pending sends
        wired.env.listeners.append(alerts)
        if run is None or run.id is None:
            run = wired.store.start_run(
                Run(
                    scenario=prepared.scenario.name,
                    trigger=trigger,
                    started_at=wired.env.clock.now(),
                    planned_calls=len(calls),
                )
            )
        assert run.id is not None
        watch = CancelWatch(SqlRunControl(wired.store.engine, wired.store.clock), run.id, stop)
        watch.start()
        try:
            summary = execute_run(
                wired.env,
                prepared.scenario,
                calls,
                trigger=trigger,
                lease_wait_s=lease_wait_s,
                run=run,
            )
        finally:
            cancelled_by = watch.close()
        if cancelled_by is not None and summary.run.status is RunStatus.INTERRUPTED:
            summary.run = dataclasses.replace(summary.run, note=f"cancelled by {cancelled_by}")
            wired.store.finish_run(summary.run)
    finally:
        wired.close()
    summary.skipped[:0] = prepared.skipped_lines()
    return summary


def uses_site_queues(project: Project) -> bool:
    """Whether runs of this project go to farm-site workers: sites, and a PostgreSQL store."""
    if not project.sites:
        return False
    from sqlalchemy.engine import make_url

    try:
        return make_url(store_url(project)).get_backend_name() == "postgresql"
    except Exception:
        return False


def _run_on_queues(
    project: Project,
    prepared: PreparedRun,
    trigger: str,
    listeners: Sequence[AttemptListener],
    stop: threading.Event | None,
    run: Run | None,
) -> RunSummary:
    """The queued executor with what every run has: quarantine, alerts, cancel requests."""
    from robot.workers.planner import run_queued

    store = open_project_store(project)
    stop = stop or threading.Event()
    alerts = None
    try:
        alerts = alert_pipeline(project, prepared.scenario, store)
        quarantine = QuarantineListener(farm_of(project, store, None, this_process()))
        summary = run_queued(
            project,
            prepared,
            store,
            store_url(project),
            trigger=trigger,
            listeners=[quarantine, *listeners, alerts],
            stop=stop,
            run=run,
            watch=lambda run_id: CancelWatch(
                SqlRunControl(store.engine, store.clock), run_id, stop
            ),
        )
    finally:
        if alerts is not None:
            alerts.close()
        store.close()
    summary.skipped[:0] = prepared.skipped_lines()
    return summary


def project_channels(project: Project) -> list[tuple[AlertChannel, bool]]:
    """The project's alert channels, each with whether it is a default channel."""
    return [(w.channel(), w.default) for w in project.alerts]


def outbox_sender(store: SqlResultStore, *, poll_s: float = 30.0) -> OutboxSender:
    """A sender for the store's alert outbox; webhook URLs are read from this process's
    environment when each alert is sent."""
    from robot.alerts.sender import OutboxSender
    from robot.store.alert_outbox import SqlOutbox

    return OutboxSender(
        SqlOutbox(store.engine, store.clock),
        holder=this_process(),
        environ=os.environ,
        poll_s=poll_s,
    )


def alert_pipeline(
    project: Project, scenario: Scenario, store: SqlResultStore, *, send: bool = True
) -> AlertPipeline:
    """Signals, outbox and a started sender thread for one run of `scenario`."""
    from robot.alerts.pipeline import AlertPipeline, EvidenceLocator, route
    from robot.store.alert_state import SqlSignals

    artifacts = store.artifacts
    resolve = artifacts.locate if artifacts else None
    return AlertPipeline(
        scenario=scenario.name,
        route=route(
            project_channels(project), scenario.alerts, project_confirm=project.alert_confirm
        ),
        signals=SqlSignals(store.engine, store.clock),
        evidence=EvidenceLocator(
            project.public_url, resolve, link=artifacts.url_for if artifacts else None
        ),
        clock=store.clock,
        sender=outbox_sender(store).start() if send else None,
    )
