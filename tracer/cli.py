"""The command line: thin typer commands that open the store, call one function, print.

Machine output (``--json``, exports) goes to stdout; progress, warnings and
errors go to stderr. Exit codes: 0 done, 1 failed (or: some input rejected,
URL unknown), 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tracer import __version__
from tracer.exceptions import InvalidURL, PollLocked, TracerError
from tracer.store import Store

DEFAULT_DB = "tracer.db"

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Trace where reposted news content comes from.",
)
feeds_app = typer.Typer(no_args_is_help=True, help="Manage the feeds to poll.")
app.add_typer(feeds_app, name="feeds")


class State:
    db_path: Path = Path(DEFAULT_DB)


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tracer {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        Path,
        typer.Option(
            "--db",
            envvar="TRACER_DB",
            help="SQLite database file (created and migrated on first use).",
        ),
    ] = Path(DEFAULT_DB),
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """tracer: repost provenance from RSS/Atom feeds into SQLite."""
    state.db_path = db


def err(message: str) -> None:
    typer.echo(message, err=True)


def open_store() -> Store:
    try:
        return Store.open(state.db_path)
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


# -- feeds -------------------------------------------------------------------


@feeds_app.command("add")
def feeds_add(urls: Annotated[list[str], typer.Argument(help="Feed URLs.")]) -> None:
    """Add feeds (idempotent). Invalid URLs are reported and nothing is stored for them."""
    from tracer.urls import canonicalize

    clean: list[tuple[str, str]] = []
    bad = 0
    for raw in urls:
        try:
            clean.append((canonicalize(raw), raw))
        except InvalidURL as exc:
            err(f"error: {exc}")
            bad += 1
    if bad:
        raise typer.Exit(1)
    store = open_store()
    for url, raw in clean:
        added = store.add_feed(url, raw)
        err(f"{'added' if added else 'already present'}: {url}")


@feeds_app.command("list")
def feeds_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List feeds with their last status and error."""
    store = open_store()
    rows = store.query(
        "SELECT url, title, active, last_status, last_error, warning, consecutive_failures,"
        " last_polled_at, next_poll_at FROM feeds ORDER BY url"
    )
    for row in rows:
        row["active"] = bool(row["active"])
    if as_json:
        print_json(rows)
        return
    for row in rows:
        status = row["last_status"] if row["last_status"] is not None else "-"
        flag = "" if row["active"] else " (inactive)"
        error = f"  error: {row['last_error']}" if row["last_error"] else ""
        typer.echo(f"{status}\t{row['url']}{flag}\t{row['title'] or ''}{error}")


# -- poll --------------------------------------------------------------------


@app.command()
def poll(
    all_feeds: Annotated[bool, typer.Option("--all", help="Poll every active feed now.")] = False,
    timeout: Annotated[
        float, typer.Option(help="Overall deadline per feed, in seconds.", min=0.1)
    ] = 20.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Poll feeds that are due (or all with --all) and store posts and edges."""
    from tracer.lock import poll_lock
    from tracer.poll import PollOptions, poll_feeds
    from tracer.timeutil import format_time, utcnow

    store = open_store()
    try:
        with poll_lock(state.db_path):
            due = None if all_feeds else format_time(utcnow())
            feeds = store.feed_states(due_before=due)
            summary = poll_feeds(store, feeds, PollOptions(timeout=timeout))
    except PollLocked:
        err("another poll is running")
        raise typer.Exit(0) from None
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    for url, message in summary.errors:
        err(f"feed error: {url}: {message}")
    if not quiet or summary.errors:
        err(summary.line())


# -- queries -----------------------------------------------------------------


@app.command()
def chain(
    url: Annotated[str, typer.Argument(help="A post URL (any spelling).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show where a post came from: every upstream chain to the furthest known source."""
    from tracer.graph import chains, known_url
    from tracer.urls import canonicalize

    try:
        key = canonicalize(url)
    except InvalidURL as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    store = open_store()
    if not known_url(store, key):
        err(f"unknown URL: {key} (not a stored post or source)")
        raise typer.Exit(1)
    found = chains(store, key)
    if as_json:
        print_json({"url": key, "chains": found})
        return
    for number, hops in enumerate(found, 1):
        typer.echo(f"chain {number}:")
        for depth, hop in enumerate(hops):
            via = f"  [{hop['pattern']}]" if hop["pattern"] else ""
            typer.echo(f"  {'  ' * depth}{'└─ ' if depth else ''}{hop['url']}{via}")
            if hop["cycle_to"]:
                typer.echo(f"  {'  ' * (depth + 1)}↺ cites {hop['cycle_to']} (cycle)")


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl")] = "jsonl",
) -> None:
    """Export the repost graph to stdout."""
    from tracer.export import export

    if fmt not in ("jsonl",):
        err(f"error: unknown format {fmt!r} (expected jsonl)")
        raise typer.Exit(2)
    store = open_store()
    count = export(store, sys.stdout, fmt)
    err(f"exported {count} edges")


def main() -> None:
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app()
