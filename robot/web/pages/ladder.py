"""A SIP ladder from a recorded attempt: what we sent, what the network answered, and when the
handset rang and its screen was captured, in milliseconds from the INVITE.

Only what was recorded is drawn: responses with their times; our CANCEL or BYE where the
outcome says we sent one (their exact time is not recorded, so they carry none).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _ms(start: datetime, text: str | None) -> float | None:
    if text is None:
        return None
    return (datetime.fromisoformat(text) - start).total_seconds() * 1000.0


def _at(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


def ladder(attempt: dict[str, Any]) -> list[dict[str, str]]:
    """Steps in time order: `direction` is out (we sent), in (we received) or handset."""
    sip = attempt.get("sip")
    if not sip:
        return []
    times = attempt["times"]
    start = datetime.fromisoformat(times["dialed_at"])
    steps: list[tuple[float, int, str, str]] = [(0.0, 0, "out", "INVITE")]
    events = sip["events"]
    for order, event in enumerate(events, start=1):
        steps.append((float(event["at_ms"]), order, "in", f"{event['code']} {event['phrase']}"))
    for order, (key, label) in enumerate(
        (("handset_ringing_at", "handset rang"), ("captured_at", "screen captured")), start=500
    ):
        at = _ms(start, times.get(key))
        if at is not None:
            steps.append((at, order, "handset", label))
    final = sip["final_code"]
    last = float(events[-1]["at_ms"]) if events else 0.0
    ended = _ms(start, times.get("ended_at"))
    if sip["answered"]:
        steps.append((last, 900, "out", "ACK"))
        steps.append((ended if ended is not None else last, 901, "out", "BYE"))
    elif sip["cancelled_by_us"]:
        before_final = last if final is None else last - 0.001
        steps.append((before_final, 899, "out", "CANCEL"))
    if final is not None and not any(e["code"] == final for e in events):
        phrase = sip["final_phrase"] or ""
        steps.append((ended if ended is not None else last, 950, "in", f"{final} {phrase}"))
    steps.sort(key=lambda s: (s[0], s[1]))
    timed = {"CANCEL"}
    return [
        {"at": "—" if label in timed else _at(at), "direction": direction, "label": label}
        for at, _, direction, label in steps
    ]
