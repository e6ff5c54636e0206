"""`ringcheck farm sim`: run the virtual farm in the foreground until SIGTERM or Ctrl-C.

Contract with the robot and the tests (DESIGN.md, "The virtual farm"): with `--ready-file P`
it writes `{sip: {carrier: port}, appium_url, truth_url, pid}` to P atomically once every
carrier listens; SIGTERM ends every call and exits 0.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from types import FrameType

import typer

from robot.atomic_file import write_atomic
from robot.cli.context import CliState

farm_app = typer.Typer(help="The virtual device farm.", no_args_is_help=True)


@farm_app.command("sim")
def sim(
    ctx: typer.Context,
    project: str | None = typer.Option(None, "--project", help="Project folder (default: .)"),
    ready_file: Path | None = typer.Option(
        None, "--ready-file", help="Write the ports as JSON here once ready."
    ),
    sip_port: int = typer.Option(0, "--sip-port", help="First carrier's SIP port (0: any)."),
    http_port: int = typer.Option(0, "--http-port", help="Appium/truth HTTP port (0: any)."),
) -> None:
    """Run simulated carriers (SIP) and handsets (Appium protocol) for this project."""
    from devices.sim.build import farm_from_project  # heavy imports only for this command

    state = ctx.obj if isinstance(ctx.obj, CliState) else CliState()
    folder = Path(project) if project else state.project_dir
    farm = farm_from_project(folder, sip_port=sip_port, http_port=http_port)
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    previous = signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    ready = farm.start()
    try:
        text = json.dumps(ready.as_json(), sort_keys=True)
        if ready_file is not None:
            write_atomic(ready_file, (text + "\n").encode("utf-8"))
        typer.echo(text)
        typer.echo(
            f"virtual farm ready: {len(farm.handsets)} handsets, carriers "
            f"{', '.join(f'{k}=udp/tcp:{v}' for k, v in ready.sip.items())}; "
            f"Appium {ready.appium_url}",
            err=True,
        )
        while not stop.wait(0.5):
            pass
    finally:
        farm.stop()
        signal.signal(signal.SIGTERM, previous)
        if ready_file is not None:
            ready_file.unlink(missing_ok=True)


def register(app: typer.Typer) -> None:
    app.add_typer(farm_app, name="farm")
