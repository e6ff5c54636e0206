"""One run's alerts: each finished attempt's checks update their signals, alerts go to the
outbox, and a sender thread posts them while the run goes on.

`AlertPipeline` is an attempt listener (`env.notify`): it only writes to the store and wakes the
sender, so the handset thread that calls it never waits on a webhook.
"""

from __future__ import annotations

import functools
import logging
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from robot.alerts.alert import Alert, Evidence
from robot.alerts.sender import SEND_GRACE_S, OutboxSender
from robot.domain.alerts import (
    DEFAULT_CONFIRM,
    AlertChannel,
    AlertKind,
    AlertOptions,
    SignalKey,
    observations,
    variant_of,
)
from robot.domain.model import Attempt
from robot.errors import ConfigError
from robot.ports import Clock
from robot.store.alert_state import SqlSignals

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Route:
    """Where a scenario's alerts go and how they are confirmed."""

    channels: tuple[AlertChannel, ...]
    confirm: int = DEFAULT_CONFIRM
    options: AlertOptions = field(default_factory=AlertOptions)

    def muted(self, check: str) -> bool:
        return self.options.muted(check)


def route(
    project_channels: Sequence[tuple[AlertChannel, bool]],
    options: AlertOptions,
    *,
    project_confirm: int = DEFAULT_CONFIRM,
) -> Route:
    """A scenario's own channels (named project channels and its own webhooks) when it names
    any, else the project's default channels. `project_channels` pairs each channel with
    whether it is a default one."""
    by_name = {channel.name: channel for channel, _ in project_channels}
    if options.own_channels:
        chosen: list[AlertChannel] = []
        for name in options.channels:
            if name not in by_name:
                known = ", ".join(sorted(by_name)) or "none"
                raise ConfigError(
                    f"the scenario names alert channel {name!r}, which ringcheck.yaml does not "
                    f"define (channels: {known})"
                )
            chosen.append(by_name[name])
        chosen += options.webhooks
    else:
        chosen = [channel for channel, default in project_channels if default]
    return Route(
        channels=tuple(dict.fromkeys(chosen)),
        confirm=options.confirm or project_confirm,
        options=options,
    )


class EvidenceLocator:
    """A public link when the project has a `public_url`, else where the files are on this
    host (path and host name): a `file://` link would be useless in Slack or Teams."""

    def __init__(
        self,
        public_url: str | None,
        resolve: Callable[[str], str] | None,
        host: str | None = None,
        link: Callable[[str], str | None] | None = None,
    ) -> None:
        self._public_url = public_url.rstrip("/") if public_url else None
        self._resolve = resolve
        self._host = host or socket.gethostname()
        self._link = link

    def __call__(self, attempt: Attempt) -> Evidence:
        if self._public_url and attempt.id is not None:
            return Evidence(url=f"{self._public_url}/attempts/{attempt.id}")
        files = attempt.artifacts
        relative = files.screenshot or files.sip_trace
        if relative is None or self._resolve is None:
            return Evidence()
        url = self._link(relative) if self._link is not None else None
        if url is not None:  # evidence in object storage: a presigned link, no host path
            return Evidence(url=url)
        return Evidence(host=self._host, path=self._resolve(relative))


class AlertPipeline:
    """The attempt listener of one run, and the sender that posts what it records."""

    def __init__(
        self,
        *,
        scenario: str,
        route: Route,
        signals: SqlSignals,
        evidence: Callable[[Attempt], Evidence],
        clock: Clock,
        sender: OutboxSender | None = None,
    ) -> None:
        self._scenario = scenario
        self._route = route
        self._signals = signals
        self._evidence = evidence
        self._clock = clock
        self._sender = sender
        self._lock = threading.Lock()
        self.recorded: list[Alert] = []

    def __call__(self, attempt: Attempt) -> None:
        raised = self.observe(attempt)
        if raised and self._sender is not None and any(not a.muted for a in raised):
            self._sender.wake()

    def observe(self, attempt: Attempt) -> list[Alert]:
        """Update the attempt's signals; the alerts raised (already in the outbox)."""
        raised: list[Alert] = []
        variant = variant_of(attempt)
        for check, seen in observations(attempt):
            key = SignalKey(
                self._scenario, attempt.number, attempt.carrier, check.expectation, variant
            )
            alert = self._signals.observe(
                key,
                seen,
                confirm=self._route.confirm,
                reason=check.reason,
                attempt_id=attempt.id,
                alert_for=functools.partial(self._alert, attempt, key, check.reason),
                channels=self._route.channels,
            )
            if alert is not None:
                raised.append(alert)
        with self._lock:
            self.recorded += raised
        return raised

    def _alert(self, attempt: Attempt, key: SignalKey, reason: str, kind: AlertKind) -> Alert:
        return Alert(
            key=key,
            kind=kind,
            reason=reason,
            created_at=self._clock.now(),
            run_id=attempt.run_id,
            attempt_id=attempt.id,
            handset_id=attempt.handset_id,
            evidence=self._evidence(attempt),
            muted=self._route.muted(key.check),
        )

    def close(self, grace_s: float = SEND_GRACE_S) -> None:
        if self._sender is not None:
            self._sender.close(grace_s)
