"""Alerts reach a real HTTP receiver on 127.0.0.1 through the outbox: once per signal change,
retried when the receiver fails, never on the call path."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

import sqlalchemy as sa

from robot.domain.model import Attestation, Delivery, Expectations, Tristate, VerifiedExpectation
from tests.alerts.conftest import Rig
from tests.alerts.factory import attempt, channel, reading, verified_expectations
from tests.alerts.receiver import TOKEN, receiving
from tests.support.peers import wait_until

GRACE_S = 10.0  # `close` returns as soon as nothing is due; this only bounds a broken test


def _failing_bodies(bodies: list[dict]) -> list[dict]:
    return [b for b in bodies if b["failing"]]


def test_a_first_seen_failure_alerts_once(rig: Rig) -> None:
    with receiving() as receiver:
        for _ in range(3):  # three nightly runs, each a new process
            pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
            pipeline(attempt(reading("Scam Likely")))
            pipeline.close(GRACE_S)
    assert [(b["kind"], b["check"]) for b in receiver.bodies] == [("first_failure", "no_label")]
    body = receiver.bodies[0]
    assert body["reason"] == "labelled 'Scam Likely' (scam)"
    assert body["scenario"] == "nightly" and body["variant"] == "attest=A"


def test_a_passing_signal_alerts_nothing(rig: Rig) -> None:
    with receiving() as receiver:
        pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
        for _ in range(4):
            pipeline(attempt())
        pipeline.close(GRACE_S)
    assert receiver.tries == 0
    assert rig.outbox.records() == []


def test_a_signal_that_fails_recovers_and_fails_again_alerts_twice(rig: Rig) -> None:
    shown = [None, None, "Spam Risk", "Spam Risk", None, None, "Spam Risk", "Spam Risk"]
    with receiving() as receiver:
        pipeline = rig.pipeline((channel(),), confirm=2, environ={"OPS_WEBHOOK": receiver.url})
        for label in shown:
            pipeline(attempt(reading(label)))
        pipeline.close(GRACE_S)
    kinds = [b["kind"] for b in receiver.bodies]
    assert kinds == ["regression", "recovery", "regression"]
    assert len(_failing_bodies(receiver.bodies)) == 2
    # each alert is its own delivery: the receiver can tell them apart
    assert len({r.headers["Idempotency-Key"] for r in receiver.received}) == 3


def test_a_failing_receiver_gets_the_alert_on_a_later_retry(rig: Rig) -> None:
    with receiving(statuses=[500]) as receiver:
        pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
        pipeline(attempt(delivery=Delivery.SILENT_DROP))
        pipeline.close(GRACE_S)
        assert receiver.tries == 1 and receiver.received == []
        [record] = rig.outbox.records()
        [delivery] = record.deliveries
        assert (record.status, delivery.tries) == ("pending", 1)
        assert delivery.last_error == "HTTP 500 Internal Server Error"

        rig.clock.advance(29)  # not due yet: the next run leaves it alone
        rig.pipeline((channel(),)).close(GRACE_S)
        assert receiver.tries == 1

        rig.clock.advance(2)  # due: the next run's sender posts it before any call of its own
        rig.pipeline((channel(),)).close(GRACE_S)
    assert [b["check"] for b in receiver.bodies] == ["delivered"]
    [record] = rig.outbox.records()
    assert record.status == "sent" and record.deliveries[0].tries == 2


def test_a_receiver_refusing_for_good_is_failed_at_once_and_can_be_retried(rig: Rig) -> None:
    with receiving(statuses=[404]) as receiver:
        pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
        pipeline(attempt(delivery=Delivery.BLOCKED))
        pipeline.close(GRACE_S)
        [record] = rig.outbox.records(status="failed")
        assert record.deliveries[0].last_error == "HTTP 404 Not Found"
        ids = rig.outbox.retry(failed_only=True)
        outcome = rig.sender().send_due(ids=ids)
    assert outcome.sent == ids and receiver.bodies[0]["check"] == "delivered"


def test_tries_back_off_and_are_given_up_after_the_last(rig: Rig) -> None:
    from robot.alerts.sender import MAX_TRIES, retry_delay_s

    rig.environ.clear()  # the URL variable is not set in this process
    pipeline = rig.pipeline((channel(),), start=False)
    pipeline(attempt(delivery=Delivery.SILENT_DROP))
    sender = rig.sender()
    delays = []
    for tries in range(1, MAX_TRIES + 1):
        assert sender.send_due().tries == 1
        delay = retry_delay_s(tries)
        delays.append(delay)
        rig.clock.advance(delay or 0)
    assert delays[:4] == [30.0, 60.0, 120.0, 240.0] and delays[-1] is None
    [record] = rig.outbox.records()
    assert record.status == "failed" and record.deliveries[0].tries == MAX_TRIES
    assert "OPS_WEBHOOK is not set" in (record.deliveries[0].last_error or "")
    assert sender.send_due().tries == 0


def test_a_receiver_that_never_answers_does_not_hold_the_run(rig: Rig, tmp_path) -> None:
    """The run ends, and its grace expires, while the receiver still holds the request; the
    delivery completes later on the sender's own thread."""
    from robot.domain.scenario import Scenario, plan
    from robot.engine.environment import Environment
    from robot.engine.run import execute_run
    from tests.engine.fakes import Behaviour, FakeHandset, FakeNetwork, FakeReader
    from tests.engine.test_run import FAST, LABELLED, PIXEL

    network = FakeNetwork()
    network.behaviours = {LABELLED.e164: Behaviour("ring", b"labelled")}
    handset = FakeHandset(PIXEL.msisdn)
    network.handsets = {handset.msisdn: handset}
    with receiving(hold=True) as receiver:
        pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
        env = Environment(
            dialer=network,
            handset_for=lambda spec: handset,
            reader=FakeReader({b"labelled": reading("Scam Likely")}),
            store=rig.store,
            evidence=rig.store.artifacts,
            clock=rig.clock,
            listeners=[pipeline],
        )
        scenario = Scenario(name="nightly", call=FAST)
        summary = execute_run(env, scenario, plan(scenario, [LABELLED], [PIXEL]))
        assert [a.delivery for a in summary.attempts] == [Delivery.DELIVERED]
        assert receiver.holding.wait(30), "the alert was never posted"
        pipeline.close(grace_s=0.2)  # returns although the receiver has not answered
        [record] = rig.outbox.records()
        assert record.status == "pending" and not receiver.release.is_set()
        receiver.release.set()
        wait_until(lambda: rig.outbox.records()[0].status == "sent", 30, "the late 200")
    assert len(receiver.received) == 1


