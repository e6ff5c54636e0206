"""One try of posting an alert to a webhook (Slack, Microsoft Teams or generic JSON) over httpx.

Webhook URLs embed tokens: a URL is read from its environment variable only here, at send time,
and never appears in logs, errors or the store (only the channel's name does). Retrying is the
outbox's job (`robot.alerts.sender`); a try reports whether it is worth retrying.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from robot.alerts.alert import AlertDelivery
from robot.alerts.render import payload

REQUEST_TIMEOUT = httpx.Timeout(5.0, connect=3.0)


class _HideWebhookUrls(logging.Filter):
    """httpx logs every request's full URL at INFO: hide the ones that are webhook secrets."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets and isinstance(record.args, tuple):
            record.args = tuple(
                "<webhook URL hidden>" if str(arg) in self.secrets else arg for arg in record.args
            )
        return True


_HIDE = _HideWebhookUrls()
logging.getLogger("httpx").addFilter(_HIDE)


@dataclass(frozen=True, slots=True)
class TryResult:
    ok: bool
    error: str | None = None
    permanent: bool = False  # the receiver refused it for good (4xx): retrying will not help


def idempotency_key(delivery: AlertDelivery) -> str:
    """Stable per delivery, so a receiver can drop the duplicate of a retried post."""
    return hashlib.sha256(f"ringcheck-delivery-{delivery.id}".encode()).hexdigest()[:32]


def post_once(
    client: httpx.Client, delivery: AlertDelivery, environ: Mapping[str, str]
) -> TryResult:
    """Post one delivery once; an unset URL variable or a network error is a failed try."""
    channel = delivery.channel
    url = environ.get(channel.url_env, "").strip()
    if not url:
        return TryResult(False, f"{channel.url_env} is not set in this process's environment")
    body = payload(channel.kind, delivery.alert)
    _HIDE.secrets.add(str(httpx.URL(url)) if _parses(url) else url)
    try:
        response = client.post(
            url, json=body, headers={"Idempotency-Key": idempotency_key(delivery)}
        )
    except httpx.HTTPError as exc:
        return TryResult(False, scrub(f"{type(exc).__name__}: {exc}", url))
    except ValueError as exc:  # a malformed URL in the variable
        return TryResult(False, scrub(f"{channel.url_env} does not hold a valid URL: {exc}", url))
    if 200 <= response.status_code < 300:
        return TryResult(True)
    error = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
    return TryResult(False, error, permanent)


def _parses(url: str) -> bool:
    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return False
    return True


def scrub(text: str, url: str) -> str:
    """Remove the URL and its secret parts (path, query, user info) from an error message."""
    parts = urlsplit(url)
    secrets = [url, parts.path, parts.query, parts.netloc.rpartition("@")[0]]
    for secret in sorted((s for s in secrets if len(s) > 1), key=len, reverse=True):
        text = text.replace(secret, "<hidden>")
    return text
