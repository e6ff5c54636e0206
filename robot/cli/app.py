"""The `ringcheck` entry point: global options, command groups, and the one place errors
become a single line and an exit code."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from typing import TYPE_CHECKING, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from robot import __version__
from robot.cli import collector
from robot.cli.context import CliState
from robot.cli.printable import printable, safe_console
from robot.errors import RingcheckError

if TYPE_CHECKING:
    from typer._click import Command  # Typer's own copy of Click

GLOBAL_FLAGS = frozenset({"-v", "--verbose"})
GLOBAL_OPTIONS = frozenset({"--project"})


def hoist_global_options(args: list[str]) -> list[str]:
    """Move `--project DIR` and `-v` to the front wherever they were typed: people write
    `ringcheck run smoke --project DIR` (and our errors tell them to pass `--project`)."""
    front: list[str] = []
    rest: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            rest.append(token)
            rest.extend(tokens)
            break
        if token in GLOBAL_FLAGS or token.split("=", 1)[0] in GLOBAL_OPTIONS:
            front.append(token)  # a flag, or `--project=DIR`
            if token in GLOBAL_OPTIONS:  # `--project DIR`: its value comes along
                value = next(tokens, None)
                if value is not None:
                    front.append(value)
        else:
            rest.append(token)
    return front + rest


# Options whose value may be left out, and the value they then take (click cannot say so).
OPTIONAL_VALUES = {"--web": "127.0.0.1:8750"}


def fill_optional_values(args: list[str]) -> list[str]:
    """`serve --web` alone means the console on its default address; `--web HOST:PORT` says
    where."""
    out: list[str] = []
    for i, token in enumerate(args):
        if token == "--":
            return out + args[i:]
        out.append(token)
        if token in OPTIONAL_VALUES:
            following = args[i + 1] if i + 1 < len(args) else None
            if following is None or following.startswith("-"):
                out.append(OPTIONAL_VALUES[token])
    return out


class _Root(TyperGroup):
    """The top-level group: global options are accepted before or after the command, and
    each command group is imported only when a command line names it.

    Until then a command is a placeholder carrying its one-line help (`COMMAND_HELP`), so
    `--help` and "did you mean" list every command without importing the store, OCR, SIP
    and Appium stacks that the commands themselves need."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name in COMMAND_MODULES:
            if name not in self.commands:
                self.commands[name] = _Placeholder(name)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        return super().parse_args(ctx, fill_optional_values(hoist_global_options(args)))

    def resolve_command(  # type: ignore[override]
        self, ctx: typer.Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        if args and isinstance(self.commands.get(args[0]), _Placeholder):
            self.commands[args[0]] = _load(args[0])
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Command | None:  # type: ignore[override]
        command = self.commands.get(cmd_name)
        if isinstance(command, _Placeholder) and command.help is None:
            command = self.commands[cmd_name] = _load(cmd_name)  # no help line: load it
        return command


class _Placeholder(TyperCommand):
    """A command not imported yet: its help line for listings (never run: `_Root` swaps in
    the real command before a command line reaches it)."""

    def __init__(self, name: str) -> None:
        super().__init__(name=name, help=COMMAND_HELP.get(name), callback=self._not_loaded)

    def _not_loaded(self) -> None:
        raise RuntimeError(f"command {self.name!r} was not loaded")


_loaded: set[str] = set()


def _load(name: str) -> Command:
    """Import the modules of command `name`, attach them to the app, and return the real
    command (a module may define several commands: `run` and `runs`)."""
    for module_name in COMMAND_MODULES[name]:
        if module_name not in _loaded:
            importlib.import_module(f"robot.cli.{module_name}").register(app)
            _loaded.add(module_name)
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


app = typer.Typer(
    cls=_Root,
    name="ringcheck",
    help="Test-call robot: what do customers see when we call them?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = safe_console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ringcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    project: str | None = typer.Option(
        None, "--project", envvar="RINGCHECK_PROJECT", help="Project folder (default: .)"
    ),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Show details of errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    del version
    collector.resume()  # start-up is over: the command's own garbage is collected as usual
    ctx.obj = CliState(project=project, verbose=verbose)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )


