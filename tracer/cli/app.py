"""The typer application, global options and helpers shared by every command module.

Machine output (``--json``, exports) goes to stdout; progress, warnings and
errors go to stderr. Exit codes: 0 done, 1 failed (or: some input rejected,
URL unknown), 2 usage error.
"""


import os
import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracer import __version__
from tracer.exceptions import TracerError

if TYPE_CHECKING:
    from tracer.store import Store

DEFAULT_DB = "tracer.db"

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Trace where reposted news content comes from.",
)
feeds_app = typer.Typer(no_args_is_help=True, help="Manage the feeds to poll.")
app.add_typer(feeds_app, name="feeds")


ProxyOption = Annotated[
    str | None,
    typer.Option(
        "--proxy",
        help="Proxy URL for every request (http://, https://; socks5:// needs tracer\\[socks]);"
        " default: HTTP_PROXY/HTTPS_PROXY/ALL_PROXY/NO_PROXY from the environment.",
    ),
]


class State:
    db: str = DEFAULT_DB  # a SQLite file path or a postgresql:// URL


state = State()
# the stores the command opened (open_store), closed at its end (weakly held: a test
# invoking many commands in one process frees them as before)
_opened: "weakref.WeakSet[Store]" = weakref.WeakSet()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tracer {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        str,
        typer.Option(
            "--db",
            envvar="TRACER_DB",
            help="SQLite database file, or postgresql://user:pass@host:port/dbname"
            " (created, in a folder that exists, and migrated by the commands that write).",
        ),
    ] = DEFAULT_DB,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """tracer: repost provenance from RSS/Atom feeds into SQLite or PostgreSQL."""
    state.db = db


def err(message: str) -> None:
    typer.echo(message, err=True)


def db_engine() -> str:
    """The engine ``--db`` names (``sqlite``, ``postgresql``); exit 1 for any other, exit 2
    for an empty ``--db``."""
    from tracer.engines import engine_of

    if not state.db:
        err("error: --db (or TRACER_DB) is empty: give a database file or a postgresql:// URL")
        raise typer.Exit(2)
    try:
        return engine_of(state.db)
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None


def db_path() -> Path:
    """The ``--db`` file of a SQLite store; exit 1 if ``--db`` names an unsupported engine
    or a folder."""
    from tracer.engine.sqlite import not_a_file

    db_engine()
    folder = not_a_file(Path(state.db))
    if folder is not None:
        err(f"error: {folder}")
        raise typer.Exit(1)
    return Path(state.db)


def open_store(*, create: bool = False) -> "Store":
    """The ``--db`` store; exit 1 if it cannot be opened.

    Only commands that write pass ``create=True``: for the others a missing
    database is an error (a mistyped path must not leave an empty file behind).
    The ``tracer`` command closes it when it ends (:func:`close_stores`).
    """
    from tracer.store import Store

    db_engine()
    try:
        store = Store.open(state.db, create=create)
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    _opened.add(store)
    return store


def close_stores() -> None:
    """Close the stores the command opened (:func:`main`, when the command ends).

    A store that a command leaves open is otherwise never closed: a SQLite
    file then keeps its write-ahead log beside it (``tracer.db-wal``), and
    the file alone, copied elsewhere, lacks what was written since the last
    checkpoint (after a poll, often everything). Closing the last connection
    checkpoints the log into the file and removes it.

    Nothing is written here: a command that ended well wrote what it had to
    (a poll flushes its pending index rows under its locks); after one that
    failed or was cut, pending index rows stay listed for the next run
    (``unindexed_spans``), which is safer than writing them after the poll's
    locks are gone. A Ctrl-C while closing (closing a SQLite store copies its
    write-ahead log into the file, which takes a while after a big poll) stops
    the close with exit status 130: a SQLite log left beside the file is
    copied in by the next connection that opens it.
    """
    try:
        while _opened:
            store = _opened.pop()
            try:
                store.close(flush=False)
            except Exception as exc:  # (its writes are committed: the next open recovers them)
                err(f"error: closing {state.db}: {exc}")
    except KeyboardInterrupt:  # a second Ctrl-C while closing: no traceback, nothing lost
        err(
            f"interrupted while closing {state.db}: what was committed stays;"
            " the next command finishes the close"
        )
        raise SystemExit(130) from None


def since_option(since: str | None) -> str | None:
    """A ``--since DATE`` value as stored UTC text (None when not given); exit 2 if not a date."""
    from tracer.export import normalize_since

    if since is None:
        return None
    try:
        return normalize_since(since)
    except ValueError:
        err(f"error: --since {since!r} is not a date (expected YYYY-MM-DD or ISO 8601)")
        raise typer.Exit(2) from None


def print_json(data: Any) -> None:
    import json  # only for --json output

    from tracer.wording import json_quiet

    typer.echo(json_quiet(json.dumps(data, ensure_ascii=False, indent=2)))


def main() -> None:
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    from tracer.exceptions import StorageError

    try:
        app()
    except StorageError as exc:  # e.g. a SQLite-only command on a PostgreSQL store: no traceback
        err(f"error: {exc}")
        raise SystemExit(1) from None
    except UnicodeEncodeError:
        shown = _not_utf8_argument(sys.argv[1:])
        if shown is None:
            raise
        err(f"error: an argument is not UTF-8 text (bytes in another encoding?): {shown}")
        raise SystemExit(2) from None
    except SystemExit as exc:
        if exc.code == 1 and _reader_went_away():
            raise SystemExit(0) from None  # `tracer stats | head -1`: the reader had enough
        raise
    finally:
        close_stores()


def _not_utf8_argument(args: list[str]) -> str | None:
    """The first argument holding bytes that are not UTF-8, shown with them escaped.

    Python keeps such bytes as surrogate escapes, which SQLite and UTF-8 output refuse.

    >>> _not_utf8_argument(["feeds", "add", "https://a.example/caf\\udce9"])
    "'https://a.example/caf\\\\xe9'"
    >>> _not_utf8_argument(["chain", "https://a.example/café"]) is None
    True
    """
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return repr(arg.encode("utf-8", "surrogateescape"))[1:]
    return None


def _reader_went_away() -> bool:
    """Whether click stopped the command because stdout's reader closed the pipe.

    Click ends a command whose output meets a closed pipe (``tracer stats |
    head -1``) with exit 1, after wrapping stdout in its (private)
    ``PacifyFlushWrapper``, the mark of that path and of no other; like
    ``export`` and ``clean-url``, every command exits 0 there instead: the
    reader took what it wanted. tests/test_cli_pipes.py fails if click changes it.
    """
    return type(sys.stdout).__name__.lstrip("_") == "PacifyFlushWrapper"
