"""End to end over loopback: HTTP server → tracer poll → SQLite file → tracer chain."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cli_helpers import run, run_json
from feedserver import FeedServer, Reply, Static, serve_directory

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TWO_HOP = "https://truth-digest.example/world/isis-total-elimination-bluff/"
RT = "https://www.rt.com/news/454555-sdf-declare-victory-syria/"


def counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        posts = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        edges = conn.execute("SELECT count(*) FROM edges").fetchone()[0]
    return posts, edges


def test_poll_samples_and_walk_two_hop_chain(db_path: Path) -> None:
    with FeedServer(serve_directory(SAMPLES)) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in server.routes])
        poll = run(db_path, "poll", "--all")
        assert "0 errors" in poll.stderr
    result = run_json(db_path, "chain", TWO_HOP, "--json")
    [chain] = result["chains"]
    assert [hop["url"] for hop in chain] == [
        TWO_HOP,
        "http://newsfront-aggregator.example/2019/03/23/total-elimination-of-isis-in-syria/",
        RT,
    ]
    assert [hop["domain"] for hop in chain] == [
        "truth-digest.example",
        "newsfront-aggregator.example",
        "rt.com",
    ]
    assert chain[1]["pattern"] == "source-article-from"
    # the dressed-up spelling of the post finds the same chain
    again = run_json(db_path, "chain", TWO_HOP + "?utm_source=twitter", "--json")
    assert again["chains"] == result["chains"]


def test_second_poll_of_unchanged_feeds_adds_nothing(db_path: Path) -> None:
    with FeedServer(serve_directory(SAMPLES)) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in server.routes])
        run(db_path, "poll", "--all")
        first = counts(db_path)
        assert first[0] > 0 and first[1] > 0
        second = run(db_path, "poll", "--all")
        assert counts(db_path) == first
        assert "0 new posts, 0 new edges" in second.stderr
        # every feed was asked conditionally the second time and answered 304
        for path in server.routes:
            last = server.requests_for(path)[-1]
            assert "if-none-match" in last.headers
        assert f"{len(server.routes)} not modified" in second.stderr


def test_broken_feeds_are_recorded_and_do_not_stop_the_good_one(db_path: Path) -> None:
    good = (SAMPLES / "aggregator-rss.xml").read_bytes()
    routes = {
        "/good.xml": Static(good),
        "/garbage.xml": lambda request: Reply(200, b"\x00\x01\x02 not a feed \xff\xfe"),
    }
    with FeedServer(routes) as server:
        unreachable = "http://127.0.0.1:9/feed.xml"  # discard port: nothing listens
        run(
            db_path,
            "feeds",
            "add",
            server.url("/good.xml"),
            server.url("/garbage.xml"),
            unreachable,
        )
        poll = run(db_path, "poll", "--all", "--timeout", "5")
        assert "2 errors" in poll.stderr
    feeds = {f["url"]: f for f in run_json(db_path, "feeds", "list", "--json")}
    assert feeds[server.url("/good.xml")]["last_error"] is None
    assert feeds[server.url("/good.xml")]["last_status"] == 200
    assert "no RSS, Atom or RDF" in feeds[server.url("/garbage.xml")]["last_error"]
    assert "connect" in feeds[unreachable]["last_error"]
    assert feeds[unreachable]["last_status"] is None
    assert counts(db_path) == (3, 2)


def test_unknown_url_is_exit_1(db_path: Path) -> None:
    run(db_path, "poll")  # an empty database (a reading command would not create one)
    result = run(db_path, "chain", "https://nowhere.example/a", code=1)
    assert "unknown URL" in result.stderr


def test_feeds_add_rejects_bad_urls_and_stores_nothing(db_path: Path) -> None:
    result = run(db_path, "feeds", "add", "https://ok.example/feed", "javascript:alert(1)", code=1)
    assert "javascript" in result.stderr
    assert not db_path.exists()  # nothing stored, not even an empty database
    run(db_path, "feeds", "add", "https://ok.example/feed")
    run(db_path, "feeds", "add", "HTTPS://OK.example:443/feed")
    assert [f["url"] for f in run_json(db_path, "feeds", "list", "--json")] == [
        "https://ok.example/feed"
    ]


def test_export_jsonl(db_path: Path) -> None:
    import json

    with FeedServer(serve_directory(SAMPLES)) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in server.routes])
        run(db_path, "poll", "--all")
    lines = run(db_path, "export", "--format", "jsonl").stdout.splitlines()
    edges = [json.loads(line) for line in lines]
    assert len(edges) == counts(db_path)[1]
    assert {"repost_url", "source_url", "pattern", "first_seen"} <= set(edges[0])
