"""`tracer poll` and `tracer resolve` at the same moment on one PostgreSQL database.

Both write edges and the reach tables: the poll inserts edges citing spellings
of articles, the resolve re-points edges from those spellings to the articles
(:func:`tracer.pages.write_pages`). Without a common order of locks the server
could abort one of them as a deadlock. Here blogs on loopback cite tracked
spellings (``?id=…&via=…``) of articles on two outlet hosts whose pages name
their canonical URL; rounds of new posts are polled while resolve runs, as
separate processes started together. Nothing may fail, be lost or be
duplicated: every post ends with exactly one edge, to its article.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field

import pytest
from cli_helpers import run, sql_rows
from feedserver import FeedServer, Static
from outlets import canonical, feed_citing, page
from test_resolve_integration import assert_reach_is_exact

FEEDS = 12
ARTICLES = 40
ROUNDS = 3
ROUNDS_RACE = int(os.environ.get("RACE_ROUNDS", "8"))
POSTS_RACE = int(os.environ.get("RACE_POSTS", "30"))


@dataclass
class World:
    blog: FeedServer
    outlets: list[FeedServer]
    published: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)
    expected: dict[str, str] = field(default_factory=dict)  # post -> its article

    def article(self, number: int) -> str:
        return self.outlets[number % 2].url(f"/a/{number}")

    def publish(self, round_: int) -> None:
        """Every feed gains posts citing tracked spellings of articles (shared across feeds)."""
        for feed in range(FEEDS):
            items = self.published.setdefault(feed, [])
            for k in range(4):
                number = (feed * 7 + round_ * 11 + k * 3) % ARTICLES
                name = f"f{feed}-r{round_}-{k}"
                spelling = f"{self.article(number)}?id={number}&via=f{feed}r{round_}"
                items.insert(0, (name, spelling, f"2026-11-2{round_}T1{k}:00:00Z"))
                self.expected[self.blog.url(f"/{name}/")] = self.article(number)
            body = feed_citing(self.blog.url(""), items)
            self.blog.routes[f"/feed/{feed}.xml"] = Static(body)


@pytest.fixture
def world() -> Iterator[World]:
    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        outlets = [stack.enter_context(FeedServer(host=f"127.0.0.{h}")) for h in (2, 3)]
        w = World(blog, outlets)
        for number in range(ARTICLES):
            server = outlets[number % 2]
            path = f"/a/{number}"
            server.routes[path] = Static(
                page(f"Article {number}", head=canonical(server.url(path))),
                "text/html; charset=utf-8",
            )
        yield w


def _start(db: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.Popen(
        [sys.executable, "-m", "tracer", "--db", db, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_poll_and_resolve_at_once_lose_and_duplicate_nothing(world: World, pg_url: str) -> None:
    world.publish(0)
    run(pg_url, "feeds", "add", *[world.blog.url(f"/feed/{f}.xml") for f in range(FEEDS)])
    run(pg_url, "poll", "--all")
    for round_ in range(1, ROUNDS + 1):
        world.publish(round_)
        before = {f: len(world.blog.requests_for(f"/feed/{f}.xml")) for f in range(FEEDS)}
        resolver = _start(pg_url, "resolve", "--delay", "0", "--concurrency", "8")
        poller = _start(pg_url, "poll", "--all")
        for process in (resolver, poller):
            _out, errors = process.communicate(timeout=240)
            assert process.returncode == 0, errors
            assert "deadlock" not in errors.lower(), errors
            if process is poller:
                assert f"{FEEDS} feeds" in errors and " 0 errors" in errors, errors
        after = {f: len(world.blog.requests_for(f"/feed/{f}.xml")) for f in range(FEEDS)}
        assert all(after[f] - before[f] == 1 for f in range(FEEDS))  # each feed polled once
        # no poll stored an edge on a spelling the concurrent resolve had merged
        late = "SELECT e.source_url FROM edges AS e JOIN pages AS g ON g.url = e.source_url"
        assert sql_rows(pg_url, late + " WHERE g.article_url <> g.url") == []
    # spellings first seen by the last concurrent poll are read by a last resolve
    run(pg_url, "resolve", "--delay", "0")
    edges = sql_rows(pg_url, "SELECT repost_url, source_url, kind FROM edges")
    assert len(edges) == len(world.expected)  # one edge per post: none lost, none twice
    assert {(r, s) for r, s, _k in edges} == set(world.expected.items())
    posts = {url for (url,) in sql_rows(pg_url, "SELECT url FROM posts")}
    assert posts == set(world.expected)
    for server in world.outlets:  # each spelling was read once, by one resolve
        read = [r.path for r in server.log if r.path.startswith("/a/")]
        assert len(read) == len(set(read))
    assert_reach_is_exact(pg_url)


def test_a_feed_write_and_a_page_write_on_the_same_edges_neither_fail_nor_fork(
    pg_url: str,
) -> None:
    """The narrowest race, on two connections: a poll's transaction writes a feed's edges
    in item order while a resolve batch moves the same edges in the opposite order. With
    the reach lock one waits for the other: no transaction is aborted (no deadlock), and
    the poll never re-stores an edge on a spelling the resolve has just merged away (the
    edges are exactly one per post, on its article, without a later repair)."""
    from datetime import UTC, datetime

    from tracer.models import EdgeRecord, FeedUpdate, PostRecord
    from tracer.pages import PageRecord, write_pages
    from tracer.store import Store

    first, second = Store.open(pg_url), Store.open(pg_url)
    first.add_feed("http://127.0.0.1:9/feed.xml")
    feed = first.feed_by_url("http://127.0.0.1:9/feed.xml")
    assert feed is not None
    expected: dict[str, str] = {}
    for round_ in range(ROUNDS_RACE):
        posts, edges, pages = [], [], []
        for j in range(POSTS_RACE):
            post = f"https://blog.example/r{round_}/p{j}/"
            article = f"https://outlet.example/a/{j}"
            spelling = f"{article}?id={round_}-{j}"
            posts.append(PostRecord(post, post, post, "t", None))
            edges.append(EdgeRecord(post, spelling, "source-label", "Source", spelling))
            pages.append(PageRecord(spelling, article, "ok", 200, article, article, 1))
            expected[post] = article
        update = FeedUpdate(feed["id"], posts=posts, edges=edges)
        first.apply(update, "2026-11-30T00:00:00Z")
        later = f"2026-11-30T01:{round_:02d}:00Z"
        _at_once(
            lambda update=update, later=later: first.apply(update, later),
            lambda pages=pages: write_pages(
                second, pages[::-1], datetime(2026, 11, 30, 2, tzinfo=UTC)
            ),
        )
    first.close()
    second.close()
    edges_now = sql_rows(pg_url, "SELECT repost_url, source_url FROM edges")
    assert len(edges_now) == len(expected) and dict(edges_now) == expected
    assert_reach_is_exact(pg_url)


def _at_once(*calls: Callable[[], object]) -> None:
    """Run the calls on threads released together; re-raise the first failure."""
    import threading

    start = threading.Barrier(len(calls))
    failures: list[BaseException] = []

    def run_one(call: Callable[[], object]) -> None:
        start.wait()
        try:
            call()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run_one, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]
