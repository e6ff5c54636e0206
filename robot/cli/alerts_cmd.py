"""`ringcheck alerts list|signals|retry|test`: the alert outbox and the signals behind it.

Reasons quote text read off phones' screens: table cells are `rich.text.Text`, never markup, so
screen text cannot restyle or corrupt the terminal.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from robot.alerts.alert import Alert, AlertDelivery
from robot.alerts.sender import Outcome
from robot.cli import bounds
from robot.cli.config_cmd import console, print_json, project_from
from robot.config.project import Project
from robot.domain.alerts import AlertChannel, AlertKind, SignalKey
from robot.errors import UsageError
from robot.scenario.load import find_scenario, load_scenario
from robot.store.alert_outbox import AlertRecord, SqlOutbox
from robot.store.alert_state import SqlSignals
from robot.store.results import SqlResultStore
from robot.wiring import open_project_store, outbox_sender, project_channels

alerts_app = typer.Typer(
    help="Alerts: what was raised, where it went, and the signals behind it.",
    no_args_is_help=True,
)
STATUSES = ("pending", "sent", "failed", "muted", "no channel")


def _local(moment: datetime | None, project: Project) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(zoneinfo.ZoneInfo(project.timezone)).strftime("%Y-%m-%d %H:%M %Z")


def _delivery_dict(d: AlertDelivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "channel": d.channel.name,
        "channel_kind": d.channel.kind,
        "url_env": d.channel.url_env,
        "status": d.status.value,
        "tries": d.tries,
        "last_error": d.last_error,
        "next_try_at": d.next_try_at.isoformat() if d.next_try_at else None,
        "sent_at": d.sent_at.isoformat() if d.sent_at else None,
    }


def record_dict(record: AlertRecord) -> dict[str, Any]:
    alert = record.alert
    return {
        "id": alert.id,
        "created_at": alert.created_at.isoformat(),
        "scenario": alert.key.scenario,
        "number": alert.key.number,
        "carrier": alert.key.carrier,
        "check": alert.key.check,
        "variant": alert.key.variant,
        "kind": alert.kind.value,
        "summary": alert.headline(),
        "reason": alert.reason,
        "run_id": alert.run_id,
        "attempt_id": alert.attempt_id,
        "evidence": alert.evidence.as_dict(),
        "status": record.status,
        "deliveries": [_delivery_dict(d) for d in record.deliveries],
    }


def _delivery_text(d: AlertDelivery, project: Project) -> str:
    text = f"{d.channel.name}: {d.status.value}"
    if d.tries:
        text += f" after {d.tries} {'try' if d.tries == 1 else 'tries'}"
    if d.status.value == "pending" and d.next_try_at is not None and d.tries:
        text += f", next {_local(d.next_try_at, project)}"
    if d.last_error and d.status.value != "sent":
        text += f" ({d.last_error})"
    return text


def run_alerts_line(project: Project, run_id: int | None) -> str:
    """One line for the end of a run: what it raised and where that stands."""
    store = open_project_store(project)
    try:
        records = SqlOutbox(store.engine, store.clock).records(run_id=run_id, limit=1000)
    finally:
        store.close()
    if not records:
        return "alerts: none raised (no signal changed)"
    states: dict[str, int] = {}
    errors: list[str] = []
    for record in records:
        states[record.status] = states.get(record.status, 0) + 1
        errors += [d.last_error for d in record.deliveries if d.last_error and d.tries]
    shown = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    why = f"; last error: {errors[-1]}" if errors else ""
    return f"alerts: {len(records)} raised ({shown}{why}); see `ringcheck alerts list`"


@alerts_app.command("list")
def list_cmd(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None, "--status", help="pending, sent, failed, muted or 'no channel'."
    ),
    scenario: str | None = typer.Option(None, "--scenario", help="Only this scenario."),
    limit: int = typer.Option(50, "--limit"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Alerts raised, newest first, with each channel's delivery: tries and last error."""
    if status is not None and status not in STATUSES:
        raise UsageError(f"--status {status!r} is not one of: {', '.join(STATUSES)}")
    bounds.row_limit(limit)
    project = project_from(ctx)
    store = open_project_store(project, create=False)
    try:
        outbox = SqlOutbox(store.engine, store.clock)
        records = outbox.records(status=status, scenario=scenario, limit=limit)
        counts = outbox.counts()
    finally:
        store.close()
    if as_json:
        print_json([record_dict(r) for r in records])
        return
    table = Table("id", "raised", "scenario", "number", "carrier", "alert", "status", "delivery")
    for record in records:
        alert = record.alert
        lines = [_delivery_text(d, project) for d in record.deliveries] or [record.status]
        table.add_row(
            str(alert.id),
            _local(alert.created_at, project),
            Text(alert.key.scenario),
            alert.key.number,
            Text(alert.key.carrier),
            Text(f"{alert.short()}\n{alert.reason}"),
            record.status,
            Text("\n".join(lines)),
        )
    out = console()
    out.print(table)
    totals = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("pending", "sent", "failed"))
    out.print(Text(f"deliveries: {totals}"))
    if counts.get("pending") or counts.get("failed"):
        out.print("`ringcheck alerts retry` sends pending and failed deliveries now")


