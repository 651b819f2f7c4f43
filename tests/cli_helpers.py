"""Run the tracer CLI in-process against a real database file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from tracer.cli import app


def run(db: Path | str, *args: str, input: str | None = None, code: int | None = 0) -> Result:
    result = CliRunner().invoke(app, ["--db", str(db), *args], input=input)
    if code is not None:
        assert result.exit_code == code, (
            f"tracer {' '.join(args)} exited {result.exit_code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
        )
    return result


def run_json(db: Path | str, *args: str) -> Any:
    return json.loads(run(db, *args).stdout)


def sql_rows(db: Path | str, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
    """Rows of one SELECT on either engine (a SQLite file or a PostgreSQL URL)."""
    from tracer.store import Store

    store = Store.open(db)
    try:
        return [tuple(row) for row in store.execute(sql, params).fetchall()]
    finally:
        store.close()


def sql_dicts(db: Path | str, sql: str) -> list[dict[str, Any]]:
    from tracer.store import Store

    store = Store.open(db)
    try:
        return store.query(sql)
    finally:
        store.close()


def one_post_store(db: Path) -> None:
    """A new SQLite store at ``db``, written by tracer: one feed, its post
    ``https://old-blog.example/a`` ("An old title") and the post's declared edge to
    ``https://outlet.example/story``; tests then change it as an earlier tracer
    could have written it."""
    from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord
    from tracer.store import Store

    post, source = "https://old-blog.example/a", "https://outlet.example/story"
    store = Store.open(str(db))
    try:
        store.add_feed("https://old-blog.example/feed")
        store.apply(
            FeedUpdate(
                1,
                FeedChanges(title="Old blog"),
                posts=[PostRecord(post, post, None, "An old title", None)],
                edges=[EdgeRecord(post, source, "source-article-from", "Source Article", source)],
            )
        )
    finally:
        store.close()
