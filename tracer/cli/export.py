"""`tracer export`: the repost graph for other tools."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tracer.cli.app import app, err, open_store


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
