"""`tracer feeds …`: manage the feeds to poll."""

from __future__ import annotations

from typing import Annotated

import typer

from tracer.cli.app import err, feeds_app, open_store, print_json
from tracer.exceptions import InvalidURL


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
