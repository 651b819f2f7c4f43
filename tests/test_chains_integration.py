"""Loopback: feeds whose posts cite each other → tracer poll → tracer chain --json.

Three blogs repost in a row (c → b → a → the origin), each hop declared by a
different family and feed format; two blogs cite each other (a cycle); one
post names two sources (two chains).
"""

from __future__ import annotations

import json

from cli_helpers import run, run_json
from feedserver import FeedServer, Static

ORIGIN = "https://www.origin-news.example/world/2019/03/24/story-1/"
A = "https://blog-a.example/2019/03/24/story-1/"
B = "http://blog-b.example/p/story-1"
C = "https://blog-c.example/news/story-1/"
X = "https://loop-x.example/posts/7/"
Y = "https://loop-y.example/posts/9/"
TWO = "https://blog-c.example/news/two-sources/"
OTHER = "https://wire.example/2019/03/24/other-story"

SHARE = '<p><a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a></p>'


def rss(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
        f"<link>https://example.invalid/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def item(link: str, title: str, html: str) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Sun, 24 Mar 2019 10:00:00 +0000</pubDate>"
        f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
    )


FEED_A = rss(
    item(
        A,
        "Story one (blog A)",
        '<p>Body.</p><p><a href="https://www.origin-news.example/world/">Also on origin</a></p>'
        "<br />Source Article from "
        f'<a href="{ORIGIN}?utm_source=rss&#038;utm_medium=rss">{ORIGIN}</a>' + SHARE,
    )
)
FEED_B = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>Blog B</title><id>http://blog-b.example/</id><updated>2019-03-24T11:00:00Z</updated>"
    f'<entry><title>Story one (blog B)</title><link href="{B}"/><id>{B}</id>'
    '<updated>2019-03-24T11:00:00Z</updated><content type="html">'
    "&lt;p&gt;Body.&lt;/p&gt;&lt;p&gt;The post &lt;a href=&quot;"
    f"{A}?utm_source=feed&amp;amp;utm_medium=rss&quot;&gt;Story one&lt;/a&gt; appeared first on "
    "&lt;a href=&quot;https://blog-a.example/&quot;&gt;Blog A&lt;/a&gt;.&lt;/p&gt;"
    "</content></entry></feed>"
).encode()
FEED_C = rss(
    item(
        C,
        "Story one (blog C)",
        f'<p>Body.</p><p><strong>Source:</strong> <a href="{B}">Blog B</a></p>',
    )
    + item(
        TWO,
        "Two sources",
        f'<p>Body.</p><p>Sources: <a href="{A}">Blog A</a>, <a href="{OTHER}">Wire</a></p>',
    )
)
FEED_LOOP = rss(
    item(X, "X cites Y", f'<p>Body.</p><p>Via <a href="{Y}">Y</a></p>')
    + item(Y, "Y cites X", f'<p>Body.</p><p>Originally published at <a href="{X}">X</a></p>')
)


ROUTES = {
    "/a.xml": Static(FEED_A),
    "/b.xml": Static(FEED_B),
    "/c.xml": Static(FEED_C),
    "/loop.xml": Static(FEED_LOOP),
}


def poll_world(db: str, polls: int = 1) -> None:
    with FeedServer(dict(ROUTES)) as server:
        run(db, "feeds", "add", *[server.url(path) for path in ROUTES])
        for _ in range(polls):
            poll = run(db, "poll", "--all")
            assert "0 errors" in poll.stderr


def urls(chain: list[dict[str, object]]) -> list[object]:
    return [hop["url"] for hop in chain]


def test_three_hop_chain_across_families_and_formats(target: str) -> None:
    poll_world(target)
    result = run_json(target, "chain", C, "--json")
    [chain] = result["chains"]
    assert urls(chain) == [C, B, A, ORIGIN]
    assert [hop["pattern"] for hop in chain] == [
        None,
        "source-label",
        "appeared-first-on",
        "source-article-from",
    ]
    assert [hop["domain"] for hop in chain] == [
        "blog-c.example",
        "blog-b.example",
        "blog-a.example",
        "origin-news.example",
    ]
    assert all(hop["cycle_to"] is None for hop in chain)
    assert chain[2]["evidence"].startswith("The post Story one appeared first on")


def test_two_post_cycle_terminates(target: str) -> None:
    poll_world(target)
    [chain] = run_json(target, "chain", X, "--json")["chains"]
    assert urls(chain) == [X, Y]
    assert chain[1]["pattern"] == "source-label"
    assert chain[-1]["cycle_to"] == X
    [back] = run_json(target, "chain", Y, "--json")["chains"]
    assert urls(back) == [Y, X]
    assert back[1]["pattern"] == "originally-published"
    assert back[-1]["cycle_to"] == Y


def test_post_with_two_sources_has_two_chains(target: str) -> None:
    poll_world(target)
    chains = run_json(target, "chain", TWO, "--json")["chains"]
    assert sorted(urls(chain) for chain in chains) == sorted([[TWO, A, ORIGIN], [TWO, OTHER]])
    assert {chain[1]["pattern"] for chain in chains} == {"source-label"}


def test_every_declared_edge_is_stored_once(target: str) -> None:
    poll_world(target, polls=2)
    lines = run(target, "export", "--format", "jsonl").stdout.splitlines()
    pairs = sorted((edge["repost_url"], edge["source_url"]) for edge in map(json.loads, lines))
    assert pairs == sorted([(A, ORIGIN), (B, A), (C, B), (TWO, A), (TWO, OTHER), (X, Y), (Y, X)])
