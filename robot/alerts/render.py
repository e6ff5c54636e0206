"""The body each kind of channel understands, with untrusted text escaped for its markup.

Text read off a phone's screen reaches these messages (a displayed name, a label): a name shown
as `<!channel>` must not ping a Slack channel, and `[click](https://evil)` must not become a link
in Teams. Slack gets mrkdwn with `&`, `<` and `>` escaped (Slack's own rule). Teams gets an
Adaptive Card whose untrusted text sits in `TextRun`s of a `RichTextBlock`, which take no
Markdown at all. The generic JSON channel carries the values as data.
"""

from __future__ import annotations

from typing import Any

from robot.alerts.alert import Alert
from robot.domain.alerts import AlertKind

KINDS = ("slack", "teams", "json")


def payload(kind: str, alert: Alert) -> dict[str, Any]:
    if kind == "slack":
        return slack(alert)
    if kind == "teams":
        return teams(alert)
    return generic(alert)


def slack_escape(text: str) -> str:
    """Slack's control characters; what remains is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(alert: Alert) -> dict[str, Any]:
    icon = ":white_check_mark:" if alert.kind is AlertKind.RECOVERY else ":rotating_light:"
    lines = [f"{icon} *ringcheck* {slack_escape(alert.headline())}"]
    lines += [slack_escape(line) for line in (alert.reason, alert.context()) if line]
    evidence = alert.evidence
    if evidence.url:
        # our own URL (public_url + attempt id), still escaped so it cannot break the link
        lines.append(f"<{slack_escape(evidence.url)}|evidence>")
    elif evidence.path:
        lines.append(slack_escape(evidence.describe() or ""))
    text = "\n".join(lines)
    return {"text": text, "unfurl_links": False, "unfurl_media": False}


def teams(alert: Alert) -> dict[str, Any]:
    def run(text: str, **style: Any) -> dict[str, Any]:
        return {"type": "TextRun", "text": text, **style}

    body: list[dict[str, Any]] = [
        {
            "type": "RichTextBlock",
            "inlines": [run("ringcheck: ", weight="Bolder"), run(alert.headline())],
        }
    ]
    for line in (alert.reason, alert.context()):
        if line:
            body.append({"type": "RichTextBlock", "inlines": [run(line)]})
    actions: list[dict[str, Any]] = []
    if alert.evidence.url:
        actions.append({"type": "Action.OpenUrl", "title": "Evidence", "url": alert.evidence.url})
    elif alert.evidence.path:
        body.append({"type": "RichTextBlock", "inlines": [run(alert.evidence.describe() or "")]})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def generic(alert: Alert) -> dict[str, Any]:
    key = alert.key
    return {
        "event": "ringcheck.alert",
        "alert_id": alert.id,
        "kind": alert.kind.value,
        "failing": alert.kind.failing,
        "scenario": key.scenario,
        "number": key.number,
        "carrier": key.carrier,
        "check": key.check,
        "variant": key.variant,
        "summary": alert.headline(),
        "reason": alert.reason,
        "run_id": alert.run_id,
        "attempt_id": alert.attempt_id,
        "handset": alert.handset_id,
        "evidence": alert.evidence.as_dict(),
        "created_at": alert.created_at.isoformat(),
    }
