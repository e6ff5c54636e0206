"""The `ringcheck` entry point: global options, command groups, and the one place errors
become a single line and an exit code."""

from __future__ import annotations

import importlib
import logging
import sys

import typer
from typer.core import TyperGroup

from robot import __version__
from robot.cli.context import CliState
from robot.cli.printable import printable, safe_console
from robot.errors import RingcheckError

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
    """The top-level group: global options are accepted before or after the command."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        return super().parse_args(ctx, fill_optional_values(hoist_global_options(args)))


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
}
_OPTIONS_WITH_VALUE = frozenset({"--project"})


def requested_command(argv: list[str]) -> str | None:
    """The command word in `argv` (after global options), or None for help and the like."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _OPTIONS_WITH_VALUE:
            skip = True
        elif not token.startswith("-"):
            return token
    return None


def _register(argv: list[str]) -> None:
    """Attach the command groups `argv` needs (all of them for help or an unknown word)."""
    command = requested_command(argv)
    wanted = COMMAND_MODULES.get(command or "")
    names = wanted or tuple(dict.fromkeys(m for ms in COMMAND_MODULES.values() for m in ms))
    for name in names:
        module = importlib.import_module(f"robot.cli.{name}")
        module.register(app)


_register(sys.argv[1:])


def main() -> None:
    """Console entry point. Typer handles usage errors, `Exit` codes and Ctrl-C itself; our
    own errors become one line on stderr (details with -v) and their exit code. The line is
    printable whatever the message quotes (a name, a SIP phrase): control characters are
    escaped, so it stays one line and cannot drive the terminal.

    Anything else is a bug in ringcheck, not bad input: it is said in one line too, with
    the traceback behind -v, rather than as a wall of frames."""
    verbose = "-v" in sys.argv or "--verbose" in sys.argv
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
