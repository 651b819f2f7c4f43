"""`tracer watch`: follow new reposts of an outlet, a domain, a URL or a site."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tracer.cli.app import app, err, open_store, print_json
from tracer.cli.query import DeclaredOnly
from tracer.exceptions import TracerError
from tracer.wording import counted, shown

watch_app = typer.Typer(
    no_args_is_help=True,
    help="Follow new reposts: watches, their Atom feed, and what is new since the last run.",
)
app.add_typer(watch_app, name="watch")

WatchIds = Annotated[
    list[int] | None,
    typer.Option("--watch", "-w", help="Only this watch (repeatable; default: every watch)."),
]


@watch_app.command("add")
def watch_add(
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="Posts whose chain reaches this outlet.")
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option("--domain", help="Posts whose chain reaches this domain (or *.domain)."),
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Posts whose chain reaches this URL.")
    ] = None,
    site: Annotated[
        str | None,
        typer.Option("--site", help="This site's (domain's) own posts that carry an edge."),
    ] = None,
) -> None:
    """Add a watch (exactly one of --outlet, --domain, --url, --site); prints its id."""
    from tracer.watches import add_watch

    given = {
        kind: value
        for kind, value in (("outlet", outlet), ("domain", domain), ("url", url), ("site", site))
        if value is not None
    }
    if len(given) != 1:
        err("error: give exactly one of --outlet, --domain, --url, --site")
        raise typer.Exit(2)
    [(kind, target)] = given.items()
    store = open_store(create=True)
    try:
        watch, existing, created = add_watch(store, kind, target)
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    typer.echo(watch.id)
    if created:
        err(
            f"watch {watch.id}: {watch.label};"
            f" {counted(existing, 'match', 'matches')} already there"
            " ('watch feed' shows them, 'watch new' reports what comes next)"
        )
    else:
        err(f"watch {watch.id}: {watch.label} already exists")


@watch_app.command("list")
def watch_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every watch with its id, target and how many matches it has reported."""
    from tracer.watches import list_watches

    rows = list_watches(open_store())
    if as_json:
        print_json(rows)
        return
    typer.echo("id\tkind\ttarget\treported\tsites\tadded")
    for r in rows:
        typer.echo(
            f"{r['id']}\t{r['kind']}\t{shown(r['target'])}\t{r['reported']}\t{r['sites']}"
            f"\t{r['added_at']}"
        )


@watch_app.command("remove")
def watch_remove(
    watch_id: Annotated[int, typer.Argument(help="The watch's id (see 'tracer watch list').")],
) -> None:
    """Remove a watch and what it remembers."""
    from tracer.watches import remove_watch

    try:
        watch = remove_watch(open_store(), watch_id)
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    err(f"removed watch {watch.id}: {watch.label}")


@watch_app.command("feed")
def watch_feed(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the feed to FILE (atomically); default stdout."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="The N newest matching posts.")
    ] = 50,
    watch: WatchIds = None,
    declared_only: DeclaredOnly = False,
) -> None:
    """Write an Atom feed of the newest matching posts (the same database, the same bytes)."""
    from tracer.watches import feed_document

    store = open_store()
    try:
        data = feed_document(store, limit, watch, declared_only=declared_only)
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from tracer.files import write_atomically

    try:
        write_atomically(out, data)
    except OSError as exc:
        err(f"error: cannot write {str(out)!r}: {exc.strerror or exc}")
        raise typer.Exit(1) from None


@watch_app.command("new")
def watch_new(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (one list).")] = False,
    watch: WatchIds = None,
    declared_only: DeclaredOnly = False,
) -> None:
    """Print the matches no earlier run reported, and remember them.

    Prints nothing (with --json: an empty list) and exits 0 when nothing is new,
    so `tracer poll --quiet && tracer watch new` in cron mails only news.
    With --declared-only the inferred matches are neither printed nor
    remembered (a later run without it reports them).
    """
    from tracer.watches import new_matches

    try:
        rows = new_matches(open_store(), watch, declared_only=declared_only)
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    if as_json:
        print_json(rows)  # [] when nothing is new: valid JSON, as every --json listing
        return
    _print_plain(rows)


def _print_plain(rows: list[dict[str, Any]]) -> None:
    current = None
    for row in rows:
        if row["watch"] != current:
            current = row["watch"]
            count = sum(1 for r in rows if r["watch"] == current)
            target = shown(row["watch_target"])
            typer.echo(f"watch {current} ({row['watch_kind']} {target}): {count} new")
        flag = "  NEW SITE" if row["new_site"] else ""
        kind = ""
        if row["kind"] != "declared":
            score = "" if row["score"] is None else f", score {row['score']:.2f}"
            kind = f"  [{row['kind']}{score}]"
        typer.echo(f"  {row['site']}{flag}{kind}")
        typer.echo(f"    {shown(row['title']) or '(no title)'}")
        typer.echo(f"    {' -> '.join(row['chain'])}")
