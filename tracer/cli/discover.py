"""`tracer discover`: the feeds of the sites that appear in chains but are not polled yet."""

from __future__ import annotations

from typing import Annotated

import typer

from tracer import defaults
from tracer.cli.app import ProxyOption, app, err, open_store, print_json
from tracer.wording import counted, shown

FEEDS_ADD_DELAY = 0.25  # seconds between requests to one site in `feeds add SITE`


@app.command()
def discover(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    add: Annotated[bool, typer.Option("--add", help="Add the feeds found.")] = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, help="Only the N domains most posts reach."),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Overall deadline per request, seconds.", min=0.1)
    ] = defaults.TIMEOUT,
    concurrency: Annotated[
        int,
        typer.Option(
            help=f"Sites at once in all (at most {defaults.PER_HOST_LIMIT} requests per host).",
            min=1,
            max=defaults.MAX_CONCURRENCY,
        ),
    ] = defaults.CONCURRENCY,
    delay: Annotated[
        float,
        typer.Option(help="Pause between the starts of requests to one host, seconds.", min=0),
    ] = defaults.PER_HOST_DELAY,
    proxy: ProxyOption = None,
) -> None:
    """Find the feeds of domains seen in chains (intermediaries, origins) that have no feed.

    Each domain's home page is read (robots.txt honoured): the feeds it
    advertises, else the first usual path that serves a feed. --add adds them.
    """
    from tracer.discovery import discover_sites, unpolled_domains
    from tracer.exceptions import TracerError
    from tracer.resolve import ResolveOptions
    from tracer.urls import canonicalize

    store = open_store()
    unpolled = unpolled_domains(store)
    domains = unpolled[:limit] if limit else unpolled
    options = ResolveOptions(timeout=timeout, concurrency=concurrency, delay=delay, proxy=proxy)
    try:
        found = discover_sites([row["home"] for row in domains], options)
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    rows = []
    added = 0
    for domain, site in zip(domains, found, strict=True):
        feeds = []
        for feed in site.feeds:
            entry: dict[str, object] = {
                "url": feed.url,
                "title": feed.title,
                "type": feed.type,
                "how": feed.how,
            }
            if add:
                was_added = store.add_feed(canonicalize(feed.url), feed.url, feed.title)
                entry["added"] = was_added
                added += int(was_added)
            feeds.append(entry)
        rows.append({**domain, "feeds": feeds, "error": site.error})
    with_feeds = sum(1 for row in rows if row["feeds"])
    if as_json:
        print_json(rows)
    elif rows:
        typer.echo("reposts\tdomain\tfeeds")
        for row in rows:
            listed = ", ".join(f["url"] for f in row["feeds"]) or f"- ({row['error']})"
            typer.echo(f"{row['reposts']}\t{row['domain']}\t{shown(listed)}")
    read = counted(len(unpolled), "unpolled domain")
    if len(rows) < len(unpolled):
        read = f"{len(rows)} of {read}"
    summary = f"discover: {read}, {with_feeds} with feeds"
    err(summary + (f", {counted(added, 'feed')} added" if add else ""))


def is_site_root(url: str) -> bool:
    """Whether ``url`` is a site's address (``https://site.example/``) rather than a feed's.

    >>> is_site_root("https://site.example/"), is_site_root("https://site.example")
    (True, True)
    >>> is_site_root("https://site.example/feed/"), is_site_root("https://site.example/?p=1")
    (False, False)
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return bool(parts.netloc) and parts.path in ("", "/") and not parts.query


def add_site_feeds(urls: list[str], *, discover_all: bool, proxy: str | None) -> None:
    """`feeds add` for site addresses: add what each page advertises; feed URLs as given."""
    from tracer.discovery import discover_sites
    from tracer.exceptions import InvalidURL, TracerError
    from tracer.resolve import ResolveOptions
    from tracer.urls import canonicalize

    pages: list[str] = []
    direct: list[tuple[str, str]] = []
    bad = 0
    for raw in urls:
        try:
            key = canonicalize(raw)
        except InvalidURL as exc:
            err(f"error: {exc}")
            bad += 1
            continue
        if discover_all or is_site_root(raw):
            pages.append(key)
        else:
            direct.append((key, raw))
    if bad:
        raise typer.Exit(1)
    store = open_store(create=True)  # first: a --db that cannot be written fails before any request
    # a short pause between a page and its few probes: polite, and quick at a prompt
    options = ResolveOptions(delay=FEEDS_ADD_DELAY, proxy=proxy)
    try:
        found = discover_sites(pages, options)
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    failed = 0
    for url, raw in direct:
        err(f"{'added' if store.add_feed(url, raw) else 'already present'}: {url}")
    for page, site in zip(pages, found, strict=True):
        if not site.feeds:
            err(f"error: {page}: {shown(site.error)}")
            failed += 1
            continue
        for feed in site.feeds:
            key = canonicalize(feed.url)
            added = store.add_feed(key, feed.url, feed.title)
            how = "the page itself" if site.is_feed else f"{feed.how} by {page}"
            err(f"{'added' if added else 'already present'}: {key} ({how})")
    if failed:
        raise typer.Exit(1)
