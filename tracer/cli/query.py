"""Query commands: `tracer chain` (and later reposts, origins, sites, stats)."""

from __future__ import annotations

from typing import Annotated

import typer

from tracer.cli.app import app, err, open_store, print_json
from tracer.exceptions import InvalidURL


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
