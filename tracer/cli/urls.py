"""`tracer clean-url`: canonical URL keys, one per input line."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tracer.cli.app import app, err
from tracer.exceptions import InvalidURL


@app.command("clean-url")
def clean_url(
    urls: Annotated[
        list[str] | None, typer.Argument(help="URLs; '-' reads one per line from stdin.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per input line.")
    ] = False,
) -> None:
    """Print the canonical key of each URL (tracking parameters stripped, wrappers unwrapped)."""
    import json

    from tracer.urls import canonicalize

    def inputs():
        for value in urls or []:
            if value == "-":
                for line in sys.stdin:
                    yield line.rstrip("\r\n")
            else:
                yield value

    rejected = 0
    out = sys.stdout
    for raw in inputs():
        try:
            cleaned, error = canonicalize(raw), None
        except InvalidURL as exc:
            cleaned, error = None, str(exc)
            rejected += 1
        if as_json:
            out.write(
                json.dumps({"input": raw, "url": cleaned, "error": error}, ensure_ascii=False)
                + "\n"
            )
        elif cleaned is not None:
            out.write(cleaned + "\n")
        else:
            out.write("\n")
            err(f"error: {error}")
    out.flush()
    if rejected:
        raise typer.Exit(1)
