"""The outbox's sender: a background thread that posts due deliveries, off the call path.

A run records alerts and wakes the sender; the sender posts them one try at a time with its own
request deadline, so a slow or dead webhook never holds a call or a handset. At the end of a run
`close(grace_s)` gives pending sends a short, bounded grace and then leaves whatever is still
pending in the outbox for the next run or for `serve`. A try that fails is retried with
exponential back-off (30 s, 1 min, 2 min … capped at 1 h) until `MAX_TRIES`, then the delivery
is `failed` (visible in `ringcheck alerts list`, revived by `ringcheck alerts retry`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import httpx

from robot.alerts.alert import AlertDelivery
from robot.alerts.webhooks import REQUEST_TIMEOUT, TryResult, post_once
from robot.store.alert_outbox import SqlOutbox

log = logging.getLogger(__name__)

MAX_TRIES = 8
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
SEND_GRACE_S = 1.0
"""How long the end of a run waits for pending sends before leaving them in the outbox."""
_JOIN_S = 0.05  # part of the grace kept for the thread to finish after its last pass
CLAIM_S = 60.0
"""A try's claim on a row; longer than any request may take, so two senders never overlap."""

Poster = Callable[[AlertDelivery], TryResult]


def retry_delay_s(tries: int) -> float | None:
    """Back-off after `tries` failed tries; None once the delivery should be given up."""
    if tries >= MAX_TRIES:
        return None
    return min(BACKOFF_BASE_S * 2.0 ** (tries - 1), BACKOFF_CAP_S)


@dataclass
class Outcome:
    """What one pass of the sender did, per delivery id."""

    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    @property
    def tries(self) -> int:
        return len(self.sent) + len(self.failed)


class OutboxSender:
    """Posts due deliveries from the outbox, in a thread (`start`) or in the caller (`send_due`)."""

    def __init__(
        self,
        outbox: SqlOutbox,
        *,
        holder: str,
        environ: Mapping[str, str],
        poster: Poster | None = None,
        poll_s: float = 30.0,
    ) -> None:
        self._outbox = outbox
        self._holder = holder
        self._environ = environ
        self._client: httpx.Client | None = None
        self._poster = poster or self._post
        self._poll_s = poll_s
        self._cond = threading.Condition()
        self._requested = 0
        self._settled = -1
        self._stopping = False
        self._thread: threading.Thread | None = None

    # --- one pass, in the caller's thread -------------------------------------------------

    def send_due(self, *, ids: Sequence[int] = (), limit: int = 20) -> Outcome:
        """Claim due deliveries and try each once; failures are recorded, never raised."""
        outcome = Outcome()
        claimed = self._outbox.claim_due(self._holder, claim_s=CLAIM_S, limit=limit, ids=ids)
        for index, delivery in enumerate(claimed):
            if self._stopping:  # closed while a try hung: leave the rest to the next sender
                self._outbox.release([d.id for d in claimed[index:]], self._holder)
                break
            result = self._try(delivery)
            if result.ok:
                self._outbox.mark_sent(delivery.id)
                outcome.sent.append(delivery.id)
                log.info("alert %s sent to %s", delivery.alert.id, delivery.channel.name)
                continue
            error = result.error or "failed"
            delay = None if result.permanent else retry_delay_s(delivery.tries + 1)
            self._outbox.mark_failed_try(delivery.id, self._holder, error, delay)
            outcome.failed[delivery.id] = error
            log.warning(
                "alert %s to %s: %s (%s)",
                delivery.alert.id,
                delivery.channel.name,
                error,
                "given up" if delay is None else f"retry in {delay:.0f}s",
            )
        return outcome

    def _try(self, delivery: AlertDelivery) -> TryResult:
        try:
            return self._poster(delivery)
        except Exception as exc:  # a bug in rendering must not kill the sender
            log.exception("posting alert %s failed", delivery.alert.id)
            return TryResult(False, f"{type(exc).__name__} while sending")

    def _post(self, delivery: AlertDelivery) -> TryResult:
        if self._client is None:
            self._client = httpx.Client(timeout=REQUEST_TIMEOUT)
        return post_once(self._client, delivery, self._environ)

    # --- the background thread ------------------------------------------------------------

    def start(self, name: str = "alert-sender") -> OutboxSender:
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()
        return self

    def wake(self) -> None:
        """New alerts were recorded: look for due deliveries now."""
        with self._cond:
            self._requested += 1
            self._cond.notify_all()

    def _loop(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
                seen = self._requested
            try:
                worked = self.send_due(limit=5).tries
            except Exception:  # the store may be briefly unavailable: try again later
                log.exception("alert sender pass failed")
                worked = 0
            with self._cond:
                if worked == 0:
                    self._settled = seen
                    self._cond.notify_all()
                    if self._requested == seen and not self._stopping:
                        self._cond.wait(self._poll_s)

    def close(self, grace_s: float = SEND_GRACE_S) -> None:
        """Wait at most `grace_s` for due deliveries to be tried, then stop. A try still in
        flight is abandoned (its claim expires); its delivery stays pending in the outbox."""
        if self._thread is not None:
            with self._cond:
                self._requested += 1
                target = self._requested
                self._cond.notify_all()
                waited = self._cond.wait_for(
                    lambda: self._settled >= target, timeout=max(0.0, grace_s - _JOIN_S)
                )
                self._stopping = True
                self._cond.notify_all()
            self._thread.join(timeout=_JOIN_S if waited else 0.0)
            if self._thread.is_alive():
                log.info("alert sender still waiting on a receiver; the alert stays pending")
                return  # the daemon thread owns the client until its try ends
        if self._client is not None:
            self._client.close()
            self._client = None
