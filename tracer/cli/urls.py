"""`tracer clean-url`: canonical URL keys, one per input line.

``-`` streams stdin (any size: read and written in blocks, never loaded whole);
input bytes that are not UTF-8 are replaced with U+FFFD rather than stopping
the batch. Plain mode prints one cleaned URL per input (an empty line and an
error on stderr for a rejected one); ``--json`` prints exactly one object per
input line, blank lines included. Exit 0 when every input was cleaned, 1 when
some were rejected, 2 for usage errors.
"""

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, BinaryIO

import typer

from tracer.cli.app import app

_BLOCK = 1 << 16  # bytes of stdin read at a time (a terminal gives one line per read)


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
    # a reader that goes away (`tracer clean-url - | head`) ends it with exit 0 (cli.app.main)
    rejected = _run(_input_blocks(urls), as_json, out)
    if rejected:
        raise typer.Exit(1)


def _input_blocks(values: Iterable[str]) -> Iterator[list[str]]:
    """The inputs in order, a list at a time: an argument alone, stdin a block of lines."""
    for value in values:
        if value != "-":
            yield [value]
            continue
        binary = getattr(sys.stdin, "buffer", None)
        if binary is None:
            for line in sys.stdin:
                yield [_without_newline(line)]
        else:
            yield from _stdin_blocks(binary)


def _without_newline(line: str) -> str:
    if line.endswith("\n"):
        return line[:-2] if line.endswith("\r\n") else line[:-1]
    return line


def _stdin_blocks(binary: BinaryIO) -> Iterator[list[str]]:
    """Lines of ``binary`` split on "\\n" only (a lone "\\r" stays inside its line, one before
    the "\\n" goes), decoded as UTF-8 with bad bytes replaced; a last line without "\\n" too."""
    import codecs

    decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
    read: Callable[[int], bytes] = getattr(binary, "read1", binary.read)
    pending = ""
    while block := read(_BLOCK):
        text = pending + decode(block)
        lines = text.split("\n")
        pending = lines.pop()
        if lines:
            if "\r" in text:
                lines = [line[:-1] if line.endswith("\r") else line for line in lines]
            yield lines
    pending += decode(b"", True)
    if pending:
        yield [pending]


def _run(blocks: Iterable[list[str]], as_json: bool, out: BinaryIO | None) -> int:
    """Clean every input, write the results a block at a time; return how many were rejected."""
    from json import JSONEncoder

    from tracer.exceptions import InvalidURL
    from tracer.urls import canonicalize

    encode = JSONEncoder(ensure_ascii=False).encode  # a str -> its JSON literal

    def literal(text: str) -> str:
        return f'"{text}"' if _plain(text) else encode(text)

    rejected = 0
    for lines in blocks:
        batch: list[str] = []
        append = batch.append
        for raw in lines:
            try:
                cleaned = canonicalize(raw)
            except InvalidURL as exc:
                rejected += 1
                if as_json:
                    append(
                        f'{{"input": {literal(raw)}, "url": null, '
                        f'"error": {literal(exc.reason)}}}\n'
                    )
                else:
                    append("\n")
                    _write(batch, out)
                    batch.clear()
                    typer.echo(f"error: {exc}", err=True)
                continue
            if not as_json:
                append(cleaned + "\n")
            elif (  # _plain(raw) and _plain(cleaned), inline and cheaper (runs for every line):
                # canonicalize rejects control characters except among those it trims at
                # the ends, and trims nothing when both ends are printable ASCII; a key is
                # printable ASCII, quotes and backslashes encoded (both are checked anyway).
                '"' not in raw
                and "\\" not in raw
                and " " < raw[0] < "\x7f"
                and " " < raw[-1] < "\x7f"
                and '"' not in cleaned
                and "\\" not in cleaned
            ) or (_plain(raw) and _plain(cleaned)):
                append(f'{{"input": "{raw}", "url": "{cleaned}", "error": null}}\n')
            else:
                append(f'{{"input": {literal(raw)}, "url": {literal(cleaned)}, "error": null}}\n')
        _write(batch, out)
    return rejected


def _plain(text: str) -> bool:
    """Whether the JSON literal of ``text`` is ``text`` in quotes (the usual URL: nothing
    to escape, as json.dumps(ensure_ascii=False) escapes only quotes, backslashes and
    control characters)."""
    return text.isprintable() and '"' not in text and "\\" not in text


def _write(batch: list[str], out: BinaryIO | None) -> None:
    if not batch:
        return
    text = "".join(batch)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        out.write(text.encode("utf-8", "replace"))
        out.flush()
