"""`tracer report` (an HTML page of the network) and `tracer datasette-metadata`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracer.cli.app import app, err, open_store, print_json, since_option
from tracer.cli.outlets import ByOption, by_outlet


@app.command("report")
def report_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "tracer-report.html"
    ),
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only edges whose repost was published on or after DATE (YYYY-MM-DD or"
            " ISO 8601), as export --since.",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-n", min=1, max=500, help="How many domains, sites, articles.")
    ] = 20,
    declared_only: Annotated[
        bool, typer.Option("--declared-only", help="Leave out inferred edges.")
    ] = False,
    by: ByOption = "domain",
) -> None:
    """Write one self-contained HTML report (charts, network, tables); print its path."""
    from tracer.report import Scope, write_report

    cutoff = since_option(since)
    grouping = "outlet" if by_outlet(by) else "domain"
    store = open_store()
    try:
        write_report(
            store,
            out,
            top=top,
            scope=Scope(since=cutoff, declared_only=declared_only, by=grouping),
        )
    except OSError as exc:
        err(f"error: cannot write {str(out)!r}: {exc.strerror or exc}")  # as `watch feed --out`
        raise typer.Exit(1) from None
    typer.echo(str(out))


@app.command("datasette-metadata")
def datasette_metadata_command() -> None:
    """Print a Datasette metadata file: table and view descriptions, canned queries."""
    from tracer.datasette import metadata

    print_json(metadata(open_store()))
