"""`tracer clean-url`: canonical URL keys, one per input line.

``-`` streams stdin (any size: read and written in chunks, never loaded whole);
input bytes that are not UTF-8 are replaced with U+FFFD rather than stopping
the batch. Plain mode prints one cleaned URL per input (an empty line and an
error on stderr for a rejected one); ``--json`` prints exactly one object per
input line, blank lines included. Exit 0 when every input was cleaned, 1 when
some were rejected, 2 for usage errors.
"""


import sys
from collections.abc import Iterable, Iterator
from typing import Annotated, BinaryIO

import typer

from tracer.cli.app import app

_BATCH = 2048  # output lines joined per write


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
    if not urls:
        raise typer.BadParameter("give at least one URL, or '-' to read stdin", param_hint="URLS")
    sys.stdout.flush()
    out: BinaryIO | None = getattr(sys.stdout, "buffer", None)
    interactive = "-" in urls and sys.stdin.isatty()
    # a reader that goes away (`tracer clean-url - | head`) ends it with exit 0 (cli.app.main)
    rejected = _run(_inputs(urls), as_json, out, 1 if interactive else _BATCH)
    if rejected:
        raise typer.Exit(1)


def _inputs(values: Iterable[str]) -> Iterator[str]:
    for value in values:
        if value != "-":
            yield value
            continue
        binary = getattr(sys.stdin, "buffer", None)
        if binary is None:
            lines: Iterable[str] = sys.stdin
        else:
            import io

            # newline="\n": a lone "\r" inside a line does not split it.
            lines = io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="\n")
        for line in lines:
            if line.endswith("\n"):
                line = line[:-2] if line.endswith("\r\n") else line[:-1]
            yield line


def _run(inputs: Iterable[str], as_json: bool, out: BinaryIO | None, batch_size: int) -> int:
    """Clean every input, write the results; return how many were rejected."""
    from json import JSONEncoder

    from tracer.exceptions import InvalidURL
    from tracer.urls import canonicalize

    encode_basestring = JSONEncoder(ensure_ascii=False).encode  # a str -> its JSON literal
    rejected = 0
    batch: list[str] = []
    append = batch.append
    for raw in inputs:
        try:
            cleaned = canonicalize(raw)
        except InvalidURL as exc:
            rejected += 1
            if as_json:
                append(
                    f'{{"input": {encode_basestring(raw)}, "url": null, '
                    f'"error": {encode_basestring(exc.reason)}}}\n'
                )
            else:
                append("\n")
                _flush(batch, out)
                batch.clear()
                typer.echo(f"error: {exc}", err=True)
            continue
        if as_json:
            append(
                f'{{"input": {encode_basestring(raw)}, "url": {encode_basestring(cleaned)}, '
                '"error": null}\n'
            )
        else:
            append(cleaned + "\n")
        if len(batch) >= batch_size:
            _flush(batch, out)
            batch.clear()
    _flush(batch, out)
    return rejected


def _flush(batch: list[str], out: BinaryIO | None) -> None:
    if not batch:
        return
    text = "".join(batch)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        out.write(text.encode("utf-8", "replace"))
        out.flush()
