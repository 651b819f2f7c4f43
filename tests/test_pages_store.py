"""tracer.pages on a real store (SQLite and PostgreSQL): what a later read of a page changes
and keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracer.models import EdgeRecord, FeedChanges, FeedState, FeedUpdate, PostRecord
from tracer.pages import PageRecord, pages_to_resolve, write_pages
from tracer.store import Store

NOW = datetime(2026, 1, 1, tzinfo=UTC)
POST = "https://blog.example/p/1/"
SHORT = "https://bit.ly/abc"
ARTICLE = "https://www.rt.com/news/1-x/"


def store_citing(path: Path | str, source: str) -> Store:
    store = Store.open(path)
    store.add_feed("https://blog.example/feed/")
    feed = store.feed_states()[0]
    assert isinstance(feed, FeedState)
    update = FeedUpdate(
        feed_id=feed.id,
        feed=FeedChanges(),
        posts=[PostRecord(POST, POST, None, "Post", "2019-03-23T12:00:00Z")],
        edges=[EdgeRecord(POST, source, "source-label", "Source: …", source)],
    )
    store.apply(update, "2026-01-01T00:00:00Z")
    return store


def page_row(store: Store, url: str) -> dict[str, object]:
    return store.query("SELECT * FROM pages WHERE url = ?", [url])[0]


def test_a_page_deleted_since_keeps_its_title_date_and_article(target: str) -> None:
    store = store_citing(target, SHORT)
    ok = PageRecord(
        SHORT, ARTICLE, "ok", 200, ARTICLE, title="Title", published="2019-03-23T10:00:00Z"
    )
    assert write_pages(store, [ok], NOW) == 1
    assert store.query("SELECT source_url, cited_url FROM edges") == [
        {"source_url": ARTICLE, "cited_url": SHORT}
    ]
    assert pages_to_resolve(store, "2026-02-01T00:00:00Z") == []  # read: not again soon
    later = NOW + timedelta(days=91)
    assert pages_to_resolve(store, "2026-04-02T00:00:00Z") == [SHORT]  # but checked again
    write_pages(store, [PageRecord(SHORT, SHORT, "error", error="timed out")], later)
    row = page_row(store, SHORT)
    assert (row["outcome"], row["attempts"], row["article_url"]) == ("ok", 1, ARTICLE)
    write_pages(store, [PageRecord(SHORT, "https://bit.ly/abc", "gone", 404, SHORT)], later)
    row = page_row(store, SHORT)
    assert (row["outcome"], row["title"], row["published"], row["article_url"]) == (
        "gone",
        "Title",
        "2019-03-23T10:00:00Z",
        ARTICLE,
    )
    assert store.query("SELECT source_url FROM edges") == [{"source_url": ARTICLE}]


def test_a_second_spelling_resolving_to_a_cited_article_merges_into_it(target: str) -> None:
    store = store_citing(target, ARTICLE)
    second = FeedUpdate(
        feed_id=store.feed_states()[0].id,
        feed=FeedChanges(),
        posts=[PostRecord(POST, POST, None, "Post", "2019-03-23T12:00:00Z")],
        edges=[EdgeRecord(POST, SHORT, "source-label", "Source: …", SHORT)],
    )
    store.apply(second, "2026-01-01T00:00:00Z")
    assert len(store.query("SELECT * FROM edges")) == 2
    write_pages(store, [PageRecord(SHORT, ARTICLE, "ok", 200, ARTICLE)], NOW)
    # the post cited both spellings: one edge stays, to the article
    assert store.query("SELECT source_url, cited_url FROM edges") == [
        {"source_url": ARTICLE, "cited_url": None}
    ]
    assert {r["url"] for r in store.query("SELECT url FROM nodes")} == {POST, ARTICLE}


def test_an_edge_a_concurrent_poll_stored_on_a_resolved_spelling_is_moved_later(
    target: str,
) -> None:
    """On PostgreSQL a poll may read `pages` just before a resolve batch commits and store
    its edge on the old spelling; the next `tracer resolve` moves it (repair_late_edges)."""
    from tracer.graph import origins, reposts
    from tracer.pages import repair_late_edges

    store = store_citing(target, SHORT)
    write_pages(store, [PageRecord(SHORT, ARTICLE, "ok", 200, ARTICLE)], NOW)
    assert repair_late_edges(store) == 0  # nothing late: nothing to do
    late = "https://other.example/late/"
    with store.transaction():  # what the racing poll wrote: the edge, not retargeted
        store.add_inferred(
            [EdgeRecord(late, SHORT, "source-label", "Source: …", SHORT, "declared")],
            "2026-01-01T00:00:00Z",
        )
    assert {r["url"] for r in reposts(store, SHORT)} == {late}  # two nodes for one article
    assert repair_late_edges(store) == 1
    assert store.query("SELECT repost_url, source_url, cited_url FROM edges ORDER BY 1") == [
        {"repost_url": POST, "source_url": ARTICLE, "cited_url": SHORT},
        {"repost_url": late, "source_url": ARTICLE, "cited_url": SHORT},
    ]
    [row] = origins(store)
    assert (row["domain"], row["reposts"], row["articles"]) == ("rt.com", 2, 1)
    assert {r["url"] for r in store.query("SELECT url FROM nodes")} == {POST, late, ARTICLE}
    store.close()
