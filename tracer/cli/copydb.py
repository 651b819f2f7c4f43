"""`tracer copy-db SRC DST`: move a whole store between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Annotated

import typer

from tracer.cli.app import app, err, print_json
from tracer.exceptions import TracerError
from tracer.wording import counted


@app.command("copy-db")
def copy_db(
    source: Annotated[str, typer.Argument(help="The store to copy: a SQLite file or URL.")],
    destination: Annotated[
        str,
        typer.Argument(help="An empty store: a new SQLite file or a postgresql:// URL."),
    ],
    batch: Annotated[int, typer.Option(help="Rows per batch.", min=1)] = 10_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the row counts as JSON.")] = False,
) -> None:
    """Copy every feed, post, edge and all state from SOURCE into the empty DESTINATION.

    Either side may be a SQLite file or a postgresql:// URL. Row counts are
    compared table by table before the copy commits; on any failure the
    destination is left as it was. Exit 1 on failure.
    """
    from pathlib import Path

    from tracer.copydb import copy_store
    from tracer.engines import engine_of
    from tracer.store import Store

    if source == destination:
        err("error: SOURCE and DESTINATION are the same database")
        raise typer.Exit(2)
    if engine_of(source) == "sqlite" and not Path(source).is_file():
        err(f"error: no database file {source!r}")
        raise typer.Exit(1)
    try:
        src = Store.open(source, create=False)
        try:
            dst = Store.open(destination)
            try:
                result = copy_store(src, dst, batch=batch)
            finally:
                dst.close()
        finally:
            src.close()
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    if as_json:
        print_json({"tables": result.rows, "rows": result.total, "seconds": result.seconds})
    for table, count in result.rows.items():
        err(f"{table}: {counted(count, 'row')}")
    if result.nul_values:  # (a store polled before feeds' NULs were dropped)
        err(
            f"dropped NUL characters from {counted(result.nul_values, 'text value')}:"
            " PostgreSQL cannot store them"
        )
    err(f"copied {counted(result.total, 'row')} in {result.seconds:.1f} s (counts checked)")
