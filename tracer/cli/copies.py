"""`tracer copies` (posts sharing text with a post) and `tracer rematch`."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Annotated

import typer

from tracer.cli.app import app, err, open_store, print_json
from tracer.cli.query import known_key
from tracer.exceptions import PollLocked, TracerError
from tracer.wording import counted


@app.command()
def copies(
    url: Annotated[str, typer.Argument(help="A post URL (any spelling).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every stored post that shares text with a post (earlier and later), with scores."""
    from tracer.copies import copies_of, has_text

    store, key = known_key(url)
    found = copies_of(store, key)
    if as_json:
        print_json({"url": key, "copies": found})
        return
    for row in found:
        links = ", ".join(
            name for name in ("declared", "inferred") if row[f"{name}_edge"] is not None
        )
        typer.echo(
            f"{row['score']:.3f}\t{row['relation']}\t{row['url']}"
            + (f"\t[{links}]" if links else "")
        )
    verb = "shares" if len(found) == 1 else "share"
    if not found and not has_text(store, key):  # a cited page: tracer holds no text of it
        err(f"no text of {key} to compare (not a polled post with text, e.g. a cited page)")
        return
    err(f"{counted(len(found), 'post')} {verb} text with {key}")


@app.command()
def rematch(
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score",
            help="Threshold for a copy (0-1; default: the current one, 0.65 unless changed)."
            " Later polls keep using it.",
            min=0.0,
            max=1.0,
        ),
    ] = None,
    batch: Annotated[int, typer.Option("--batch", help="Posts per transaction.", min=1)] = 500,
) -> None:
    """Rebuild the text index, boilerplate and inferred edges from stored fingerprints."""
    from tracer.lock import matching_lock
    from tracer.rematch import rematch as run

    progress = RematchProgress(terminal=sys.stderr.isatty())
    store = open_store()  # first: a missing database is an error, and no lock file is left
    # No poll beside a rematch, whatever its shard: the exclusive side of the lock
    # every poller holds shared (tracer.lock.matching_lock).
    try:
        with matching_lock(store, exclusive=True):
            summary = run(store, min_score, batch, progress)
    except PollLocked:
        err("a poll or another rematch is running; try again later")
        raise typer.Exit(1) from None
    except TracerError as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    except store.engine.errors as exc:  # sqlite3.Error / psycopg.Error outside a transaction
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    err(summary.line())


class RematchProgress:
    """`rematch`'s progress lines on stderr (``phase: done/total``): after every batch on
    a terminal; elsewhere (cron mail, a log file) only when a phase ends and at most
    once every ``every`` seconds besides, so a long run leaves a few lines, not one per
    batch.

    >>> times = iter([0.0, 10.0, 700.0, 710.0, 720.0])
    >>> logged = RematchProgress(terminal=False, every=600, clock=lambda: next(times), write=print)
    >>> for step in [("index", 1, 9), ("index", 8, 9), ("index", 9, 9), ("match", 1, 9)]:
    ...     logged(*step)
    index: 8/9
    index: 9/9
    """

    def __init__(
        self,
        *,
        terminal: bool,
        every: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
        write: Callable[[str], None] = err,
    ) -> None:
        self.terminal = terminal
        self.every = every
        self.clock = clock
        self.write = write
        self._last = clock()

    def __call__(self, phase: str, done: int, total: int) -> None:
        line = f"{phase}: {done}/{total}"
        if not self.terminal:
            now = self.clock()
            if done < total and now - self._last < self.every:
                return
            self._last = now
        self.write(line)
