"""`tracer poll`: fetch due feeds and store posts and edges."""

from __future__ import annotations

from typing import Annotated

import typer

from tracer.cli.app import app, err, open_store, state
from tracer.exceptions import PollLocked, TracerError


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
