"""The command line: thin typer commands that open the store, call one function, print.

``app`` holds the global options and shared helpers; each module registers one
group of commands on it: ``feeds`` (manage feeds), ``poll``, ``query`` (chain,
reposts, origins, sites, stats), ``export``, ``urls`` (clean-url), ``copies``
(copies, rematch), ``resolve`` (read cited pages), ``discover`` (feeds of unpolled sites),
``report`` (report, datasette-metadata), ``outlets`` (group an outlet's domains), ``watch``
(follow new reposts), ``copydb`` (copy-db).

:func:`main` (the ``tracer`` command) imports only the module of the command
it runs (:data:`COMMAND_MODULES`), so typer builds that command alone rather
than every command's options: a start costs little more than importing typer.
Anything else (``--help``, no command, a mistyped one) imports every module.
``tracer.cli.app`` (the attribute) is the whole application, every module
imported, as tests and documentation tools expect.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tracer.startup import cli_process, importing

with importing():  # typer and the global options: every command needs them
    from tracer.cli.app import main as _run

if TYPE_CHECKING:
    from tracer.cli.app import app
else:
    # Importing the submodule named its module ``app`` here; ``tracer.cli.app`` is the
    # application instead (as it always was), made whole on first use (__getattr__).
    globals().pop("app", None)

__all__ = ["CLI_MODULES", "COMMAND_MODULES", "app", "command_name", "main"]

CLI_MODULES = (
    "copies",
    "copydb",
    "discover",
    "export",
    "feeds",
    "outlets",
    "poll",
    "query",
    "report",
    "resolve",
    "urls",
    "watch",
)

# Each top-level command (or group) -> the module in tracer/cli/ that registers it
# (tests/test_cli_startup.py checks this against the registered commands).
COMMAND_MODULES = {
    "chain": "query",
    "reposts": "query",
    "origins": "query",
    "sites": "query",
    "stats": "query",
    "copies": "copies",
    "rematch": "copies",
    "copy-db": "copydb",
    "discover": "discover",
    "export": "export",
    "poll": "poll",
    "report": "report",
    "datasette-metadata": "report",
    "resolve": "resolve",
    "clean-url": "urls",
    "feeds": "feeds",
    "outlets": "outlets",
    "watch": "watch",
}

_VALUE_OPTIONS = ("--db",)  # the global options that take a value


def command_name(args: Sequence[str]) -> str | None:
    """The command ``args`` (``sys.argv[1:]``) run, past the global options; None if none.

    >>> command_name(["--db", "x.db", "poll", "--all"])
    'poll'
    >>> command_name(["--db=x.db", "feeds", "add", "u"])
    'feeds'
    >>> command_name(["--version"]) is None, command_name(["--db", "poll"]) is None
    (True, True)
    """
    items = iter(args)
    for arg in items:
        if arg == "--":
            return next(items, None)
        if arg in _VALUE_OPTIONS:
            next(items, None)
            continue
        if arg.startswith("-"):
            continue
        return arg
    return None


def _import_modules(names: Sequence[str]) -> None:
    for name in names:
        importlib.import_module(f"tracer.cli.{name}")


def main() -> None:
    """The ``tracer`` command: register the command being run (or all), then run."""
    cli_process()  # the imports of the run are frozen once done (tracer.startup)
    module = COMMAND_MODULES.get(command_name(sys.argv[1:]) or "")
    with importing():
        _import_modules([module] if module else CLI_MODULES)
    _run()


def __getattr__(name: str) -> Any:
    """``tracer.cli.app``: the whole typer application, every command registered."""
    if name == "app":
        _import_modules(CLI_MODULES)
        from tracer.cli.app import app as whole

        globals()["app"] = whole
        return whole
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
