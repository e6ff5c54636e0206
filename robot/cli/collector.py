"""The cyclic garbage collector around a command: paused while `ringcheck` starts, and kept
out of its exit.

Start-up creates a few hundred thousand objects (Typer, pydantic, SQLAlchemy, our modules,
the validators of the options) that live until the process ends. While they are being
created the collector walks them again and again, and at interpreter exit it walks them all
twice more, finding nothing to free: 4 % and 5 % of the instructions of `ringcheck results
list`. So the collector is paused until the command itself runs (`resume`); the objects of
the start-up are then frozen, never to be examined again, while what the command creates is
collected as usual (long commands such as `run` and `serve` need that); at exit everything
is frozen again, so the interpreter's last collections have nothing to walk.

`main()` also runs inside other processes (tests call it in-process): `restore` leaves the
collector as `pause` found it.
"""

from __future__ import annotations

import atexit
import gc

_paused = False
_frozen = False
_exit_freeze_registered = False


def pause() -> None:
    """Stop collecting while the command line is read and its modules are imported."""
    global _paused, _exit_freeze_registered
    if not _exit_freeze_registered:
        atexit.register(gc.freeze)
        _exit_freeze_registered = True
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """The command runs now: freeze what start-up made (it lives until exit) and collect
    what comes after."""
    global _paused, _frozen
    if _paused:
        gc.freeze()
        _frozen = True
        gc.enable()
        _paused = False


def restore() -> None:
    """The collector as `pause` found it: enabled again, nothing left frozen."""
    global _paused, _frozen
    if _paused:
        gc.enable()
        _paused = False
    if _frozen:
        gc.unfreeze()
        _frozen = False