@alerts_app.command("signals")
def signals_cmd(
    ctx: typer.Context,
    scenario: str | None = typer.Option(None, "--scenario", help="Only this scenario."),
    failing: bool = typer.Option(False, "--failing", help="Only signals confirmed failing."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every signal (scenario, number, carrier, check) and its confirmed state."""
    project = project_from(ctx)
    store = open_project_store(project, create=False)
    try:
        rows = SqlSignals(store.engine, store.clock).signals(
            scenario=scenario, failing_only=failing
        )
    finally:
        store.close()
    if as_json:
        print_json(
            [
                {
                    "scenario": r.key.scenario,
                    "number": r.key.number,
                    "carrier": r.key.carrier,
                    "check": r.key.check,
                    "variant": r.key.variant,
                    "state": r.confirmed.value,
                    "recent": [o.value for o in r.recent],
                    "reason": r.reason,
                    "last_attempt_id": r.last_attempt_id,
                    "since": r.changed_at.isoformat(),
                }
                for r in rows
            ]
        )
        return
    table = Table("scenario", "number", "carrier", "check", "axes", "state", "since", "last")
    for r in rows:
        state = Text(r.confirmed.value.upper(), style="bold red" if r.confirmed == "fail" else "")
        table.add_row(
            Text(r.key.scenario),
            r.key.number,
            Text(r.key.carrier),
            r.key.check,
            r.key.variant,
            state,
            _local(r.changed_at, project),
            Text(r.reason or "-"),
        )
    console().print(table)


def _print_outcome(outcome: Outcome, outbox: SqlOutbox, as_json: bool) -> None:
    rows = []
    for delivery_id in [*outcome.sent, *outcome.failed]:
        delivery = outbox.delivery(delivery_id)
        if delivery is not None:
            rows.append({"alert": delivery.alert.id, **_delivery_dict(delivery)})
    if as_json:
        print_json(rows)
        return
    out = console()
    for row in rows:
        line = f"alert {row['alert']} -> {row['channel']}: {row['status']}"
        if row["status"] != "sent" and row["last_error"]:
            line += f" ({row['last_error']})"
        out.print(Text(line))
    if not rows:
        out.print("nothing to send")


@alerts_app.command("retry")
def retry_cmd(
    ctx: typer.Context,
    delivery_ids: list[int] = typer.Argument(None, metavar="[DELIVERY_ID]..."),
    failed_only: bool = typer.Option(False, "--failed", help="Only deliveries given up."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Send pending and failed deliveries now (all of them, or the ids `alerts list --json`
    shows); what still fails goes back to the outbox with a fresh count of tries."""
    project = project_from(ctx)
    store = open_project_store(project)
    try:
        outbox = SqlOutbox(store.engine, store.clock)
        chosen = outbox.retry(delivery_ids or (), failed_only=failed_only)
        if delivery_ids and not chosen:
            raise UsageError(
                "none of those deliveries is pending or failed (see `ringcheck alerts list`)"
            )
        outcome = _send_now(store, chosen)
        _print_outcome(outcome, outbox, as_json)
    finally:
        store.close()
    if outcome.failed:
        raise typer.Exit(1)


def _send_now(store: SqlResultStore, ids: list[int]) -> Outcome:
    sender = outbox_sender(store)
    total = Outcome()
    try:
        for start in range(0, len(ids), 20):
            batch = sender.send_due(ids=ids[start : start + 20], limit=20)
            total.sent += batch.sent
            total.failed.update(batch.failed)
    finally:
        sender.close()
    return total


@alerts_app.command("test")
def test_cmd(
    ctx: typer.Context,
    channels: list[str] = typer.Argument(None, metavar="[CHANNEL]..."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Test the channels this scenario's alerts go to."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Send a test alert to channels (default: every channel of the project) through the
    outbox, and say whether each receiver accepted it."""
    project = project_from(ctx)
    chosen = _channels_to_test(project, channels or [], scenario)
    store = open_project_store(project)
    try:
        outbox = SqlOutbox(store.engine, store.clock)
        alert = outbox.record(
            Alert(
                key=SignalKey(scenario or "-", "-", "-", "test"),
                kind=AlertKind.TEST,
                reason="A test alert from `ringcheck alerts test`: this channel works.",
                created_at=store.clock.now(),
            ),
            chosen,
        )
        ids = [d.id for d in outbox.deliveries_of(alert.id or 0)]
        outcome = _send_now(store, ids)
        _print_outcome(outcome, outbox, as_json)
    finally:
        store.close()
    if outcome.failed:
        raise typer.Exit(1)


def _channels_to_test(
    project: Project, names: list[str], scenario_ref: str | None
) -> list[AlertChannel]:
    from robot.alerts.pipeline import route

    known = project_channels(project)
    if scenario_ref is not None:
        scenario = load_scenario(find_scenario(scenario_ref, project), project)
        pool = list(route(known, scenario.alerts, project_confirm=project.alert_confirm).channels)
    else:
        pool = [channel for channel, _ in known]
    if not names:
        if not pool:
            raise UsageError(
                "no alert channel is configured: add `alerts: webhooks:` to ringcheck.yaml "
                "(kind, name, url_env) or to the scenario"
            )
        return pool
    by_name = {c.name: c for c in pool}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise UsageError(
            f"no alert channel {missing[0]!r}; channels: {', '.join(sorted(by_name)) or 'none'}"
        )
    return [by_name[n] for n in names]


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
