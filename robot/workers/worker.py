"""`ringcheck worker --site NAME`: runs the call jobs of one farm site.

It dials from the site's trunks and drives the site's handsets through one set of adapters kept
for its whole life (SIP worker processes, Appium sessions, screen readers), so a job costs one
call, not a start-up. Every `heartbeat_s` it says it is alive (in `workers`, for `ringcheck
workers list`) and takes over the jobs of workers of its site that stopped saying so (killed,
host lost): their half-done attempt becomes `interrupted`, their handset and trunk slots are
freed, and the job goes back on the queue. A worker that cannot reach the database for
`3 x heartbeat_s` stops taking jobs, ends its calls and exits saying why.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any

from robot.config.farm import Site
from robot.config.project import Project
from robot.domain.model import AttemptStatus, Delivery
from robot.domain.model import Handset as HandsetSpec
from robot.engine.call import make_call
from robot.engine.run import LEASE_POLL_S, LEASE_TTL_S
from robot.errors import AttemptClosedError, RingcheckError
from robot.store.engine import safe_url
from robot.store.owner import this_process
from robot.store.work import FINAL, QUEUED, SqlWork
from robot.store_location import store_url
from robot.wiring import FarmEndpoints, Wired, build_environment, open_project_store
from robot.workers.payload import CallJob, decode, encode
from robot.workers.queue import CALL_TASK, defer_call, ensure_schema, make_app, queue_name

log = logging.getLogger(__name__)

LOST_DATABASE_GRACE_S = 5.0
"""How long a worker that lost its database waits for the job queue to wind down by itself."""

LEASE_WAIT_S = 600.0
"""How long a job waits for its handset while another run (a local one) holds it."""


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    site: str
    concurrency: int | None = None  # default: one call per handset of the site
    heartbeat_s: float = 10.0
    farm: FarmEndpoints | None = None


class SiteWorker:
    """One worker process of one site; `run()` blocks until it stops and says why."""

    def __init__(self, project: Project, options: WorkerOptions) -> None:
        self.project = project
        self.site: Site = project.site(options.site)
        self.options = options
        self.name = this_process()
        self.concurrency = max(1, options.concurrency or len(self.site.handsets) or 1)
        self.stop = threading.Event()
        self.reason: str | None = None
        self._url = store_url(project)
        store = open_project_store(project)
        try:
            ensure_schema(store.engine)
            self.work = SqlWork(store.engine, store.clock)
            self.wired: Wired = build_environment(
                project,
                farm=options.farm,
                concurrency=self.concurrency,
                store=store,
                lease_holder=self.name,
                stop=self.stop,
            )
        except BaseException:
            store.close()
            raise
        self.store = store
        self.app = make_app(self._url, task=self._handle, pool_size=self.concurrency + 3)

    # --- life ----------------------------------------------------------------------------
    def run(self) -> str | None:
        """Take jobs until stopped (SIGTERM/SIGINT) or the database is lost; None when it
        stopped because it was asked to, else why it stopped."""
        self.work.register(self.name, self.site.name, self.site.handsets, self.concurrency)
        try:
            asyncio.run(self._main())
        finally:
            with contextlib.suppress(RingcheckError):  # the database may be what we lost
                self.work.stopped(self.name, self.reason)
            self.wired.close()
            self.store.close()
        return self.reason

    def request_stop(self) -> None:
        self.stop.set()
        loop, task = getattr(self, "_loop", None), getattr(self, "_worker_task", None)
        if loop is not None and task is not None:
            loop.call_soon_threadsafe(task.cancel)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                self._loop.add_signal_handler(sig, self.request_stop)  # main thread only
        beat = self.options.heartbeat_s
        async with self.app.open_async():
            self._worker_task = asyncio.create_task(
                self.app.run_worker_async(
                    queues=[queue_name(self.site.name)],
                    concurrency=self.concurrency,
                    name=self.name,
                    install_signal_handlers=False,
                    update_heartbeat_interval=beat,
                    stalled_worker_timeout=3 * beat,
                    fetch_job_polling_interval=min(beat, 5.0),
                    abort_job_polling_interval=min(beat, 5.0),
                    delete_jobs="successful",
                )
            )
            watch = asyncio.create_task(self._watch())
            done, _ = await asyncio.wait(
                {self._worker_task, watch}, return_when=asyncio.FIRST_COMPLETED
            )
            if watch in done:  # the database is gone: no new job; live calls end now
                self.stop.set()
                self._worker_task.cancel()
                # Procrastinate's graceful stop waits for a connection to unregister the
                # worker; there is none to be had: past the grace, closing the pool (on
                # leaving this block) ends that wait.
                await asyncio.wait({self._worker_task}, timeout=LOST_DATABASE_GRACE_S)
            elif not self.stop.is_set():  # the queue stopped by itself: say why
                self.stop.set()
                self.reason = await self._why_the_queue_stopped()
            watch.cancel()
        for task in (self._worker_task, watch):
            try:
                await task
            except (asyncio.CancelledError, Exception) as exc:
                if not isinstance(exc, asyncio.CancelledError) and self.reason is None:
                    self.reason = f"the job queue failed: {exc}"

    async def _why_the_queue_stopped(self) -> str:
        try:
            await asyncio.to_thread(self.work.heartbeat, self.name)
        except Exception as exc:
            return f"lost the database ({safe_url(self._url)}): {exc}; stopped taking jobs"
        try:
            self._worker_task.result()
        except BaseException as exc:
            return f"the job queue stopped: {exc}"
        return "the job queue stopped on its own (see the log above)"

    async def _watch(self) -> None:
        """Heartbeat, take over dead workers' jobs; return when the database is lost."""
        beat = self.options.heartbeat_s
        failing_since: float | None = None
        while True:
            await asyncio.sleep(beat)
            try:
                await asyncio.to_thread(self.work.heartbeat, self.name)
                await self._take_over_stalled()
                failing_since = None
            except Exception as exc:
                now = time.monotonic()
                failing_since = failing_since or now
                log.warning("worker %s cannot reach the database: %s", self.name, exc)
                if now - failing_since >= 2 * beat:
                    self.reason = (
                        f"lost the database ({safe_url(self._url)}) for {now - failing_since:.0f}"
                        f" s: {exc}; stopped taking jobs"
                    )
                    return

    async def _take_over_stalled(self) -> None:
        from procrastinate.jobs import Status

        manager = self.app.job_manager
        stalled = await manager.get_stalled_jobs(
            queue=queue_name(self.site.name),
            task_name=CALL_TASK,
            seconds_since_heartbeat=3 * self.options.heartbeat_s,
        )
        for job in stalled:
            assert job.id is not None
            taken = await asyncio.to_thread(self.work.take_over, job.id)
            state = None if taken else await asyncio.to_thread(self.work.state_of_job, job.id)
            try:
                if (taken is not None and not taken.made) or state == QUEUED:
                    # cut off mid-call, or before it began: the call is made again
                    await manager.retry_job(job)
                    who = taken.call.worker if taken else "a stopped worker"
                    log.warning("job %s of %s (stalled) is back on the queue", job.id, who)
                elif taken is not None or state in FINAL:
                    # its call was made before its worker died: close the job, never redial
                    await manager.finish_job(job, Status.SUCCEEDED, True)
                    log.warning("job %s (stalled) had made its call; closed", job.id)
            except Exception as exc:  # another worker was faster
                log.info("job %s not taken over here: %s", job.id, exc)

    # --- one job ---------------------------------------------------------------------------
    def _handle(self, context: Any, **payload: Any) -> None:
        """The call task: never raises for the call's own problems (they are results)."""
        job_id = int(context.job.id)
        run_id, index = int(payload["run_id"]), int(payload["index"])
        try:
            job = decode(payload, self.project)
        except RingcheckError as exc:
            self.work.ended(run_id, index, skipped=str(exc))
            return
        if not self.work.started(run_id, index, job_id, self.name):
            log.warning(
                "job %s: run %s call %s is not queued; not made again", job_id, run_id, index
            )
            return
        try:
            self._make(job, payload)
        except AttemptClosedError as exc:  # taken for dead meanwhile: the call is another's
            log.warning("job %s: %s", job_id, exc)
        except Exception as exc:  # a bug or the store: the call is over, say why
            log.exception("job %s (run %s call %s) failed", job_id, run_id, index)
            why = f"robot error on {self.name}: {exc}"
            self.work.ended(run_id, index, skipped=why, by=self.name)
        self.work.job_done(self.name)

    def _make(self, job: CallJob, payload: dict[str, Any]) -> None:
        env = self.wired.env
        handset = job.call.handset
        if not self._lease(handset.id):
            if self.stop.is_set():
                self._requeue(job, handset)
                return
            why = f"{job.call.number.e164} -> {handset.id}: handset held by another run"
            self.work.ended(job.run_id, job.call.index, skipped=why, by=self.name)
            return
        try:
            result = make_call(env, job.run_id, job.call, job.rules)
        finally:
            self.store.leases.release(handset.id, self.name)
        attempt = result.attempt
        if result.skipped is not None:
            self.work.ended(job.run_id, job.call.index, skipped=result.skipped, by=self.name)
            return
        if attempt is None or attempt.status is AttemptStatus.INTERRUPTED:
            self._requeue(job, handset)  # this worker is stopping: another one makes it
            return
        if attempt.delivery is Delivery.DEVICE_ERROR and job.retries_left > 0:
            other = self._other_handset(handset, (*job.failed_on, handset.id))
            if other is not None:
                retry = CallJob(
                    job.run_id,
                    job.call,
                    job.rules,
                    failed_on=(*job.failed_on, handset.id),
                    retries_left=job.retries_left - 1,
                )
                self._requeue(retry, other)
                return
        self.work.ended(job.run_id, job.call.index, by=self.name)

    def _requeue(self, job: CallJob, handset: HandsetSpec) -> None:
        site = self.project.site_of(handset.id)
        assert site is not None
        moved = dataclasses.replace(job, call=dataclasses.replace(job.call, handset=handset))
        if not self.work.requeue(job.run_id, job.call.index, handset.id, site.name, by=self.name):
            return  # taken over meanwhile: the call is another worker's now
        job_id = defer_call(self.app, site.name, handset.id, encode(moved))
        self.work.set_job(job.run_id, job.call.index, job_id)

    def _other_handset(self, failed: HandsetSpec, tried: tuple[str, ...]) -> HandsetSpec | None:
        """Another handset of the same carrier, in service, for a device error's retry."""
        state = self.store.handset_state
        for spec in self.project.handsets:
            if spec.carrier != failed.carrier or spec.id in tried:
                continue
            status = state.get(spec.id)
            enabled = spec.enabled if status.enabled_override is None else status.enabled_override
            if enabled and not status.quarantined and self.project.site_of(spec.id) is not None:
                return spec
        return None

    def _lease(self, handset_id: str) -> bool:
        """The handset's lease for this job, waiting while a local run holds it."""
        leases = self.store.leases
        deadline = time.monotonic() + LEASE_WAIT_S
        while not leases.acquire(handset_id, self.name, LEASE_TTL_S):
            if time.monotonic() >= deadline or self.stop.wait(LEASE_POLL_S):
                return False
        return True
