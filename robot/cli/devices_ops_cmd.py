"""`ringcheck devices check|enable|disable|release|show`: operate the farm's handsets.

Adds commands to the `devices` group of `robot.cli.devices_cmd`. Like the wiring module, the
CLI is where concrete adapters are built, so it imports `devices` (lazily, inside commands);
nothing else in `robot` does. Text read from handsets is untrusted: tables get plain `Text`.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from robot.cli import bounds
from robot.cli.audit_cli import record_cli
from robot.cli.config_cmd import console, print_json, project_from
from robot.cli.context import CliState
from robot.cli.devices_cmd import devices_app
from robot.domain.access import Action
from robot.errors import DeviceError
from robot.ports import HandsetHealth
from robot.store import SqlResultStore
from robot.store_location import open_store_in

if TYPE_CHECKING:
    from devices.farm import Farm


def _state(ctx: typer.Context) -> CliState:
    return ctx.obj if isinstance(ctx.obj, CliState) else CliState()


def _open(
    ctx: typer.Context,
    *,
    connect_timeout_s: float = 5.0,
    farm_file: str | None = None,
    fix: bool = False,
) -> tuple[Farm, SqlResultStore]:
    """The farm with its store; `farm_file` (or $RINGCHECK_FARM) points the handsets at a
    running virtual farm, as `ringcheck run --farm` does."""
    from devices.farm import Farm, appium_probe
    from robot.cli.run_cmd import farm_from
    from robot.wiring import simulated_handset

    project = project_from(ctx)
    endpoints = farm_from(farm_file)
    handsets = project.handsets
    if endpoints is not None:
        handsets = tuple(simulated_handset(h, endpoints) for h in handsets)
    state = _state(ctx)
    store = open_store_in(state.project_dir)
    farm = Farm(
        handsets,
        leases=store.leases,
        state=store.handset_state,
        holder=f"cli:{socket.gethostname()}:{os.getpid()}",
        probe=appium_probe(
            connect_timeout_s=connect_timeout_s, command_timeout_s=20.0,
            watch_numbers=tuple(n.e164 for n in project.numbers),
            spam_apps={c.name: c.spam_apps for c in project.carriers
                       if c.spam_apps is not None},
            fix=fix,
        ),
    )  # fmt: skip
    return farm, store


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def warnings_of(health: HandsetHealth) -> list[str]:
    """Settings that make results wrong although the phone answers (see docs/real-farm.md)."""
    hygiene = dict(health.hygiene)
    found = []
    dnd = hygiene.get("dnd", "0")
    if not dnd.startswith(("0", "null", "unknown")):
        found.append(f"Do Not Disturb is on (zen_mode {dnd}): calls may not show; "
                     "`ringcheck devices check --fix` or each run switches it off where allowed")
    if hygiene.get("stay_awake", "on").startswith("off"):
        found.append("the screen sleeps while charging (developer option Stay awake is off)")
    found += [f"{key[len('contact:'):]} is a saved contact ({value}): its name replaces CNAM"
              for key, value in hygiene.items()
              if key.startswith("contact:") and value.startswith("saved")]  # fmt: skip
    return found


def health_json(health: HandsetHealth, enabled: bool, quarantined: bool) -> dict[str, Any]:
    return {
        "id": health.handset_id,
        "enabled": enabled,
        "quarantined": quarantined,
        "healthy": health.healthy,
        "reachable": health.reachable,
        "error": health.error,
        "battery_pct": health.battery_pct,
        "in_service": health.in_service,
        "carrier_name": health.carrier_name,
        "msisdn": health.msisdn,
        "airplane_mode": health.airplane_mode,
        "locked": health.locked,
        "hygiene": dict(health.hygiene),
        "warnings": warnings_of(health),
    }


@devices_app.command("check")
def check(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None, typer.Argument(help="Handset ids (default: every handset).")
    ] = None,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    connect_timeout_s: float = typer.Option(
        5.0, "--connect-timeout", help="Seconds to wait for each Appium server to answer."
    ),
    farm_file: str | None = typer.Option(
        None, "--farm", help="Virtual farm ready file (or $RINGCHECK_FARM)."
    ),
    fix: bool = typer.Option(
        False, "--fix", help="Also put right the settings the phone allows (e.g. Do Not Disturb)."
    ),
) -> None:
    """Probe handsets in parallel; exit 1 when an enabled handset is unhealthy.

    A quarantined handset that is healthy again is put back in service (recovery check).
    Settings that falsify results (Do Not Disturb on, ...) are reported, and fixed with --fix
    where the phone allows; runs fix them before every call anyway.
    """
    farm, store = _open(ctx, connect_timeout_s=connect_timeout_s, farm_file=farm_file, fix=fix)
    try:
        specs = [farm.spec(i) for i in ids] if ids else list(farm.handsets)
        results = farm.check(specs)
        rows = []
        for spec, health in zip(specs, results, strict=True):
            quarantined = store.handset_state.quarantined(spec.id)
            if quarantined and health.healthy:
                store.handset_state.clear_quarantine(spec.id)
                quarantined = False
            rows.append(health_json(health, farm.enabled(spec), quarantined))
    finally:
        store.close()
    if as_json:
        print_json(rows)
    else:
        _print_health(rows)
    unhealthy = [row["id"] for row in rows if row["enabled"] and not row["healthy"]]
    if unhealthy:  # our error, not typer.Exit: main() turns it into exit code 1
        raise DeviceError(f"{len(unhealthy)} enabled handset(s) unhealthy: {', '.join(unhealthy)}")


def _print_health(rows: list[dict[str, Any]]) -> None:
    table = Table(title=f"Handset health ({len(rows)})", title_justify="left")
    for column in ("id", "on", "ok", "service", "battery", "carrier", "number", "airplane",
                   "locked", "hygiene / error"):  # fmt: skip
        table.add_column(column, overflow="fold")
    for row in rows:
        detail = row["error"] or "; ".join(
            [*(f"WARNING {w}" for w in row["warnings"]),
             ", ".join(f"{k}={v}" for k, v in row["hygiene"].items())]
        )  # fmt: skip
        battery = "-" if row["battery_pct"] is None else f"{row['battery_pct']:.0f}%"
        on = "quarantined" if row["quarantined"] else _yes_no(row["enabled"])
        ok = Text("yes", style="green") if row["healthy"] else Text("NO", style="bold red")
        table.add_row(
            Text(row["id"]), on, ok, _yes_no(row["in_service"]), battery,
            Text(row["carrier_name"] or "-"), Text(row["msisdn"] or "-"),
            _yes_no(row["airplane_mode"]), _yes_no(row["locked"]), Text(detail or "-"),
        )  # fmt: skip
    console().print(table)


def _set_enabled(ctx: typer.Context, handset_id: str, enabled: bool) -> None:
    farm, store = _open(ctx)
    try:
        farm.spec(handset_id)
        store.handset_state.set_enabled(handset_id, enabled)
        action = Action.HANDSET_ENABLE if enabled else Action.HANDSET_DISABLE
        record_cli(store, action, f"handset {handset_id}")
    finally:
        store.close()
    typer.echo(f"{handset_id}: {'enabled' if enabled else 'disabled'}")


@devices_app.command("enable")
def enable(ctx: typer.Context, handset_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Put a handset back in service (overrides `enabled:` in the farm file)."""
    _set_enabled(ctx, handset_id, True)


