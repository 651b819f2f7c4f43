"""`tracer resolve`: read the pages that posts cite (title, date, canonical URL, status)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tracer import defaults
from tracer.cli.app import ProxyOption, app, err, open_store
from tracer.exceptions import PollLocked, TracerError
from tracer.wording import counted, shown


@app.command()
def resolve(
    timeout: Annotated[
        float,
        typer.Option(
            help="Overall deadline per page (connect, redirects, body), seconds.", min=0.1
        ),
    ] = defaults.TIMEOUT,
    concurrency: Annotated[
        int,
        typer.Option(
            help=f"Requests at once in all (at most {defaults.PER_HOST_LIMIT} per host).",
            min=1,
            max=defaults.MAX_CONCURRENCY,
        ),
    ] = defaults.CONCURRENCY,
    delay: Annotated[
        float,
        typer.Option(help="Pause between the starts of requests to one host, seconds.", min=0),
    ] = defaults.PER_HOST_DELAY,
    limit: Annotated[
        int | None, typer.Option(help="Read at most N pages (never read ones first).", min=1)
    ] = None,
    proxy: ProxyOption = None,
    retry_failed: Annotated[
        bool,
        typer.Option("--retry-failed", help="Read again now the pages whose last read failed."),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing unless some page failed.")
    ] = False,
) -> None:
    """Read the cited pages not read yet: final URL, canonical, title, date, site, language.

    robots.txt is honoured; a page that fails is retried later with backoff and
    the run still exits 0. Exit 1 means the run itself failed (database, lock, proxy).
    """
    from tracer.lock import command_lock
    from tracer.pages import failed_waiting
    from tracer.resolve import ResolveOptions, resolve_pages
    from tracer.timeutil import format_time, utcnow

    options = ResolveOptions(timeout=timeout, concurrency=concurrency, delay=delay, proxy=proxy)
    store = open_store()  # a missing database is an error: there is nothing to resolve
    failures: tuple[type[BaseException], ...] = (TracerError, *store.engine.errors)
    try:
        with command_lock(store, "resolve"):
            progress = _Counter() if sys.stderr.isatty() and not quiet else None
            summary = resolve_pages(
                store,
                options=options,
                limit=limit,
                on_done=progress.step if progress else None,
                retry_failed=retry_failed,
            )
            waiting, first = failed_waiting(store, format_time(utcnow()))
            if progress:
                progress.close()
    except PollLocked:
        err("another resolve is running")
        raise typer.Exit(0) from None
    except failures as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    for url, message in summary.errors:
        err(f"page error: {url}: {shown(message)}")
    if not quiet or summary.errors:
        err(summary.line())
    if waiting and not quiet:
        err(
            f"{counted(waiting, 'failed page')} {'waits' if waiting == 1 else 'wait'} for a"
            f" retry (the first at {first});"
            " --retry-failed reads them now"
        )


class _Counter:
    """A one-line count on a terminal's stderr (never in cron mail or pipes)."""

    def __init__(self) -> None:
        self.done = 0

    def step(self, _page: object) -> None:
        self.done += 1
        sys.stderr.write(f"\rread {counted(self.done, 'page')}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\r" + " " * 40 + "\r")
        sys.stderr.flush()
