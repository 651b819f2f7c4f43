"""End to end over loopback: HTTP server → tracer poll → SQLite file → tracer chain."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import run, run_json, sql_rows
from feedserver import FeedServer, Reply, Static, serve_directory

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TWO_HOP = "https://truth-digest.example/world/isis-total-elimination-bluff/"
RT = "https://www.rt.com/news/454555-sdf-declare-victory-syria/"


def counts(db: str) -> tuple[int, int]:
    [(posts, edges)] = sql_rows(
        db, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM edges)"
    )
    return posts, edges


def test_poll_samples_and_walk_two_hop_chain(target: str) -> None:
    with FeedServer(serve_directory(SAMPLES)) as server:
        run(target, "feeds", "add", *[server.url(p) for p in server.routes])
        poll = run(target, "poll", "--all")
        assert "0 errors" in poll.stderr
    result = run_json(target, "chain", TWO_HOP, "--json")
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
    again = run_json(target, "chain", TWO_HOP + "?utm_source=twitter", "--json")
    assert again["chains"] == result["chains"]


def test_second_poll_of_unchanged_feeds_adds_nothing(target: str) -> None:
    with FeedServer(serve_directory(SAMPLES)) as server:
        run(target, "feeds", "add", *[server.url(p) for p in server.routes])
        run(target, "poll", "--all")
        first = counts(target)
        assert first[0] > 0 and first[1] > 0
        second = run(target, "poll", "--all")
        assert counts(target) == first
        assert "0 new posts, 0 new edges" in second.stderr
        # every feed was asked conditionally the second time and answered 304
        for path in server.routes:
            last = server.requests_for(path)[-1]
            assert "if-none-match" in last.headers
        assert f"{len(server.routes)} not modified" in second.stderr


def test_broken_feeds_are_recorded_and_do_not_stop_the_good_one(target: str) -> None:
    good = (SAMPLES / "aggregator-rss.xml").read_bytes()
    routes = {
        "/good.xml": Static(good),
        "/garbage.xml": lambda request: Reply(200, b"\x00\x01\x02 not a feed \xff\xfe"),
    }
    with FeedServer(routes) as server:
        unreachable = "http://127.0.0.1:9/feed.xml"  # discard port: nothing listens
        run(
            target,
            "feeds",
            "add",
            server.url("/good.xml"),
            server.url("/garbage.xml"),
            unreachable,
        )
        poll = run(target, "poll", "--all", "--timeout", "5")
        assert "2 errors" in poll.stderr
    feeds = {f["url"]: f for f in run_json(target, "feeds", "list", "--json")}
    assert feeds[server.url("/good.xml")]["last_error"] is None
    assert feeds[server.url("/good.xml")]["last_status"] == 200
    assert "no RSS, Atom or RDF" in feeds[server.url("/garbage.xml")]["last_error"]
    assert "connect" in feeds[unreachable]["last_error"]
    assert feeds[unreachable]["last_status"] is None
    assert counts(target) == (3, 2)


def test_unknown_url_is_exit_1(target: str) -> None:
    run(target, "poll")  # an empty database (a reading command would not create one)
    result = run(target, "chain", "https://nowhere.example/a", code=1)
    assert "unknown URL" in result.stderr


def test_feeds_add_rejects_bad_urls_and_stores_nothing(target: str) -> None:
    result = run(target, "feeds", "add", "https://ok.example/feed", "javascript:alert(1)", code=1)
    assert "javascript" in result.stderr
    if "://" not in target:
        assert not Path(target).exists()  # nothing stored, not even an empty database
    else:
        assert sql_rows(target, "SELECT count(*) FROM feeds") == [(0,)]
    run(target, "feeds", "add", "https://ok.example/feed")
    run(target, "feeds", "add", "HTTPS://OK.example:443/feed")
    assert [f["url"] for f in run_json(target, "feeds", "list", "--json")] == [
        "https://ok.example/feed"
    ]


def test_export_jsonl(target: str) -> None:
    import json

    with FeedServer(serve_directory(SAMPLES)) as server:
        run(target, "feeds", "add", *[server.url(p) for p in server.routes])
        run(target, "poll", "--all")
    lines = run(target, "export", "--format", "jsonl").stdout.splitlines()
    edges = [json.loads(line) for line in lines]
    assert len(edges) == counts(target)[1]
    assert {"repost_url", "source_url", "pattern", "first_seen"} <= set(edges[0])


def test_numeric_references_to_utf16_surrogates_do_not_lose_the_feed(target: str) -> None:
    """``&#55357;&#56832;`` (an emoji written as its UTF-16 halves, as some CMSs do) is the
    emoji; a lone half is U+FFFD. Both are illegal XML, so feedparser reads the document,
    and it gave surrogates that no UTF-8 text holds: the whole feed failed with
    "internal error: UnicodeEncodeError"."""
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Smiles &#xD83D;&#xDE00; &#xD800;</title><link>https://smiles.example/</link>"
        "<item><title>Grinning &#55357;&#56832; face &#56832; alone</title>"
        "<link>https://smiles.example/1</link><description>Source: &lt;a"
        ' href="https://www.rt.com/news/1-one/"&gt;RT&lt;/a&gt; &#1234; &#x1F600;'
        "</description></item></channel></rss>"
    )
    with FeedServer({"/feed.xml": Static(feed.encode())}) as server:
        run(target, "feeds", "add", server.url("/feed.xml"))
        result = run(target, "poll", "--all")
    assert "feed error" not in result.stderr, result.stderr
    assert "1 new edge, 0 errors" in result.stderr, result.stderr
    (row,) = run_json(target, "feeds", "list", "--json")
    assert (row["title"], row["last_error"], row["posts"]) == ("Smiles 😀 \ufffd", None, 1)
    assert sql_rows(target, "SELECT title FROM posts") == [("Grinning 😀 face \ufffd alone",)]