def test_posts_happen_on_the_sender_thread_not_the_caller(rig: Rig) -> None:
    seen_on: list[str] = []

    def poster(delivery):
        from robot.alerts.webhooks import TryResult

        seen_on.append(threading.current_thread().name)
        return TryResult(True)

    pipeline = rig.pipeline((channel(),), start=False)
    pipeline._sender = rig.sender(poster=poster).start("alert-sender-test")
    pipeline(attempt(delivery=Delivery.SILENT_DROP))
    pipeline.close(GRACE_S)
    assert seen_on == ["alert-sender-test"]


def test_an_attestation_matrix_that_passes_alerts_nothing(rig: Rig) -> None:
    """B and C rightly lack the badge; with the shipped matrix expectations they pass."""
    expect = Expectations(name="Northwind Bank", no_label=False)
    with receiving() as receiver:
        for run in range(3):
            pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
            for level in Attestation:
                badge = Tristate.YES if level is Attestation.A else Tristate.NO
                for carrier in ("sim-tmobile", "sim-att"):
                    shown = attempt(
                        reading(verified=badge), attestation=level, expect=expect, run_id=run,
                        carrier=carrier,
                    )  # fmt: skip
                    assert shown.verdict is not None and shown.verdict.passed
                    pipeline(shown)
            pipeline.close(GRACE_S)
    assert receiver.tries == 0 and rig.outbox.records() == []


def test_each_attestation_level_is_its_own_signal(rig: Rig) -> None:
    """Expecting the badge at every level: B and C fail on first sight, once, and never flap
    against A's passes."""
    expect = verified_expectations(VerifiedExpectation.YES)
    with receiving() as receiver:
        for _ in range(3):
            pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
            for level in Attestation:
                badge = Tristate.YES if level is Attestation.A else Tristate.NO
                pipeline(attempt(reading(verified=badge), attestation=level, expect=expect))
            pipeline.close(GRACE_S)
    assert sorted((b["variant"], b["kind"]) for b in receiver.bodies) == [
        ("attest=B", "first_failure"),
        ("attest=C", "first_failure"),
    ]


def test_signals_are_per_scenario(rig: Rig) -> None:
    """A number failing in one scenario says nothing about the same number in another."""
    with receiving() as receiver:
        env = {"OPS_WEBHOOK": receiver.url}
        strict = rig.pipeline((channel(),), scenario="strict", environ=env)
        strict(attempt(reading(verified=Tristate.NO), expect=verified_expectations(
            VerifiedExpectation.YES)))  # fmt: skip
        strict.close(GRACE_S)
        relaxed = rig.pipeline((channel(),), scenario="relaxed")
        relaxed(attempt(reading(verified=Tristate.NO)))
        relaxed.close(GRACE_S)
    assert [(b["scenario"], b["check"]) for b in receiver.bodies] == [("strict", "verified")]


