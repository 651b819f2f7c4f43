"""`tracer feeds …`: manage the feeds to poll."""


import sys
from pathlib import Path
from typing import Annotated

import typer

from tracer.cli.app import ProxyOption, err, feeds_app, open_store, print_json
from tracer.defaults import BROKEN_AFTER_HOURS, BROKEN_FAILURES
from tracer.exceptions import InvalidURL
from tracer.wording import counted, shown


@feeds_app.command("add")
def feeds_add(
    urls: Annotated[list[str], typer.Argument(help="Feed URLs, or site addresses.")],
    discover: Annotated[
        bool,
        typer.Option(
            "--discover",
            help="Treat every URL as a page: add the feeds it advertises (automatic for a site"
            " root such as https://site.example/).",
        ),
    ] = False,
    proxy: ProxyOption = None,
) -> None:
    """Add feeds (idempotent). Invalid URLs are reported and nothing is stored for them.

    A site address (https://site.example/, or any page with --discover) is read
    once: the feeds it advertises (or serves at a usual path) are added.
    """
    from tracer.cli.discover import add_site_feeds, is_site_root
    from tracer.urls import canonicalize

    if discover or any(is_site_root(url) for url in urls):
        add_site_feeds(urls, discover_all=discover, proxy=proxy)
        return

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
    store = open_store(create=True)
    for url, raw in clean:
        added = store.add_feed(url, raw)
        err(f"{'added' if added else 'already present'}: {url}")


@feeds_app.command("list")
def feeds_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    broken: Annotated[
        bool,
        typer.Option(
            "--broken",
            help=f"Only feeds that need a human: failing for {BROKEN_AFTER_HOURS} h or more,"
            f" or {BROKEN_FAILURES}+ times in a row, or deactivated (410 Gone).",
        ),
    ] = False,
) -> None:
    """List feeds with their status, last error, schedule, and post and edge counts."""
    from tracer.timeutil import utcnow

    store = open_store()
    rows = store.list_feeds(broken_at=utcnow() if broken else None)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        status = row["last_status"] if row["last_status"] is not None else "-"
        flag = "" if row["active"] else " (inactive)"
        failing = f" failures={row['consecutive_failures']}" if row["consecutive_failures"] else ""
        error = f"  error: {shown(row['last_error'])}" if row["last_error"] else ""
        warning = f"  warning: {shown(row['warning'])}" if row["warning"] else ""
        typer.echo(
            f"{status}\t{row['url']}{flag}\t{shown(row['title'])}\tposts={row['posts']}"
            f" edges={row['edges']}{failing}{error}{warning}"
        )


def _known_feeds(urls: list[str], verb: str) -> list[str]:
    from tracer.urls import canonicalize

    keys: list[str] = []
    for raw in urls:
        try:
            keys.append(canonicalize(raw))
        except InvalidURL as exc:
            err(f"error: cannot {verb}: {exc}")
            raise typer.Exit(1) from None
    return keys


@feeds_app.command("remove")
def feeds_remove(
    urls: Annotated[list[str], typer.Argument(help="Feed URLs (or old URLs).")],
) -> None:
    """Stop polling feeds and forget them (their posts and edges stay in the graph)."""
    store = open_store()
    missing = 0
    for url in _known_feeds(urls, "remove"):
        if store.remove_feed(url):
            err(f"removed: {url}")
        else:
            err(f"error: unknown feed: {url}")
            missing += 1
    if missing:
        raise typer.Exit(1)


@feeds_app.command("activate")
def feeds_activate(
    urls: Annotated[list[str], typer.Argument(help="Feed URLs (or old URLs).")],
) -> None:
    """Poll deactivated feeds again (e.g. after a 410 Gone), starting with the next poll."""
    store = open_store()
    missing = 0
    for url in _known_feeds(urls, "activate"):
        before = store.feed_by_url(url)
        if store.set_feed_active(url, True):
            was = "already active, due at the next poll" if before and before["active"] else None
            err(f"{was or 'activated'}: {url}")
        else:
            err(f"error: unknown feed: {url}")
            missing += 1
    if missing:
        raise typer.Exit(1)


@feeds_app.command("import")
def feeds_import(
    path: Annotated[Path, typer.Argument(help="An OPML file ('-' for stdin).")],
) -> None:
    """Add every feed of an OPML file (nested outlines accepted). Idempotent."""
    from tracer.opml import OpmlError, parse_opml
    from tracer.urls import canonicalize

    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
        entries = parse_opml(data)
    except OSError as exc:
        err(f"error: cannot read {str(path)!r}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    except OpmlError as exc:
        err(f"error: {str(path)!r}: {exc}")
        raise typer.Exit(1) from None
    store = open_store(create=True)
    added = present = rejected = 0
    for entry in entries:
        try:
            url = canonicalize(entry.url)
        except InvalidURL as exc:
            err(f"error: skipped: {exc}")
            rejected += 1
            continue
        if store.add_feed(url, entry.url, entry.title):
            added += 1
        else:
            present += 1
    err(f"imported {counted(added, 'feed')}, {present} already present, {rejected} rejected")
    if rejected:
        raise typer.Exit(1)


@feeds_app.command("export")
def feeds_export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="opml")] = "opml",
) -> None:
    """Print every feed as an OPML 2.0 document on stdout."""
    from tracer.opml import to_opml
    from tracer.timeutil import utcnow

    if fmt != "opml":
        err(f"error: unknown format {fmt!r} (expected opml)")
        raise typer.Exit(2)
    store = open_store()
    rows = store.query("SELECT url, title, site_url FROM feeds ORDER BY url")
    sys.stdout.buffer.write(to_opml(rows, utcnow(), "tracer feeds"))
    sys.stdout.flush()
