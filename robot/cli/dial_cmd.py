"""`ringcheck dial`: place one call without a handset and show what the network answered.

Exit 0 when a final answer came (a block is information, not a failure), 1 when the robot
could not place the call or nothing answered, 2 for bad input. With `--json` stdout holds
exactly one JSON line; everything else goes to stderr.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import typer

from robot.cli.context import CliState
from robot.cli.printable import printable, safe_json
from robot.domain.delivery import classify_sip
from robot.domain.model import Attestation, Delivery, SipOutcome, Trunk
from robot.errors import DialError, UsageError
from robot.ports import DialRequest, LiveCall
from robot.sip.protocol import E164_RE

_POLL_S = 0.05


class Interrupted(DialError):
    """Ctrl-C while dialing: the call is ended first, then the shell sees 130."""

    exit_code = 130


def _parse_header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise UsageError(f"--header {text!r} is not 'Name: value'")
    return name.strip(), value.strip()


def _trunk(state: CliState, name: str | None, to: str, from_number: str) -> Trunk | None:
    """A sip: URI needs no project; a number is routed by --trunk, its own trunk or the first."""
    if to.lower().startswith(("sip:", "sips:")) and name is None:
        return None
    from robot.config import load_project

    project = load_project(state.project_dir)
    if name is None:
        name = next((n.trunk for n in project.numbers if n.e164 == from_number and n.trunk), None)
    return project.trunk(name)


def _needs_signing(state: CliState, attest: Attestation, trunk: Trunk | None) -> str:
    """`--attest` without a trunk that signs: name the trunks that do, or how to add one."""
    from robot.config import PROJECT_FILE, load_project

    what = f"trunk `{trunk.name}` has no STIR/SHAKEN signing" if trunk else "no trunk was given"
    signing: list[str] = []
    if (state.project_dir / PROJECT_FILE).is_file():
        signing = [t.name for t in load_project(state.project_dir).trunks if t.signing]
    if signing:
        hint = "pass --trunk " + " or --trunk ".join(signing)
    else:
        hint = "add a `signing:` section (key_file, x5u) to a trunk in ringcheck.yaml, then --trunk"
    return f"--attest {attest.value} signs the call, but {what} ({hint})"


def outcome_json(outcome: SipOutcome, *, from_number: str, to: str,
                 delivery: Delivery) -> dict[str, Any]:
    """The one object `--json` prints."""
    jcard: Any = None
    if outcome.jcard is not None:
        try:
            jcard = json.loads(outcome.jcard)
        except ValueError:
            jcard = outcome.jcard
    reason = outcome.reason
    redress = outcome.redress
    return {
        "call_id": outcome.call_id,
        "from": from_number,
        "to": to,
        "events": [{"code": e.code, "phrase": e.phrase, "at_ms": round(e.at_ms, 1)}
                   for e in outcome.events],
        "final_code": outcome.final_code,
        "final_phrase": outcome.final_phrase,
        "reason": None if reason is None else {
            "protocol": reason.protocol, "cause": reason.cause, "text": reason.text,
            "location": reason.location},
        "call_info": [{"uri": c.uri, "purpose": c.purpose, "params": dict(c.params)}
                      for c in outcome.call_info],
        "jcard": jcard,
        "redress": None if redress is None else {
            "name": redress.name, "org": redress.org, "tel": redress.tel, "url": redress.url},
        "delivery": delivery.value,
        "answered": outcome.answered,
        "cancelled_by_us": outcome.cancelled_by_us,
        "transport": outcome.transport.value if outcome.transport else None,
        "duration_ms": round(outcome.duration_ms, 1),
        "error": outcome.error,
    }


def _follow(call: LiveCall, echo: bool) -> SipOutcome:
    """Print events as they come; an answered call is ended with BYE at once (no handset)."""
    shown = 0
    while True:
        call.wait_for_event(shown, _POLL_S)  # back at the next event, not the next poll
        outcome = call.wait(0)
        events = call.events()
        if echo:
            for event in events[shown:]:
                _say(f"  +{event.at_ms:9.1f} ms  {event.code} {event.phrase}")
        shown = len(events)
        if outcome is not None:
            return outcome
        if any(200 <= e.code < 300 for e in events):
            return call.hang_up()


def _say(text: str) -> None:
    """A line for a person: what the network sent (phrases, Reason text, jCard) is printed
    with its control characters escaped."""
    typer.echo(printable(text))


def _print_human(outcome: SipOutcome, delivery: Delivery) -> None:
    final = f"{outcome.final_code} {outcome.final_phrase}" if outcome.final_code else "none"
    how = " (cancelled by us)" if outcome.cancelled_by_us else ""
    how = " (answered; we sent BYE)" if outcome.answered else how
    _say(f"final: {final} -> {delivery.value}{how}")
    if outcome.reason:
        r = outcome.reason
        _say(f"reason: {r.protocol} cause={r.cause} text={r.text!r} location={r.location}")
    for entry in outcome.call_info:
        _say(f"call-info: {entry.purpose or '-'} {entry.uri[:120]}")
    if outcome.redress:
        r2 = outcome.redress
        _say(f"redress: {r2.name or '-'} / {r2.org or '-'} / {r2.tel or '-'} / "
                   f"{r2.url or '-'}")
    elif outcome.jcard:
        _say(f"jcard (raw): {outcome.jcard[:200]}")
    transport = outcome.transport.value if outcome.transport else "-"
    _say(f"call-id: {outcome.call_id}  transport: {transport}  "
               f"duration: {outcome.duration_ms:.0f} ms")


def dial(
    ctx: typer.Context,
    from_number: str = typer.Option(..., "--from", help="Caller ID to present (E.164)."),
    to: str = typer.Option(..., "--to", help="E.164 number (via a trunk) or a sip: URI."),
    trunk_name: str | None = typer.Option(None, "--trunk", help="Trunk of the project."),
    ring_for: float = typer.Option(30.0, "--ring-for", min=0.1, help="Seconds to let it ring."),
    attest: Attestation | None = typer.Option(None, "--attest", help="Sign with attest A|B|C."),
    header: list[str] = typer.Option([], "--header", help="Extra header 'Name: value'."),
    auth_user: str | None = typer.Option(
        None, "--auth-user", help="Digest user (password from RINGCHECK_SIP_PASSWORD)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON line."),
    trace_file: Path | None = typer.Option(None, "--trace", help="Write the SIP trace here."),
) -> None:
    """Place one test call without a handset; print the timeline and what came back."""
    state: CliState = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    if not E164_RE.match(from_number):
        raise UsageError(f"--from {from_number!r} is not an E.164 number (like +15550100)")
    headers = tuple(_parse_header(h) for h in header)
    trunk = _trunk(state, trunk_name, to, from_number)
    if attest is not None and (trunk is None or trunk.signing is None):
        raise UsageError(_needs_signing(state, attest, trunk))
    request = DialRequest(from_number=from_number, to=to, trunk=trunk, ring_timeout_s=ring_for,
                          max_duration_s=ring_for + 60.0, attestation=attest, headers=headers,
                          auth_user=auth_user)
    from robot.sip import Pjsua2Dialer

    # each call binds the one local address that reaches its peer (robot.sip.route)
    dialer = Pjsua2Dialer(concurrency=1, environ=os.environ)
    try:
        call = dialer.place(request)
        if not as_json:
            _say(f"dialing {to} from {from_number} (call-id {call.call_id})")
        outcome = _follow(call, echo=not as_json)
        if trace_file is not None:
            trace_file.write_text(call.trace())
    except KeyboardInterrupt:
        dialer.close()  # CANCEL/BYE before leaving: no call is left up on the trunk
        raise Interrupted("interrupted: the call was ended from our side") from None
    finally:
        dialer.close()
    delivery = classify_sip(outcome.final_code, outcome.final_phrase, outcome.reason,
                            outcome.call_info, rang=outcome.rang, answered=outcome.answered,
                            cancelled_by_us=outcome.cancelled_by_us)
    if as_json:
        typer.echo(safe_json(outcome_json(outcome, from_number=from_number, to=to,
                                          delivery=delivery), indent=None))
    else:
        _print_human(outcome, delivery)
    if outcome.final_code is None:
        raise DialError(f"no final answer to the call: {outcome.error or 'unknown'}")


def register(app: typer.Typer) -> None:
    app.command("dial")(dial)