def test_robot_problems_never_alert(rig: Rig) -> None:
    with receiving() as receiver:
        pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
        for delivery in (Delivery.DEVICE_ERROR, Delivery.TRUNK_ERROR, Delivery.FOREIGN_CALL,
                         Delivery.SIGNING_REJECTED):  # fmt: skip
            pipeline(attempt(delivery=delivery))
        pipeline.close(GRACE_S)
    assert receiver.tries == 0


def test_muted_alerts_are_recorded_but_not_sent(rig: Rig) -> None:
    from robot.alerts.pipeline import AlertPipeline, EvidenceLocator, Route
    from robot.domain.alerts import AlertOptions
    from robot.store.alert_state import SqlSignals

    with receiving() as receiver:
        rig.environ["OPS_WEBHOOK"] = receiver.url
        pipeline = AlertPipeline(
            scenario="nightly",
            route=Route((channel(),), options=AlertOptions(mute=("no_label",))),
            signals=SqlSignals(rig.store.engine, rig.clock),
            evidence=EvidenceLocator(None, None),
            clock=rig.clock,
            sender=rig.sender().start(),
        )
        pipeline(attempt(reading("Scam Likely", name="CONTOSO")))
        pipeline.close(GRACE_S)
    assert [b["check"] for b in receiver.bodies] == ["name"]
    statuses = {r.alert.key.check: r.status for r in rig.outbox.records()}
    assert statuses == {"no_label": "muted", "name": "sent"}


def test_evidence_is_a_public_link_or_a_place_on_the_robot_host(rig: Rig) -> None:
    with receiving() as receiver:
        env = {"OPS_WEBHOOK": receiver.url}
        linked = rig.pipeline(
            (channel(),), scenario="a", public_url="https://ringcheck.example.com/", environ=env
        )
        shown = attempt(delivery=Delivery.SILENT_DROP)
        linked(shown)
        linked.close(GRACE_S)
        local = rig.pipeline((channel(),), scenario="b")
        local(replace(shown, id=shown.id))
        local.close(GRACE_S)
    first, second = receiver.bodies
    assert first["evidence"] == {
        "url": f"https://ringcheck.example.com/attempts/{shown.id}",
        "host": None,
        "path": None,
    }
    assert second["evidence"]["url"] is None and second["evidence"]["host"] == "robot-7"
    assert second["evidence"]["path"].endswith(shown.artifacts.screenshot)
    assert not any("file://" in str(b) for b in receiver.bodies)


def test_the_webhook_url_never_reaches_logs_the_store_or_errors(rig: Rig, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with receiving(statuses=[503]) as receiver:
        pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
        pipeline(attempt(delivery=Delivery.SILENT_DROP))
        pipeline.close(GRACE_S)
    rig.environ["OPS_WEBHOOK"] = f"http://127.0.0.1:9/hooks/{TOKEN}"  # nothing listens there
    rig.clock.advance(3600)
    rig.sender().send_due()
    with rig.store.engine.connect() as conn:
        dump = "\n".join(
            str(row)
            for table in ("alerts", "alert_deliveries", "alert_signals")
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")).all()
        )
    [record] = rig.outbox.records()
    assert "ConnectError" in (record.deliveries[0].last_error or "")
    assert "OPS_WEBHOOK" in dump  # the variable's name is kept, not its value
    for text in (dump, caplog.text, str(record)):
        assert TOKEN not in text


def test_a_sender_closed_during_a_hung_try_hands_the_rest_to_the_next_sender(rig: Rig) -> None:
    with receiving(hold=True) as receiver:
        pipeline = rig.pipeline((channel(),), environ={"OPS_WEBHOOK": receiver.url})
        pipeline(attempt(delivery=Delivery.SILENT_DROP, number="+12025550101"))
        pipeline(attempt(delivery=Delivery.SILENT_DROP, number="+12025550102"))
        assert receiver.holding.wait(30)
        pipeline.close(grace_s=0.2)
        receiver.release.set()  # the hung try ends; its thread stops without trying the other

        def handed_back() -> bool:
            with rig.store.engine.connect() as conn:
                rows = conn.execute(
                    sa.text("SELECT status, claimed_by FROM alert_deliveries ORDER BY status")
                ).all()
            return [tuple(r) for r in rows] == [("pending", None), ("sent", None)]

        wait_until(handed_back, 30, "the hung try recorded and the other claim given back")
        receiver.hold = False
        outcome = rig.sender().send_due()  # not 60 s later: the claim was given back
    assert len(outcome.sent) == 1 and receiver.tries == 2
    assert {r.status for r in rig.outbox.records()} == {"sent"}
