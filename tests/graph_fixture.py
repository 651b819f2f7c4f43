"""A small repost graph written through ``Store.apply``, shared by the query and export tests.

Fan-out (AGG1 cites RT1 and SP), fan-in (AGG1 and BLOG2 cite RT1), a
three-hop chain (MIRROR1 → BLOG1 → AGG1 → RT1), ``www.`` and bare spellings of
one origin domain (RT1, RT2), a separate subdomain (DE), a cycle with an exit
(BLOG3 ↔ MIRROR3 → SP), and a pure cycle (LOOPA ↔ LOOPB, LOOPC → LOOPA) that
reaches no origin. AGG3 has no attribution.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord
from tracer.store import Store

T = TypeVar("T", str, Path)

SEEN = "2026-11-20T08:00:00Z"

RT1 = "https://www.rt.com/news/1-sdf-victory/"
RT2 = "https://rt.com/business/2-sanctions/"
SP = "https://sputniknews.com/world/3-story/"
DE = "https://de.rt.com/europa/4-bericht/"

AGG1 = "http://newsfront-aggregator.example/2019/03/23/isis/"
AGG2 = "http://newsfront-aggregator.example/2019/01/01/sanctions/"
AGG3 = "http://newsfront-aggregator.example/2019/03/23/open-thread/"
BLOG1 = "https://truth-digest.example/world/isis-bluff/"
BLOG2 = "https://truth-digest.example/world/sdf/"
BLOG3 = "https://truth-digest.example/world/loop/"
MIRROR1 = "https://www.mirror.example/p/1/"
MIRROR2 = "https://www.mirror.example/p/2/"
MIRROR3 = "https://www.mirror.example/p/3/"
LOOPA = "https://loop.example/a/"
LOOPB = "https://www.loop-twin.example/b/"
LOOPC = "https://loop.example/c/"

FEEDS = {
    "https://newsfront-aggregator.example/feed/": [
        (AGG1, "2019-03-23T10:00:00Z", [RT1, SP]),
        (AGG2, "2019-01-01T09:00:00Z", [RT2]),
        (AGG3, "2019-03-23T11:00:00Z", []),
    ],
    "https://truth-digest.example/atom.xml": [
        (BLOG1, "2019-03-23T12:00:00Z", [AGG1]),
        (BLOG2, "2019-03-23T12:30:00Z", [RT1]),
        (BLOG3, "2019-03-24T08:00:00Z", [MIRROR3]),
    ],
    "https://www.mirror.example/rss": [
        (MIRROR1, "2019-03-23T13:00:00Z", [BLOG1]),
        (MIRROR2, None, [DE]),
        (MIRROR3, "2019-03-24T07:00:00Z", [BLOG3, SP]),
    ],
    "https://loop.example/feed/": [
        (LOOPA, None, [LOOPB]),
        (LOOPB, None, [LOOPA]),
        (LOOPC, None, [LOOPA]),
    ],
}

POSTS = [post for items in FEEDS.values() for post, _p, _s in items]
EDGE_COUNT = sum(len(sources) for items in FEEDS.values() for _u, _p, sources in items)


def build(path: T) -> T:
    """Write the fixture graph into a new database at ``path`` (a file or a PostgreSQL URL)."""
    store = Store.open(path)
    try:
        for feed_url in FEEDS:
            store.add_feed(feed_url)
        for feed_url, items in FEEDS.items():
            feed = store.feed_by_url(feed_url)
            assert feed is not None
            posts = [
                PostRecord(url, url, url, f"title of {url}", published)
                for url, published, _s in items
            ]
            edges = [
                EdgeRecord(url, source, "source-article-from", f"Source: {source}", source)
                for url, _p, sources in items
                for source in sources
            ]
            store.apply(
                FeedUpdate(feed["id"], FeedChanges(last_status=200), posts=posts, edges=edges),
                now=SEEN,
            )
    finally:
        store.close()
    return path
