"""What every read command prints for one database, to compare a SQLite store with PostgreSQL.

:func:`answers` runs the query commands (JSON and plain text), every export
format at every level, the outlet and watch listings, the watch feed and the
HTML report against one ``--db`` and returns their outputs by command line.
Times written *today* (by the commands that ran after the copy: ``resolve``'s
``fetched_at``, a watch's ``added_at``, the report's stamp) are the only
thing allowed to differ and are replaced by ``NOW``; so is the ``--db`` value
where a command prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from cli_helpers import run

QUERIES: tuple[tuple[str, ...], ...] = (
    ("origins", "--json"),
    ("origins",),
    ("origins", "--json", "--declared-only"),
    ("origins", "--json", "--by", "outlet"),
    ("origins", "--by", "outlet"),
    ("sites", "--json"),
    ("sites",),
    ("sites", "--json", "--by", "outlet"),
    ("stats", "--json"),
    ("stats",),
    ("feeds", "list", "--json"),
    ("feeds", "list"),
    ("outlets", "list", "--json"),
    ("outlets", "export", "--format", "yaml"),
    ("outlets", "export", "--format", "csv"),
    ("watch", "list", "--json"),
)
EXPORTS = [
    ("export", "--format", fmt, "--level", level, *extra)
    for fmt in ("jsonl", "csv", "gexf", "dot")
    for level in ("post", "domain", "outlet")
    for extra in ((), ("--since", "2019-03-23T10:30:00Z"))
]
PER_URL = (("chain", "--json"), ("chain",), ("reposts", "--json"), ("reposts", "--direct"))


def normalize(text: str, db: Path | str) -> str:
    """``text`` with today's times (``NOW``) and the database's name (``DB``) masked."""
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    text = text.replace(str(db), "DB")
    text = re.sub(r"database <code>[^<]*</code>", "database <code>DB</code>", text)  # report
    text = re.sub(re.escape(today) + r"(?:[T ]\d{2}:\d{2}(?::\d{2})?(?: UTC|Z)?)?", "NOW", text)
    return text


def answers(db: Path | str, urls: Iterable[str], folder: Path) -> dict[str, str]:
    """Every output, keyed by the command line."""
    found: dict[str, str] = {}
    commands = [*QUERIES, *EXPORTS]
    commands += [(*command[:1], url, *command[1:]) for url in urls for command in PER_URL]
    for command in commands:
        found[" ".join(command)] = normalize(run(db, *command).stdout, db)
    feed = folder / "watch.xml"
    run(db, "watch", "feed", "--out", str(feed))
    found["watch feed"] = normalize(feed.read_text(encoding="utf-8"), db)
    for flags in ((), ("--declared-only",), ("--since", "2019-03-23")):
        page = folder / "report.html"
        run(db, "report", "--top", "30", "--out", str(page), *flags)
        found[" ".join(("report", *flags))] = normalize(page.read_text(encoding="utf-8"), db)
    return found


def assert_same(sqlite: dict[str, str], postgres: dict[str, str]) -> None:
    """Byte for byte; on a difference, name the command and show the first differing line."""
    assert sqlite.keys() == postgres.keys()
    for command, expected in sqlite.items():
        got = postgres[command]
        if got != expected:
            pairs = zip(expected.splitlines(), got.splitlines(), strict=False)
            first = next(((a, b) for a, b in pairs if a != b), ("(lengths differ)", ""))
            raise AssertionError(f"tracer {command}: SQLite {first[0]!r} / PostgreSQL {first[1]!r}")
