"""Runs started from the console: the same path as `ringcheck run`, in the `serve` process.

`start` plans the run in the request (so a refused run answers at once, with its reason),
records the run in the store so the caller gets its id, and makes the calls on a background
thread with its own stop event (`robot.wiring.run_planned`, as `run`, `serve` and `demo` do).
`cancel` records who asked in the store (`SqlRunControl`) — the run's own watcher stops it
wherever it runs — and, for a run of this process, sets its stop event at once. Either way
the run's live calls end, finished attempts stay, and the run is marked interrupted.

With workers (Procrastinate) this is the seam: `start` would enqueue the prepared calls
instead of starting a thread, and `cancel` already works through the store.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from robot.config.project import Project
from robot.domain.model import Run, RunStatus
from robot.prepare import CallFilter, PreparedRun
from robot.scenario.load import find_scenario, load_scenario
from robot.store.results import SqlResultStore
from robot.store.run_control import SqlRunControl
from robot.wiring import FarmEndpoints, prepare, run_planned

log = logging.getLogger(__name__)

TRIGGER = "console"
STOP_GRACE_S = 60.0


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What a person asked for: a scenario and the same narrowing as `ringcheck run`."""

    scenario: str
    only: CallFilter = field(default_factory=CallFilter)
    ignore_quiet_hours: bool = False
    wait_s: float = 0.0


@dataclass
class _Live:
    run: Run
    stop: threading.Event
    thread: threading.Thread


RunCalls = Callable[..., object]


class RunLauncher:
    """Starts, tracks and cancels the runs this process makes for the console."""

    def __init__(
        self,
        project: Callable[[], Project],
        store: SqlResultStore,
        farm: Callable[[], FarmEndpoints | None],
        *,
        run_calls: RunCalls = run_planned,
    ) -> None:
        self._project = project
        self._store = store
        self._farm = farm
        self._run_calls = run_calls
        self._control = SqlRunControl(store.engine, store.clock)
        self._live: dict[int, _Live] = {}
        self._lock = threading.Lock()
        self._closed = False

    def plan(self, request: RunRequest) -> PreparedRun:
        """The dry run: what `start` would dial now, and what it would leave out and why."""
        project = self._project()
        scenario = load_scenario(find_scenario(request.scenario, project), project)
        return prepare(
            project,
            scenario,
            farm=self._farm(),
            only=request.only,
            dry_run=True,
            ignore_quiet_hours=request.ignore_quiet_hours,
            store=self._store,
        )

    def start(self, request: RunRequest, *, actor: str) -> Run:
        """Plan and start a run; raises what `prepare` raises (refused, no handset, bad input)."""
        if self._closed:
            raise RuntimeError("the console is shutting down")
        project = self._project()
        farm = self._farm()
        scenario = load_scenario(find_scenario(request.scenario, project), project)
        prepared = prepare(
            project,
            scenario,
            farm=farm,
            only=request.only,
            ignore_quiet_hours=request.ignore_quiet_hours,
            store=self._store,
        )
        trigger = f"{TRIGGER}:{actor}"[:40]
        run = self._store.start_run(
            Run(
                scenario=scenario.name,
                trigger=trigger,
                started_at=self._store.clock.now(),
                planned_calls=len(prepared.calls),
            )
        )
        assert run.id is not None
        stop = threading.Event()
        thread = threading.Thread(
            target=self._run,
            args=(project, prepared, farm, run, stop, request.wait_s),
            name=f"console-run-{run.id}",
            daemon=True,
        )
        with self._lock:
            self._live[run.id] = _Live(run, stop, thread)
        thread.start()
        log.info("run %d of %s started from the console by %s", run.id, scenario.name, actor)
        return run

    def _run(
        self,
        project: Project,
        prepared: PreparedRun,
        farm: FarmEndpoints | None,
        run: Run,
        stop: threading.Event,
        wait_s: float,
    ) -> None:
        try:
            self._run_calls(
                project,
                prepared,
                farm=farm,
                trigger=run.trigger,
                stop=stop,
                lease_wait_s=wait_s,
                run=run,
            )
        except Exception as exc:  # the robot failed (no SIP stack, store gone): say so on the run
            log.exception("run %s failed", run.id)
            self._fail(run, f"the run failed: {exc}")
        finally:
            with self._lock:
                assert run.id is not None
                self._live.pop(run.id, None)

    def _fail(self, run: Run, note: str) -> None:
        try:
            self._store.finish_run(
                dataclasses.replace(
                    run, status=RunStatus.FAILED, ended_at=self._store.clock.now(), note=note
                )
            )
        except Exception:
            log.exception("cannot record that run %s failed", run.id)

    def cancel(self, run_id: int, *, actor: str) -> bool:
        """Ask a running run to stop (any process's); False when it is not running."""
        asked = self._control.request_cancel(run_id, actor)
        with self._lock:
            live = self._live.get(run_id)
        if live is not None:
            live.stop.set()
            return True
        return asked

    def live(self) -> list[int]:
        """Ids of the runs this process is making now."""
        with self._lock:
            return sorted(self._live)

    def wait(self, run_id: int, timeout_s: float) -> bool:
        """Wait for a run of this process to end; True when it has."""
        with self._lock:
            live = self._live.get(run_id)
        if live is None:
            return True
        live.thread.join(timeout_s)
        return not live.thread.is_alive()

    def close(self, grace_s: float = STOP_GRACE_S) -> None:
        """Stop every run of this process (their calls end) and wait for them to finish."""
        self._closed = True
        with self._lock:
            live = list(self._live.values())
        for item in live:
            item.stop.set()
        for item in live:
            item.thread.join(grace_s)
            if item.thread.is_alive():
                log.error("run %s did not stop within %.0f s", item.run.id, grace_s)
