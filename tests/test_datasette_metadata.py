"""`tracer datasette-metadata`: descriptions, and canned SQL that gives the CLI's answers."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import graph_fixture
import pytest
from cli_helpers import run, run_json
from report_world import poll_world


@pytest.fixture(scope="module", params=["samples", "cycles"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The polled samples, and the query fixture graph (fan-in, cycles with and without exit)."""
    db = tmp_path_factory.mktemp(f"datasette-{request.param}") / "tracer.db"
    if request.param == "cycles":
        return graph_fixture.build(db)
    poll_world(db)
    return db


@pytest.fixture(scope="module")
def metadata(world: Path) -> dict:
    return json.loads(run(world, "datasette-metadata").stdout)


def canned(world: Path, metadata: dict, name: str, **params: str) -> list[dict]:
    sql = metadata["databases"]["tracer"]["queries"][name]["sql"]
    conn = sqlite3.connect(f"file:{world}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def test_every_table_and_view_is_described(world: Path, metadata: dict) -> None:
    conn = sqlite3.connect(world)
    names = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            " AND name NOT LIKE 'sqlite_%'"
        )
    }
    conn.close()
    database = metadata["databases"]["tracer"]  # Datasette names a database by its file stem
    assert set(database["tables"]) == names
    for name in ("feeds", "posts", "edges", "edges_with_domains", "domain_edges", "origin_urls"):
        assert database["tables"][name]["description"], name
        assert not database["tables"][name].get("hidden"), name
    undescribed = [
        name for name, entry in database["tables"].items() if not entry.get("description")
    ]
    assert undescribed == []
    titles = {name: entry["title"] for name, entry in database["tables"].items()}
    assert titles["_sqlite_migrations"] == "sqlite migrations"  # no stray space from the "_"
    assert all(title == title.strip() and title for title in titles.values()), titles
    assert set(database["queries"]) == {"chain", "reposts", "origins"}
    assert metadata["title"] and metadata["description"]


def test_canned_origins_is_tracer_origins(world: Path, metadata: dict) -> None:
    assert canned(world, metadata, "origins") == run_json(world, "origins", "--json")


def test_canned_reposts_is_tracer_reposts(world: Path, metadata: dict) -> None:
    edges = [json.loads(line) for line in run(world, "export", "-f", "jsonl").stdout.splitlines()]
    urls = {edge["source_url"] for edge in edges} | {edge["repost_url"] for edge in edges}
    nonempty = 0
    for url in sorted(urls):
        expected = run_json(world, "reposts", url, "--json")["reposts"]
        got = canned(world, metadata, "reposts", url=url)
        keys = ("url", "depth", "via", "published", "first_seen", "feed_url")
        assert [{k: r[k] for k in keys} for r in got] == [
            {k: r[k] for k in keys} for r in expected
        ], url
        nonempty += bool(expected)
    assert nonempty >= 5


def test_canned_chain_is_tracer_chain(world: Path, metadata: dict) -> None:
    posts = sqlite3.connect(world).execute("SELECT url FROM posts").fetchall()
    deep = cycles = 0
    for (url,) in posts:
        expected = run_json(world, "chain", url, "--json")["chains"]
        got = canned(world, metadata, "chain", url=url)
        assert sorted(row["chain"].split(" → ") for row in got) == sorted(
            [hop["url"] for hop in chain] for chain in expected
        ), url
        assert sorted(row["cycle_to"] or "" for row in got) == sorted(
            chain[-1]["cycle_to"] or "" for chain in expected
        ), url
        deep += any(len(chain) > 2 for chain in expected)
        cycles += any(chain[-1]["cycle_to"] for chain in expected)
    assert deep >= 1, "no two-hop chain"
    if "cycles" in str(world.parent):
        assert cycles >= 2


def test_a_postgresql_store_gets_the_same_metadata(tmp_path: Path, pg_url: str) -> None:
    """Datasette serves SQLite files: for a PostgreSQL store the metadata describes its
    snapshot (`tracer copy-db URL tracer.db`), the same tables, views and canned queries."""
    sqlite = graph_fixture.build(tmp_path / "tracer.db")
    expected = run(sqlite, "datasette-metadata").stdout
    assert run(graph_fixture.build(pg_url), "datasette-metadata").stdout == expected
    assert '"edges_with_domains"' in expected
