"""Sending a change to Slack, Microsoft Teams or a generic JSON webhook over httpx.

Webhook URLs embed tokens, so they come from environment variables and never appear in logs
or errors (only the webhook's name does). Retries back off on 429, 5xx and connection errors;
an `Idempotency-Key` header lets a receiver drop a duplicate of a retried delivery.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from robot.alerts.changes import Change

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """A resolved webhook: its kind, a name for messages, and the secret URL."""

    kind: str  # slack | teams | json
    name: str
    url: str

    def __repr__(self) -> str:  # the URL is a secret
        return f"WebhookTarget(kind={self.kind!r}, name={self.name!r}, url=<hidden>)"


def payload(kind: str, change: Change) -> dict[str, Any]:
    """The body each kind of receiver understands."""
    text = change.describe()
    if change.evidence:
        text += f"\nEvidence: {change.evidence}"
    if kind == "slack":
        return {"text": f":rotating_light: ringcheck: {text}"}
    if kind == "teams":
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [
                            {"type": "TextBlock", "weight": "Bolder", "text": "ringcheck"},
                            {"type": "TextBlock", "wrap": True, "text": text},
                        ],
                    },
                }
            ],
        }
    return {
        "event": "ringcheck.change",
        "number": change.number,
        "carrier": change.carrier,
        "kind": change.kind.value,
        "regression": change.kind.regression,
        "summary": change.describe(),
        "before": _state_dict(change.before),
        "after": _state_dict(change.after),
        "attempt_id": change.attempt_id,
        "evidence": change.evidence,
    }


def _state_dict(state: Any) -> dict[str, Any]:
    return {
        "delivery": state.delivery,
        "label": state.label,
        "verified": state.verified,
        "name": state.name,
        "final_code": state.final_code,
    }


class WebhookSender:
    """Posts changes with retries; returns whether the receiver accepted it."""

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        attempts: int = 4,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client or httpx.Client(timeout=10.0)
        self._attempts = attempts
        self._backoff_s = backoff_s
        self._sleep = sleep

    def close(self) -> None:
        self._client.close()

    def send(self, target: WebhookTarget, change: Change) -> bool:
        key = hashlib.sha256(change.key.encode()).hexdigest()[:32]
        body = payload(target.kind, change)
        for attempt in range(1, self._attempts + 1):
            try:
                response = self._client.post(
                    target.url, json=body, headers={"Idempotency-Key": key}
                )
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
            else:
                if response.status_code < 300:
                    return True
                if response.status_code != 429 and response.status_code < 500:
                    log.error(
                        "webhook %s refused the alert: HTTP %d", target.name, response.status_code
                    )
                    return False
                problem = f"HTTP {response.status_code}"
            if attempt < self._attempts:
                self._sleep(self._backoff_s * 2 ** (attempt - 1))
        log.error("webhook %s failed after %d tries: %s", target.name, self._attempts, problem)
        return False
