"""`tracer export`: the repost graph for other tools."""


import sys
from typing import Annotated

import typer

from tracer.cli.app import app, err, open_store, since_option
from tracer.wording import counted


@app.command("export")
def export_command(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, csv, gexf (Gephi) or dot (Graphviz).")
    ] = "jsonl",
    level: Annotated[
        str,
        typer.Option(
            "--level",
            help="post: one edge per stored edge; domain: aggregated per domain pair;"
            " outlet: aggregated per outlet pair (a domain in no outlet stands for itself).",
        ),
    ] = "post",
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only edges whose repost was published (else first seen) on or after DATE"
            " (YYYY-MM-DD or ISO 8601; UTC unless an offset is given).",
            metavar="DATE",
        ),
    ] = None,
    declared_only: Annotated[
        bool, typer.Option("--declared-only", help="Leave out inferred edges (shared text).")
    ] = False,
) -> None:
    """Export the repost graph to stdout (edges point from a repost to its source)."""
    from tracer.export import check_choices, export

    try:
        check_choices(fmt, level)
    except ValueError as exc:
        err(f"error: {exc}")
        raise typer.Exit(2) from None
    cutoff = since_option(since)
    store = open_store()
    # A reader that goes away (`tracer export | head`) ends the command with exit 0 (cli.app.main).
    count = export(store, sys.stdout, fmt, level=level, since=cutoff, declared_only=declared_only)
    sys.stdout.flush()
    err(f"exported {counted(count, 'edge' if level == 'post' else f'{level} edge')}")
