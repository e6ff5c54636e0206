"""`ringcheck devices ...`: the handsets of the farm.

`devices_app` is shared: other modules add commands (check, enable, disable, show) to it with
`@devices_app.command(...)`; `register(app)` attaches the group once.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from robot.cli.config_cmd import console, print_json, project_from
from robot.cli.printable import cell
from robot.config.hints import choice_hint
from robot.config.summary import handset_dict
from robot.domain.model import Platform
from robot.errors import UsageError

devices_app = typer.Typer(help="The handsets of the device farm.", no_args_is_help=True)


@devices_app.command("list")
def list_devices(
    ctx: typer.Context,
    carrier: str | None = typer.Option(None, "--carrier", help="Only handsets on this carrier."),
    platform: Annotated[Platform | None, typer.Option("--platform", help="android or ios.")] = None,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the farm's handsets."""
    project = project_from(ctx)
    known = project.carrier_names()
    if carrier is not None and carrier not in known:
        raise UsageError(f"--carrier {carrier}: no such carrier ({choice_hint(carrier, known)})")
    handsets = [
        h
        for h in project.handsets
        if (carrier is None or h.carrier == carrier)
        and (platform is None or h.platform == platform)
    ]
    if as_json:
        print_json([handset_dict(h) for h in handsets])
        return
    table = Table(title=f"Handsets ({len(handsets)})", title_justify="left")
    columns = (
        "id",
        "carrier",
        "platform",
        "model",
        "os",
        "dialer",
        "msisdn",
        "locale",
        "on",
        "tags",
    )
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in ("id", "msisdn"))
    for h in handsets:
        table.add_row(
            cell(h.id),
            cell(h.carrier),
            cell(h.platform.value),
            cell(h.model),
            cell(h.os_version),
            cell(h.dialer.value),
            cell(h.msisdn),
            cell(h.locale),
            "yes" if h.enabled else "no",
            cell(", ".join(h.tags), ""),
        )
    console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(devices_app, name="devices")
