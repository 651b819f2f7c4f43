"""The same feeds polled into SQLite and into PostgreSQL find the same copies (issue 16).

The copies world of ``benchmarks/copyworld.py`` is served on 127.0.0.1 and
polled over HTTP into a SQLite file and into a PostgreSQL schema, feed by feed
in the same order (the outlet last, so copies polled before their original
are re-pointed to it on both). ``copies --json`` of every post, ``chain
--json`` and the inferred edges of ``export`` must be the same on both, but
for the times each poll stamped (``first_seen``, ``last_seen``). Then
``rematch`` with a new threshold must agree too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run, run_json
from feedserver import FeedServer, Static

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
copyworld = pytest.importorskip("copyworld")

TIMES = {"first_seen", "last_seen"}


def _without_times(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_times(v) for k, v in data.items() if k not in TIMES}
    if isinstance(data, list):
        return [_without_times(v) for v in data]
    return data


def _poll_world(world: Any, targets: list[str]) -> None:
    routes = {path: Static(body) for path, body in world.feeds.items()}
    with FeedServer(routes) as server:
        paths = sorted(world.feeds, key=lambda path: (path == "/feeds/outlet.xml", path))
        urls = [server.url(path) for path in paths]
        for target in targets:
            run(target, "feeds", "add", *urls)
            for url in urls:  # one feed at a time: edges stored in the same order
                run(target, "poll", "--feed", url, "--quiet")


def _inferred_export(target: str) -> list[dict[str, Any]]:
    lines = run(target, "export", "--format", "jsonl").stdout.splitlines()
    edges = [json.loads(line) for line in lines]
    return [_without_times(edge) for edge in edges if edge["kind"] == "inferred"]


def _answers(target: str, urls: list[str]) -> dict[str, Any]:
    return {
        "copies": {url: _without_times(run_json(target, "copies", url, "--json")) for url in urls},
        "chain": {url: _without_times(run_json(target, "chain", url, "--json")) for url in urls},
        "export": _inferred_export(target),
        "stats": run_json(target, "stats", "--json")["edges_by_kind"],
        "origins": run_json(target, "origins", "--json"),
    }


@pytest.mark.slow
def test_sqlite_and_postgresql_find_the_same_copies_and_rematch_alike(
    tmp_path: Path, pg_url: str
) -> None:
    world = copyworld.build(7)
    sqlite = str(tmp_path / "tracer.db")
    _poll_world(world, [sqlite, pg_url])
    urls = sorted(world.posts)[::3]  # every third post: a minute less of CLI runs
    on_sqlite = _answers(sqlite, urls)
    assert on_sqlite["stats"]["inferred"] >= 40  # the world's copies were found at all
    assert sum(1 for rows in on_sqlite["copies"].values() if rows["copies"]) >= 20
    on_postgresql = _answers(pg_url, urls)
    for part in on_sqlite:
        assert on_postgresql[part] == on_sqlite[part], part
    for target in (sqlite, pg_url):
        run(target, "rematch", "--min-score", "0.7", "--batch", "7")
    rematched = _answers(sqlite, urls)
    assert rematched["export"] != on_sqlite["export"]  # a new threshold changed something
    assert all(edge["score"] >= 0.7 for edge in rematched["export"])
    assert _answers(pg_url, urls) == rematched
