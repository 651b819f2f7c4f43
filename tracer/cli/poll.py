"""`tracer poll`: fetch due feeds and store posts and edges."""


import os
import sys
from contextlib import AbstractContextManager, ExitStack, nullcontext
from typing import Annotated

import typer

from tracer import defaults
from tracer.cli.app import ProxyOption, app, db_engine, db_path, err, open_store
from tracer.exceptions import InvalidURL, PollLocked, TracerError
from tracer.wording import shown


def _shard(value: str | None) -> tuple[int, int] | None:
    from tracer.poll import parse_shard

    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command()
def poll(
    all_feeds: Annotated[bool, typer.Option("--all", help="Poll every active feed now.")] = False,
    feed: Annotated[
        list[str] | None,
        typer.Option("--feed", help="Poll this feed now (repeatable); its old URLs work too."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(help="Overall deadline per feed (connect, headers, body), seconds.", min=0.1),
    ] = defaults.TIMEOUT,
    concurrency: Annotated[
        int,
        typer.Option(
            help=f"Requests at once in all (at most {defaults.PER_HOST_LIMIT} per host).",
            min=1,
            max=defaults.MAX_CONCURRENCY,
        ),
    ] = defaults.CONCURRENCY,
    limit: Annotated[
        int | None, typer.Option(help="Poll at most N feeds (the most overdue first).", min=1)
    ] = None,
    max_bytes: Annotated[
        int, typer.Option(help="Body size cap after decompression, bytes.", min=1024)
    ] = defaults.MAX_BYTES,
    shard: Annotated[
        str | None,
        typer.Option(help="Poll only shard I of N (I/N, 0 <= I < N), for parallel pollers."),
    ] = None,
    lease: Annotated[
        float,
        typer.Option(
            help="PostgreSQL: seconds a poller's claim on a feed lasts if it dies before"
            " writing the feed (then the next run polls it).",
            min=1,
        ),
    ] = 600.0,
    no_match: Annotated[
        bool,
        typer.Option(
            "--no-match",
            help="Store no text fingerprints and find no copies in this run (faster; those"
            " posts are never matched, not even by 'tracer rematch').",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing unless some feed failed.")
    ] = False,
    proxy: ProxyOption = None,
) -> None:
    """Poll feeds that are due (or all with --all) and store posts and edges.

    A feed that fails is recorded (see `tracer feeds list`) and retried later;
    the run still exits 0. Exit 1 means the run itself failed (database or lock file).
    On PostgreSQL, pollers claim feeds with leases: run as many as you like, on
    any hosts, at the same time; no lock file.
    """
    from tracer.lock import matching_lock, poll_lock
    from tracer.poll import Leases, PollOptions, poll_feeds, select_feeds
    from tracer.timeutil import format_time, utcnow

    shard_spec = _shard(shard)
    named: list[str] | None = None
    if feed:
        from tracer.urls import canonicalize

        try:
            named = [canonicalize(url) for url in feed]
        except InvalidURL as exc:
            err(f"error: --feed: {exc}")
            raise typer.Exit(1) from None
    missing: list[str] = []
    try:
        shared = db_engine() != "sqlite"
        guard: AbstractContextManager[object] = (
            nullcontext() if shared else poll_lock(db_path(), shard_spec)
        )
        with guard, ExitStack() as held:
            store = open_store(create=True)
            held.enter_context(matching_lock(store, exclusive=False))  # PG: no rematch meanwhile
            now = format_time(utcnow())
            leases = None
            if store.engine.supports_leases:
                import socket  # only for the lease owner's name (PostgreSQL)

                leases = Leases(
                    owner=f"{socket.gethostname()}:{os.getpid()}",
                    seconds=lease,
                    due=None if (all_feeds or named) else now,
                    retry=None if named else now,
                )
            feeds, missing = select_feeds(
                store,
                now,
                everything=all_feeds,
                urls=named,
                shard=shard_spec,
                limit=limit,
            )
            options = PollOptions(
                timeout=timeout,
                max_bytes=max_bytes,
                concurrency=concurrency,
                match=not no_match,
                proxy=proxy,
                alone=not shared and shard_spec is None,  # poll_lock: no other unsharded poll
            )
            if sys.stderr.isatty() and not quiet:  # a bar on a terminal, never in cron mail
                with typer.progressbar(length=len(feeds), file=sys.stderr, label="polling") as bar:
                    summary = poll_feeds(
                        store, feeds, options, on_done=lambda _f: bar.update(1), leases=leases
                    )
            else:
                summary = poll_feeds(store, feeds, options, leases=leases)
    except PollLocked as exc:
        err("a rematch is running" if "rematch" in str(exc) else "another poll is running")
        raise typer.Exit(0) from None
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    for url in missing:
        err(f"error: --feed {url}: not an active feed (see 'tracer feeds list')")
    for url, message in summary.errors:
        err(f"feed error: {url}: {shown(message)}")
    if not quiet or summary.errors or missing:
        err(summary.line())
    if missing:
        raise typer.Exit(1)