# Command name -> the modules that define it (in registration order). Only the modules of the
# command being run are imported: the store, OCR, SIP and Appium stacks cost seconds to import.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "config": ("config_cmd",),
    "numbers": ("numbers_cmd",),
    "devices": ("devices_cmd", "devices_ops_cmd"),
    "farm": ("farm_cmd",),
    "results": ("results_cmd",),
    "report": ("report_cmd",),
    "evidence": ("evidence_cmd",),
    "scenarios": ("scenarios_cmd",),
    "run": ("run_cmd",),
    "runs": ("run_cmd",),
    "serve": ("serve_cmd",),
    "schedule": ("serve_cmd",),
    "alerts": ("alerts_cmd",),
    "dial": ("dial_cmd",),
    "read-screen": ("read_screen_cmd",),
    "demo": ("demo_cmd",),
    "tokens": ("tokens_cmd",),
    "worker": ("worker_cmd",),
    "workers": ("worker_cmd",),
}
# The one-line help `ringcheck --help` shows for each command, so that listing imports none
# of them (a test checks each line against the command's own help).
COMMAND_HELP: dict[str, str] = {
    "config": "Check the project's configuration.",
    "numbers": "List and import the numbers we call from.",
    "devices": "The handsets of the device farm.",
    "farm": "The virtual device farm.",
    "results": "List, export and prune stored test-call results.",
    "report": "Write the weekly report (default: the last complete ISO week); exit 1 when the "
    "period holds no attempts.",
    "evidence": "Bundle screenshots, page sources, SIP traces and verdicts of one number into "
    "a zip.",
    "scenarios": "Scenario files: list and check them.",
    "run": "Run a scenario now: dial, watch the handsets, judge, record.",
    "runs": "Runs recorded in the store.",
    "serve": "Fire scenario schedules until SIGTERM/Ctrl-C; SIGHUP reloads the scenario files. "
    "With --web, also serve the web console and REST API (runs started there run here).",
    "schedule": "Scheduled scenarios in the store.",
    "alerts": "Alerts: what was raised, where it went, and the signals behind it.",
    "dial": "Place one test call without a handset; print the timeline and what came back.",
    "read-screen": "Read surface, name, number, spam label, verified badge, logo and call "
    "reason off call screens; fields two readings disagree on are listed as uncertain.",
    "demo": "Write a demo project, start the virtual farm, run it, write the report, stop the "
    "farm.",
    "tokens": "API tokens for the web console and REST API.",
    "worker": "Make the calls of one farm site until SIGTERM/Ctrl-C.",
    "workers": "Farm-site workers.",
}


def _spawn_from_the_package() -> None:
    """Processes we spawn (SIP workers, the virtual farm's parts) start from their own
    module. multiprocessing re-runs the parent's main *file* in every child, which for the
    `ringcheck` script means importing the command line again (Typer, Rich) before a SIP
    worker can start; naming the main module `robot.cli.__main__` (what `ringcheck` runs)
    lets multiprocessing skip that, as it does for `python -m robot.cli`."""
    main_module = sys.modules.get("__main__")
    if main_module is not None and getattr(main_module, "__spec__", None) is None:
        main_module.__spec__ = importlib.util.find_spec("robot.cli.__main__")


def main() -> None:
    """Console entry point. Typer handles usage errors, `Exit` codes and Ctrl-C itself; our
    own errors become one line on stderr (details with -v) and their exit code. The line is
    printable whatever the message quotes (a name, a SIP phrase): control characters are
    escaped, so it stays one line and cannot drive the terminal.

    Anything else is a bug in ringcheck, not bad input: it is said in one line too, with
    the traceback behind -v, rather than as a wall of frames."""
    verbose = "-v" in sys.argv or "--verbose" in sys.argv
    _spawn_from_the_package()
    collector.pause()
    try:
        app()
    except RingcheckError as exc:
        err_console.print(f"error: {printable(exc)}", markup=False)
        if verbose:
            err_console.print_exception()
        sys.exit(exc.exit_code)
    except Exception as exc:
        if verbose:
            err_console.print_exception()
        what = printable(f"{type(exc).__name__}: {exc}")
        err_console.print(
            f"error: internal error ({what}); this is a bug in ringcheck, "
            "please report it with the output of the same command run with -v",
            markup=False,
        )
        sys.exit(70)  # EX_SOFTWARE
    finally:
        collector.restore()
