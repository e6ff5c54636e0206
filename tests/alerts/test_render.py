"""Screen text in alerts is escaped for each channel's markup; the JSON channel carries data."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from robot.alerts.alert import Alert, Evidence
from robot.alerts.render import payload, slack_escape
from robot.domain.alerts import AlertKind, SignalKey

HOSTILE = (
    "expected name 'Northwind Bank', the screen showed "
    "'<!channel> <@U123> [x](https://evil) & **b**'"
)
NO_EVIDENCE = Evidence()


def _alert(evidence: Evidence = NO_EVIDENCE, kind: AlertKind = AlertKind.REGRESSION) -> Alert:
    return Alert(
        key=SignalKey("nightly", "+12025550101", "sim-tmobile", "name", "attest=A"),
        kind=kind,
        reason=HOSTILE,
        created_at=datetime(2026, 12, 1, 14, 0, tzinfo=UTC),
        attempt_id=42,
        evidence=evidence,
    )


def test_slack_escapes_control_characters_so_nothing_pings() -> None:
    text = payload("slack", _alert())["text"]
    assert "<!channel>" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt; &lt;@U123&gt;" in text and "&amp; **b**" in text
    assert slack_escape("a<b>&c") == "a&lt;b&gt;&amp;c"
    # the only link is ours
    linked = payload("slack", _alert(Evidence(url="https://rc.example.com/attempts/42")))
    assert "<https://rc.example.com/attempts/42|evidence>" in linked["text"]
    assert linked["unfurl_links"] is False


def test_teams_keeps_screen_text_out_of_markdown() -> None:
    card = payload("teams", _alert(Evidence(url="https://rc.example.com/attempts/42")))
    content = card["attachments"][0]["content"]
    assert all(block["type"] == "RichTextBlock" for block in content["body"])
    runs = [run for block in content["body"] for run in block["inlines"]]
    assert all(run["type"] == "TextRun" for run in runs)  # TextRun takes no Markdown
    assert any(run["text"] == HOSTILE for run in runs)
    assert content["actions"] == [
        {"type": "Action.OpenUrl", "title": "Evidence", "url": "https://rc.example.com/attempts/42"}
    ]


def test_generic_json_is_data() -> None:
    body = payload("json", _alert(Evidence(host="robot-7", path="/srv/rc/a.png")))
    assert body["reason"] == HOSTILE
    assert body["evidence"] == {"url": None, "host": "robot-7", "path": "/srv/rc/a.png"}
    assert json.loads(json.dumps(body)) == body


def test_without_a_public_url_the_alert_says_where_the_evidence_is() -> None:
    alert = _alert(Evidence(host="robot-7", path="/srv/rc/art/attempt42.png"))
    text = payload("slack", alert)["text"]
    assert "Evidence on the robot host robot-7: /srv/rc/art/attempt42.png" in text
    assert "file://" not in text and "|evidence>" not in text


def test_recoveries_read_as_good_news() -> None:
    alert = _alert(kind=AlertKind.RECOVERY)
    assert alert.headline().startswith("RECOVERED: +12025550101 on sim-tmobile: displayed name")
    assert ":white_check_mark:" in payload("slack", alert)["text"]
