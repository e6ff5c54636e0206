"""The farm: the handsets a run may use, one call per handset at a time, and which handsets
are out of service.

Which handsets a scenario selects is the domain's rule (`select_handsets`); this class knows
what the store says about each one. Leases live in the store (`SqlLeases`), so concurrent runs
in several processes or hosts never put two calls on one phone, and a crashed run's leases
expire. After `quarantine_after` consecutive device errors a handset is quarantined
(`SqlHandsetState`, fed by the run's quarantine listener) until a recovery check finds it
healthy again: one broken phone must not turn every attempt of every run into a `device_error`.
`robot.prepare` asks it which handsets are in service before every run.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from devices.appium import AppiumHandset
from robot.domain.model import Handset as HandsetSpec
from robot.errors import UsageError
from robot.ports import HandsetHealth, HandsetProbe

log = logging.getLogger(__name__)


class Leases(Protocol):
    def acquire(self, handset_id: str, holder: str, ttl_s: float) -> bool: ...

    def renew(self, handset_id: str, holder: str, ttl_s: float) -> bool: ...

    def release(self, handset_id: str, holder: str | None = None) -> bool: ...

    def holder(self, handset_id: str) -> str | None: ...


class HandsetState(Protocol):
    def enabled_override(self, handset_id: str) -> bool | None: ...

    def set_enabled(self, handset_id: str, enabled: bool | None) -> None: ...

    def record_result(
        self, handset_id: str, device_error: str | None, quarantine_after: int
    ) -> bool: ...

    def quarantined(self, handset_id: str) -> bool: ...

    def clear_quarantine(self, handset_id: str) -> None: ...


ProbeFactory = Callable[[HandsetSpec], HandsetProbe]


def appium_probe(
    *,
    connect_timeout_s: float = 5.0,
    command_timeout_s: float = 20.0,
    watch_numbers: Sequence[str] = (),
    spam_apps: Mapping[str, tuple[str, ...]] | None = None,
    fix: bool = False,
) -> ProbeFactory:
    """Probes that open an Appium session per check, with a short connect timeout; `fix`
    also puts right the settings the phone allows."""

    def make(spec: HandsetSpec) -> HandsetProbe:
        return AppiumHandset(
            spec, connect_timeout_s=connect_timeout_s, command_timeout_s=command_timeout_s,
            watch_numbers=watch_numbers, spam_apps=(spam_apps or {}).get(spec.carrier),
            fix_settings=fix,
        )  # fmt: skip

    return make


class Farm:
    """The project's handsets with their leases and quarantine state in the store."""

    def __init__(
        self,
        handsets: Sequence[HandsetSpec],
        *,
        leases: Leases,
        state: HandsetState,
        holder: str,
        lease_ttl_s: float = 300.0,
        quarantine_after: int = 3,
        probe: ProbeFactory | None = None,
    ) -> None:
        self.handsets = tuple(handsets)
        self._by_id = {spec.id: spec for spec in self.handsets}
        self._leases = leases
        self._state = state
        self.holder = holder
        self._lease_ttl_s = lease_ttl_s
        self._quarantine_after = quarantine_after
        self._probe: ProbeFactory = probe or appium_probe()

    def spec(self, handset_id: str) -> HandsetSpec:
        """The handset by id, or a usage error naming the closest id."""
        if handset_id in self._by_id:
            return self._by_id[handset_id]
        from robot.config.hints import choice_hint

        raise UsageError(
            f"no handset `{handset_id}` in the farm ({choice_hint(handset_id, self._by_id)})"
        )

    def enabled(self, spec: HandsetSpec) -> bool:
        """The store's override (`ringcheck devices enable|disable`) wins over the farm file."""
        override = self._state.enabled_override(spec.id)
        return spec.enabled if override is None else override

    def quarantined(self, handset_id: str) -> bool:
        return self._state.quarantined(handset_id)

    # --- leases -------------------------------------------------------------------------

    def lease(self, handset_id: str) -> bool:
        """Take the handset for one call; False when another run holds it."""
        return self._leases.acquire(handset_id, self.holder, self._lease_ttl_s)

    def renew(self, handset_id: str) -> bool:
        return self._leases.renew(handset_id, self.holder, self._lease_ttl_s)

    def release(self, handset_id: str) -> bool:
        return self._leases.release(handset_id, self.holder)

    # --- quarantine ---------------------------------------------------------------------

    def record(self, handset_id: str, device_error: str | None) -> bool:
        """Count the attempt's outcome for the handset; True when it is (now) quarantined."""
        quarantined = self._state.record_result(handset_id, device_error, self._quarantine_after)
        if quarantined and device_error is not None:
            log.warning("handset %s is quarantined: %s", handset_id, device_error)
        return quarantined

    def recover(self, handset_id: str) -> HandsetHealth:
        """Recovery check: probe the handset and lift its quarantine when it is healthy."""
        health = self.probe(self.spec(handset_id))
        if health.healthy:
            self._state.clear_quarantine(handset_id)
        return health

    def recover_quarantined(self, specs: Sequence[HandsetSpec]) -> list[HandsetHealth]:
        """Recovery checks, in parallel, of those of `specs` that are quarantined; each healthy
        one is back in service. Returns the health of every handset checked."""
        quarantined = [spec for spec in specs if self._state.quarantined(spec.id)]
        results = self.check(quarantined, workers=8, deadline_s=30.0)
        for health in results:
            if health.healthy:
                self._state.clear_quarantine(health.handset_id)
        return results

    # --- health -------------------------------------------------------------------------

    def probe(self, spec: HandsetSpec) -> HandsetHealth:
        """One handset's health; a crash of the probe is reported, never raised."""
        probe = self._probe(spec)
        try:
            return probe.health()
        except Exception as exc:  # a broken probe must not hide the other handsets' health
            return HandsetHealth(handset_id=spec.id, reachable=False, error=f"probe failed: {exc}")
        finally:
            close = getattr(probe, "close", None)
            if callable(close):
                close()

    def check(
        self, handsets: Sequence[HandsetSpec] | None = None, *, workers: int = 32,
        deadline_s: float = 60.0,
    ) -> list[HandsetHealth]:  # fmt: skip
        """Probe handsets in parallel; one that does not answer within `deadline_s` is
        reported unreachable rather than holding up the others."""
        specs = list(self.handsets if handsets is None else handsets)
        if not specs:
            return []
        pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, min(workers, len(specs))), thread_name_prefix="devices-check"
        )
        try:
            futures = {spec.id: pool.submit(self.probe, spec) for spec in specs}
            concurrent.futures.wait(futures.values(), timeout=deadline_s)
            results = []
            for spec in specs:
                future = futures[spec.id]
                if future.done():
                    results.append(future.result())
                else:
                    results.append(
                        HandsetHealth(
                            handset_id=spec.id, reachable=False,
                            error=f"no answer within {deadline_s:.0f} s",
                        )
                    )  # fmt: skip
            return results
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