@devices_app.command("disable")
def disable(ctx: typer.Context, handset_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Take a handset out of service; runs skip it until `devices enable`."""
    _set_enabled(ctx, handset_id, False)


@devices_app.command("release")
def release(ctx: typer.Context, handset_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Force-release a handset's lease (a run that crashed; leases also expire by themselves)."""
    farm, store = _open(ctx)
    try:
        farm.spec(handset_id)
        holder = store.leases.holder(handset_id)
        released = store.leases.release(handset_id, None)
        record_cli(store, Action.HANDSET_RELEASE, f"handset {handset_id}",
                   held_by=holder if released else None)  # fmt: skip
    finally:
        store.close()
    if released:
        typer.echo(f"{handset_id}: released (was held by {holder or 'an expired lease'})")
    else:
        typer.echo(f"{handset_id}: was not leased")


@devices_app.command("show")
def show(
    ctx: typer.Context,
    handset_id: str = typer.Argument(..., metavar="ID"),
    limit: int = typer.Option(10, "--limit", help="How many recent attempts."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One handset: its state, its lease, its recent attempts and last screenshot."""
    bounds.row_limit(limit)
    farm, store = _open(ctx)
    try:
        spec = farm.spec(handset_id)
        status = store.handset_state.get(handset_id)
        holder = store.leases.holder(handset_id)
        attempts = store.attempts(handset_id=handset_id, limit=limit)
        screenshot = next(
            (a.artifacts.screenshot for a in attempts if a.artifacts.screenshot), None
        )
        screenshot_path = (
            store.artifacts.locate(screenshot)
            if screenshot and store.artifacts
            else screenshot
        )
    finally:
        store.close()
    recent = [
        {"id": a.id, "dialed_at": a.times.dialed_at.isoformat(), "number": a.number,
         "status": a.status.value, "delivery": a.delivery.value if a.delivery else None,
         "error": a.error}
        for a in attempts
    ]  # fmt: skip
    info: dict[str, Any] = {
        "id": spec.id, "carrier": spec.carrier, "platform": spec.platform.value,
        "dialer": spec.dialer.value, "msisdn": spec.msisdn, "appium_url": spec.appium_url,
        "enabled": farm_enabled(spec.enabled, status.enabled_override),
        "quarantined": status.quarantined, "consecutive_errors": status.consecutive_errors,
        "last_error": status.last_error, "leased_by": holder,
        "last_screenshot": screenshot_path,
        "recent_attempts": recent,
    }  # fmt: skip
    if as_json:
        print_json(info)
        return
    out = console()
    for key in ("id", "carrier", "platform", "dialer", "msisdn", "appium_url", "enabled",
                "quarantined", "consecutive_errors", "last_error", "leased_by",
                "last_screenshot"):  # fmt: skip
        value = info[key]
        out.print(Text(f"{key:>19}: {'-' if value is None else value}"))
    table = Table(title=f"Recent attempts ({len(attempts)})", title_justify="left")
    for column in ("id", "dialed at", "number", "status", "delivery", "error"):
        table.add_column(column, overflow="fold")
    for row in recent:
        table.add_row(*(Text(str(row[k] if row[k] is not None else "-")) for k in
                        ("id", "dialed_at", "number", "status", "delivery", "error")))  # fmt: skip
    out.print(table)


def farm_enabled(in_file: bool, override: bool | None) -> bool:
    return in_file if override is None else override


def register(app: typer.Typer) -> None:
    """The commands attach to `devices_app` on import; the group itself is registered by
    `robot.cli.devices_cmd.register`."""
    del app
