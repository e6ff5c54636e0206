"""Every page that shows text from a screen, a network or a person escapes it: a recorded call
whose name, label, SIP phrase, reason and page source are markup shows up as text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from robot.domain.access import Role
from robot.domain.model import (
    Artifacts,
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Check,
    CheckState,
    Delivery,
    LabelClass,
    Reading,
    Reason,
    Run,
    SipEvent,
    SipOutcome,
    Tristate,
    Verdict,
)
from robot.store.artifacts import ArtifactKind
from tests.web.conftest import ConsoleServer

XSS = '<img src=x onerror="alert(1)">'
SCRIPT = "<script>alert(2)</script>"


@pytest.fixture(scope="module")
def hostile_attempt(console_server: ConsoleServer) -> int:
    assert console_server.served is not None
    store = console_server.served.console.store
    now = datetime.now(UTC)
    run = store.start_run(Run(scenario="smoke", trigger=f"console:{XSS}"[:40], started_at=now))
    assert run.id is not None
    attempt = store.record_attempt(
        Attempt(
            run_id=run.id,
            number="+12025550101",
            carrier="sim-tmobile",
            handset_id="pixel8-tmo",
            times=AttemptTimes(dialed_at=now, captured_at=now, ended_at=now),
            status=AttemptStatus.COMPLETED,
            delivery=Delivery.DELIVERED,
            sip=SipOutcome(
                call_id=f"{SCRIPT}@x",
                events=(SipEvent(180, XSS, 12.0),),
                final_code=487,
                final_phrase=SCRIPT,
                reason=Reason("SIP", 603, XSS),
                cancelled_by_us=True,
            ),
            reading=Reading(
                name=XSS,
                spam_label=SCRIPT,
                spam_class=LabelClass.SPAM,
                verified=Tristate.NO,
                raw_text=f"{XSS}\n{SCRIPT}",
                uncertain=("name",),
                disagreements=(("name", XSS, SCRIPT),),
            ),
            verdict=Verdict((Check("no_label", CheckState.FAIL, f"labelled {SCRIPT}"),)),
            settings=(("dnd", XSS),),
            error=None,
        )
    )
    assert store.artifacts is not None and attempt.id is not None
    source = store.artifacts.write(
        attempt, ArtifactKind.PAGE_SOURCE, f"<hierarchy>{SCRIPT}</hierarchy>"
    )
    trace = store.artifacts.write(attempt, ArtifactKind.SIP_TRACE, f"SIP/2.0 487 {XSS}")
    store.record_attempt(
        Attempt(**{**_fields(attempt), "artifacts": Artifacts(page_source=source, sip_trace=trace)})
    )
    store.finish_run(Run(run.scenario, run.trigger, now, id=run.id, note=XSS))
    return attempt.id


def _fields(attempt: Attempt) -> dict[str, object]:
    return {name: getattr(attempt, name) for name in Attempt.__dataclass_fields__}


@pytest.mark.parametrize(
    "path",
    ["/attempts/{id}", "/attempts", "/attempts?number=%2B12025550101", "/matrix", "/now",
     "/runs", "/runs/{run}"],
)  # fmt: skip
def test_hostile_text_is_escaped(
    console_server: ConsoleServer, hostile_attempt: int, path: str
) -> None:
    with console_server.client(Role.VIEWER) as client:
        run = client.get(f"/api/attempts/{hostile_attempt}").json()["run_id"]
        page = client.get(path.format(id=hostile_attempt, run=run), headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text[:300]
    html = page.text
    assert "<img src=x" not in html and "<script>alert" not in html
    assert re.search(r"<script(?![^>]*src=\"/static/console\.js\")", html) is None
    if path.startswith("/attempts/"):
        assert html.count("&lt;img src=x onerror=") >= 4  # name, disagreement, OCR, ladder, …
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
        assert "(uncertain)" in html


def test_evidence_is_served_with_its_type_and_sandboxed(
    console_server: ConsoleServer, hostile_attempt: int
) -> None:
    with console_server.client(Role.VIEWER) as client:
        source = client.get(f"/api/attempts/{hostile_attempt}/evidence/page_source")
        trace = client.get(f"/api/attempts/{hostile_attempt}/evidence/sip-trace")
        missing = client.get(f"/api/attempts/{hostile_attempt}/evidence/screenshot")
        kind = client.get(f"/api/attempts/{hostile_attempt}/evidence/passwords")
    assert source.status_code == 200 and source.headers["content-type"] == "application/xml"
    assert "sandbox" in source.headers["content-security-policy"]
    assert source.headers["x-content-type-options"] == "nosniff"
    assert SCRIPT in source.text
    assert trace.headers["content-type"].startswith("text/plain")
    assert missing.status_code == 404 and "has no screenshot" in missing.json()["error"]["message"]
    assert kind.status_code == 404 and "screenshot, page_source, sip_trace" in kind.text


def test_evidence_outside_the_artifacts_folder_is_never_served(
    console_server: ConsoleServer,
) -> None:
    assert console_server.served is not None
    store = console_server.served.console.store
    now = datetime.now(UTC)
    run = store.start_run(Run(scenario="smoke", trigger="manual", started_at=now))
    assert run.id is not None
    escaping = store.record_attempt(
        Attempt(
            run_id=run.id, number="+12025550101", carrier="sim-tmobile",
            times=AttemptTimes(dialed_at=now), status=AttemptStatus.COMPLETED,
            delivery=Delivery.DEVICE_ERROR,
            artifacts=Artifacts(screenshot="../../../../etc/passwd", sip_trace="/etc/passwd"),
        )
    )  # fmt: skip
    with console_server.client(Role.VIEWER) as client:
        for kind in ("screenshot", "sip_trace"):
            response = client.get(f"/api/attempts/{escaping.id}/evidence/{kind}")
            assert response.status_code == 404, kind
            assert "root:" not in response.text


def test_weekly_reports_by_iso_week(console_server: ConsoleServer, hostile_attempt: int) -> None:
    with console_server.client(Role.VIEWER) as client:
        weeks = client.get("/api/reports").json()["items"]
        assert weeks, "the week of the recorded call is listed"
        week = weeks[0]["week"]
        html = client.get(f"/api/reports/{week}")
        page = client.get(f"/reports/{week}", headers={"Accept": "text/html"})
        listing = client.get("/reports", headers={"Accept": "text/html"})
        empty = client.get("/api/reports/2001-W01")
        source = client.get(f"/reports/evidence/attempt-{hostile_attempt}-page-source.xml")
        foreign = client.get("/reports/evidence/..%2F..%2Fetc%2Fpasswd")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "script-src" not in html.headers["content-security-policy"]
    assert page.text == html.text
    assert f'href="/attempts/{hostile_attempt}"' in html.text  # screens open the console page
    assert "<img src=x" not in html.text
    assert f'href="/reports/{week}"' in listing.text
    assert empty.status_code == 404
    assert "no attempts in 2001-W01" in empty.json()["error"]["message"]
    assert source.status_code == 200 and source.headers["content-type"] == "application/xml"
    assert foreign.status_code == 404
