"""Counts in the CLI's human output agree with their noun: ``1 feed``, ``2 feeds``."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import run
from feedserver import FeedServer, Static
from outlets import feed_citing

ARTICLE = "https://www.rt.com/news/1-one/"


def test_one_of_each_is_singular_and_two_are_plural(db_path: Path, tmp_path: Path) -> None:
    with FeedServer() as server:
        site = server.url("")
        server.routes["/one.xml"] = Static(
            feed_citing(site, [("a", ARTICLE, "2019-03-23T10:00:00Z")])
        )
        run(db_path, "feeds", "add", server.url("/one.xml"))
        one = run(db_path, "poll", "--all").stderr
        assert "polled 1 feed: 0 not modified, 1 new post, 1 new edge, 0 errors," in one
        assert "1 repost of" in run(db_path, "reposts", ARTICLE).stderr
        assert "exported 1 edge\n" in run(db_path, "export", "--format", "csv").stderr
        domain = run(db_path, "export", "--format", "csv", "--level", "domain").stderr
        assert "exported 1 domain edge\n" in domain

        server.routes["/two.xml"] = Static(
            feed_citing(
                site,
                [("b", ARTICLE, "2019-03-23T11:00:00Z"), ("c", ARTICLE, "2019-03-23T12:00:00Z")],
            )
        )
        run(db_path, "feeds", "add", server.url("/two.xml"))
        two = run(db_path, "poll", "--feed", server.url("/two.xml")).stderr
        assert "polled 1 feed: 0 not modified, 2 new posts, 2 new edges, 0 errors," in two
        assert "3 reposts of" in run(db_path, "reposts", ARTICLE).stderr
        assert "exported 3 edges\n" in run(db_path, "export", "--format", "csv").stderr

    opml = tmp_path / "one.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline type="rss" xmlUrl="https://blog.example/feed/"/></body></opml>'
    )
    imported = run(db_path, "feeds", "import", str(opml)).stderr
    assert "imported 1 feed, 0 already present, 0 rejected" in imported
    run(db_path, "outlets", "add", "RT", "rt.com")
    added = run(db_path, "watch", "add", "--outlet", "RT").stderr
    assert "3 matches already there" in added
    nothing = run(db_path, "watch", "add", "--url", "https://blog.example/nothing/").stderr
    assert "0 matches already there" in nothing


def test_a_malformed_feed_with_one_item_kept_says_item() -> None:
    from tracer.feeds import parse_feed

    def broken(items: int) -> bytes:
        good = "".join(
            f"<item><title>Post {i}</title><link>http://a.example/{i}</link></item>"
            for i in range(items)
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            f"{good}<item><title>a stray & breaks it</title></item>"
        ).encode()

    one = parse_feed(broken(0), "http://a.example/feed").warning
    two = parse_feed(broken(1), "http://a.example/feed").warning
    assert one is not None and one.startswith("malformed XML, kept 1 item: ")
    assert two is not None and two.startswith("malformed XML, kept 2 items: ")
