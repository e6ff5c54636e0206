"""Alerts reach a real local HTTP receiver once per confirmed change, not once per call."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from robot.alerts.changes import ChangeKind
from robot.alerts.notifier import AlertNotifier, MemoryAlertState
from robot.alerts.webhooks import WebhookSender, WebhookTarget
from robot.domain.model import (
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Delivery,
    LabelClass,
    Reading,
    SipOutcome,
    Tristate,
)


class Receiver:
    """A webhook endpoint on 127.0.0.1 that can fail the first N requests."""

    def __init__(self, fail_first: int = 0) -> None:
        self.bodies: list[dict] = []
        self.keys: list[str] = []
        self.fail_left = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                if receiver.fail_left > 0:
                    receiver.fail_left -= 1
                    self.send_response(503)
                else:
                    receiver.bodies.append(body)
                    receiver.keys.append(self.headers["Idempotency-Key"])
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook/t0ken"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=1)
    yield r
    r.close()


def _attempt(i: int, label: str | None = None, verified: Tristate = Tristate.YES) -> Attempt:
    reading = Reading(
        name="NORTHWIND BANK",
        spam_label=label,
        spam_class=LabelClass.SCAM if label else None,
        verified=verified,
    )
    return Attempt(
        id=i,
        run_id=1,
        number="+12025550101",
        carrier="sim-tmobile",
        times=AttemptTimes(dialed_at=datetime(2026, 11, 1, tzinfo=UTC)),
        status=AttemptStatus.COMPLETED,
        delivery=Delivery.DELIVERED,
        reading=reading,
    )


def _blocked(i: int) -> Attempt:
    return Attempt(
        id=i,
        run_id=1,
        number="+12025550101",
        carrier="sim-tmobile",
        times=AttemptTimes(dialed_at=datetime(2026, 11, 1, tzinfo=UTC)),
        status=AttemptStatus.COMPLETED,
        delivery=Delivery.BLOCKED,
        sip=SipOutcome(call_id="x", final_code=603, final_phrase="Network Blocked"),
    )


def test_a_flapping_label_alerts_once_when_confirmed(receiver: Receiver) -> None:
    sender = WebhookSender(backoff_s=0.01)
    notifier = AlertNotifier(
        MemoryAlertState(),
        [WebhookTarget("json", "ops", receiver.url)],
        sender=sender,
        confirm_after=2,
    )
    sequence = [None, None, "Scam Likely", None, "Scam Likely", "Scam Likely", "Scam Likely"]
    for i, label in enumerate(sequence):
        notifier(_attempt(i, label))
    sender.close()
    assert len(receiver.bodies) == 1, receiver.bodies
    body = receiver.bodies[0]
    assert body["kind"] == ChangeKind.NEWLY_LABELLED.value
    assert body["regression"] is True
    assert body["after"]["label"] == "Scam Likely"
    assert receiver.keys[0]


def test_block_and_badge_changes_and_payload_kinds(receiver: Receiver) -> None:
    receiver.fail_left = 0
    sender = WebhookSender(backoff_s=0.01)
    targets = [
        WebhookTarget("slack", "slack", receiver.url),
        WebhookTarget("teams", "teams", receiver.url),
    ]
    notifier = AlertNotifier(MemoryAlertState(), targets, sender=sender, confirm_after=1)
    notifier(_attempt(1))
    notifier(_attempt(2, verified=Tristate.NO))  # badge lost
    notifier(_blocked(3))  # newly blocked
    notifier(_blocked(4))  # same state: nothing
    sender.close()
    slack = [b for b in receiver.bodies if "text" in b]
    teams = [b for b in receiver.bodies if b.get("type") == "message"]
    assert len(slack) == 2 and len(teams) == 2
    assert "badge lost" in slack[0]["text"]
    assert "now blocked (603)" in slack[1]["text"]


def test_a_dead_receiver_fails_after_retries_without_leaking_the_url(caplog) -> None:
    calls: list[float] = []
    sender = WebhookSender(attempts=3, backoff_s=0.5, sleep=calls.append)
    target = WebhookTarget("json", "ops", "http://127.0.0.1:9/hook/s3cret-token")
    notifier = AlertNotifier(MemoryAlertState(), [target], sender=sender, confirm_after=1)
    notifier(_attempt(1))
    notifier(_attempt(2, "Spam Risk"))
    sender.close()
    assert calls == [0.5, 1.0]
    assert notifier.sent == []
    assert "s3cret-token" not in caplog.text
    assert "s3cret-token" not in repr(target)


def test_confirmation_and_once_only_span_runs_through_the_store(receiver, tmp_path) -> None:
    from robot.store.alert_state import SqlAlertState
    from robot.store.results import open_store

    receiver.fail_left = 0
    url = f"sqlite:///{tmp_path / 'results.db'}"
    target = [WebhookTarget("json", "ops", receiver.url)]
    # One call per nightly run, each run a new process with a new notifier.
    for i, label in enumerate([None, None, "Spam Risk", "Spam Risk", "Spam Risk"]):
        store = open_store(url)
        sender = WebhookSender(backoff_s=0.01)
        notifier = AlertNotifier(
            SqlAlertState(store.engine, store.clock), target, sender=sender, confirm_after=2
        )
        notifier(_attempt(i, label))
        sender.close()
        store.close()
    assert [b["kind"] for b in receiver.bodies] == ["newly_labelled"]
