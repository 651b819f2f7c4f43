"""A spelling that `tracer resolve` merged into an article stands for the article everywhere:
in `copies` (as in `chain` and `reposts`) and in a `watch --url`, added before or after."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cli_helpers import run, run_json

from tracer.models import EdgeRecord, FeedChanges, FeedState, FeedUpdate, PostRecord
from tracer.pages import PageRecord, write_pages
from tracer.store import Store
from tracer.watches import add_watch, match_watch

POST = "https://blog.example/p/1/"
SHORT = "https://bit.ly/abc"
ARTICLE = "https://www.rt.com/news/1-x/"


def store_citing_short(path: Path) -> Store:
    store = Store.open(path)
    store.add_feed("https://blog.example/feed/")
    feed = store.feed_states()[0]
    assert isinstance(feed, FeedState)
    post = PostRecord(POST, POST, None, "Post", "2019-03-23T12:00:00Z")
    edge = EdgeRecord(POST, SHORT, "source-label", "Source: …", SHORT)
    store.apply(FeedUpdate(feed.id, FeedChanges(), [post], [edge]), "2026-01-01T00:00:00Z")
    return store


def resolve_short(store: Store) -> None:
    page = PageRecord(SHORT, ARTICLE, "ok", 200, ARTICLE, title="Article")
    assert write_pages(store, [page], datetime(2026, 1, 2, tzinfo=UTC)) == 1
    assert store.query("SELECT source_url FROM edges") == [{"source_url": ARTICLE}]


def test_copies_accepts_a_resolved_spelling_like_chain_and_reposts(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    resolve_short(store_citing_short(db))
    assert run_json(db, "reposts", SHORT, "--json")["url"] == ARTICLE
    assert run_json(db, "copies", SHORT, "--json") == {"url": ARTICLE, "copies": []}
    run(db, "copies", "https://bit.ly/never-seen", code=1)


def test_a_url_watch_on_a_spelling_follows_the_article_it_resolved_to(tmp_path: Path) -> None:
    store = store_citing_short(tmp_path / "t.db")
    before, already, _ = add_watch(store, "url", SHORT)  # added while SHORT is still a node
    assert already == 1
    resolve_short(store)
    after, already_after, _ = add_watch(store, "url", "https://BIT.ly/abc?utm_source=x")
    assert after.id == before.id and already_after == 0  # the same watch (same canonical key)
    assert [m.url for m in match_watch(store, before)] == [POST]
    direct, _, _ = add_watch(store, "url", ARTICLE)
    assert [m.url for m in match_watch(store, direct)] == [POST]
