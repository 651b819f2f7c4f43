"""`tracer resolve` over loopback: outlets on several 127.0.0.x hosts, a shortener and a
feed proxy in front of them, robots.txt, canonicals, deleted pages, dates in every form."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import run, run_json, sql_dicts, sql_rows
from feedserver import FeedServer, Reply, Request, Static
from outlets import canonical, feed_citing, json_ld, meta_time, og, page

from tracer.wording import counted

ROBOTS = (
    b"User-agent: *\nAllow: /\nDisallow: /private/\n\n"
    b"User-agent: tracer\nAllow: /\nDisallow: /private/\nDisallow: /members-only\n"
)


def html(body: bytes) -> Static:
    return Static(body, "text/html; charset=utf-8")


def redirect(status: int, location: str):
    return lambda _request: Reply(status, b"", {"Location": location})


@dataclass
class World:
    blog: FeedServer
    outlet: FeedServer
    other: FeedServer
    short: FeedServer
    proxy: FeedServer

    @property
    def article(self) -> str:
        return self.outlet.url("/news/2019/03/sdf-victory/")

    def post(self, name: str) -> str:
        return self.blog.url(f"/{name}/")


@pytest.fixture
def world() -> Iterator[World]:
    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        outlet = stack.enter_context(FeedServer(host="127.0.0.2"))
        other = stack.enter_context(FeedServer(host="127.0.0.3"))
        short = stack.enter_context(FeedServer(host="127.0.0.4"))
        proxy = stack.enter_context(FeedServer(host="127.0.0.5"))
        w = World(blog, outlet, other, short, proxy)
        article_page = page(
            "SDF declares victory",
            head=meta_time("2019-03-23T13:00:00+03:00")
            + canonical("/news/2019/03/sdf-victory/")
            + og("site_name", "Outlet News"),
        )
        outlet.routes.update(
            {
                "/robots.txt": Static(ROBOTS, "text/plain"),
                "/news/1": html(article_page),
                "/news/2019/03/sdf-victory/": html(article_page),
                "/news/2": html(
                    page(
                        "Title tag",
                        head=og("title", "OG headline") + json_ld("2019-03-23T05:00:00-05:00"),
                    )
                ),
                "/news/3": html(
                    page(
                        "Itemprop",
                        body='<span itemprop="datePublished"'
                        ' content="2019-03-23T11:30:00+01:00">x</span>',
                        lang="de",
                    )
                ),
                "/news/4": html(
                    page("Time", body='<time datetime="2019-03-23T10:00:00Z">today</time>')
                ),
                "/news/5": html(page("Undated", body='<time datetime="2019-03-23">a day</time>')),
                "/news/6": html(
                    page(
                        "Claims another site",
                        head=meta_time("2019-03-23T10:00:00Z")
                        + canonical(other.url("/stolen/"))
                        + og("url", other.url("/stolen/")),
                    )
                ),
                "/deleted": lambda _r: Reply(
                    404, b"<html>not found</html>", {"Content-Type": "text/html"}
                ),
                "/removed": lambda _r: Reply(410, b"gone", {"Content-Type": "text/plain"}),
                "/doc.pdf": Static(b"%PDF-1.4 not really", "application/pdf"),
                "/private/x": html(page("Never fetched")),
                "/members-only": html(page("Never fetched either")),
            }
        )
        proxy.routes["/~r/outlet/1"] = redirect(302, outlet.url("/news/1?utm_source=feedburner"))
        short.routes["/s1"] = redirect(301, proxy.url("/~r/outlet/1"))
        short.routes["/to-private"] = redirect(301, outlet.url("/private/x"))
        items = [
            ("p1", short.url("/s1"), "2019-03-23T12:00:00Z"),
            ("p2", w.article, "2019-03-23T10:30:00Z"),
            ("p3", outlet.url("/news/2"), "2019-03-23T11:00:00Z"),
            ("p4", outlet.url("/news/3"), "2019-03-23T11:00:00Z"),
            ("p5", outlet.url("/news/4"), "2019-03-23T11:00:00Z"),
            ("p6", outlet.url("/news/5"), "2019-03-23T11:00:00Z"),
            ("p7", outlet.url("/news/6"), "2019-03-23T11:00:00Z"),
            ("p8", outlet.url("/deleted"), "2019-03-23T11:00:00Z"),
            ("p9", outlet.url("/removed"), "2019-03-23T11:00:00Z"),
            ("p10", outlet.url("/doc.pdf"), "2019-03-23T11:00:00Z"),
            ("p11", outlet.url("/private/x"), "2019-03-23T11:00:00Z"),
            ("p12", short.url("/to-private"), "2019-03-23T11:00:00Z"),
            ("p13", outlet.url("/members-only"), "2019-03-23T11:00:00Z"),
        ]
        blog.routes["/feed.xml"] = Static(feed_citing(blog.url(""), items))
        yield w


def polled(world: World, db: Path) -> None:
    run(db, "feeds", "add", world.blog.url("/feed.xml"))
    run(db, "poll", "--all")


@pytest.fixture
def db_path(target: str) -> str:
    """Every test here runs twice: on a SQLite file and on PostgreSQL (conftest.target)."""
    return target


def pages(db: Path) -> dict[str, dict[str, object]]:
    return {row["url"]: row for row in sql_dicts(db, "SELECT * FROM pages")}


def test_resolve_reads_metadata_merges_spellings_and_gives_lags(
    world: World, db_path: Path
) -> None:
    polled(world, db_path)
    result = run(db_path, "resolve", "--delay", "0")
    assert (
        "resolved 13 pages: 7 ok (6 dated), 2 gone, 1 not HTML, 3 disallowed by robots.txt"
        in result.stderr
    )
    got = pages(db_path)
    outlet, article = world.outlet, world.article

    # every spelling of the article ends at one node: the same-site canonical
    assert got[world.short.url("/s1")]["article_url"] == article
    assert got[world.short.url("/s1")]["final_url"] == outlet.url("/news/1?utm_source=feedburner")
    assert got[world.short.url("/s1")]["canonical_trusted"] == 1
    assert got[article]["article_url"] == article
    p1 = world.post("p1")
    reposts = run_json(db_path, "reposts", article, "--json")["reposts"]
    assert {(r["url"], r["lag_seconds"], r["via_published_source"]) for r in reposts} == {
        (p1, 7200, "page"),
        (world.post("p2"), 1800, "page"),
    }
    # the shortener's spelling still answers, and the edge keeps what was cited
    by_short = run_json(db_path, "reposts", world.short.url("/s1"), "--json")
    assert by_short["url"] == article and len(by_short["reposts"]) == 2
    [(cited, raw)] = sql_rows(
        db_path, "SELECT cited_url, raw_source_url FROM edges WHERE repost_url = ?", [p1]
    )
    assert (cited, raw) == (world.short.url("/s1"), world.short.url("/s1"))

    # a canonical on another site is not trusted
    assert got[outlet.url("/news/6")]["article_url"] == outlet.url("/news/6")
    assert got[outlet.url("/news/6")]["canonical_trusted"] == 0

    # dates in each form, time zones honoured, none invented
    expected = {
        "/news/2": ("2019-03-23T10:00:00Z", "json-ld", "OG headline"),
        "/news/3": ("2019-03-23T10:30:00Z", "itemprop", "Itemprop | Outlet"),
        "/news/4": ("2019-03-23T10:00:00Z", "time", "Time | Outlet"),
        "/news/5": (None, None, "Undated | Outlet"),
    }
    for path, (published, source, title) in expected.items():
        row = got[outlet.url(path)]
        assert (row["published"], row["published_from"], row["title"]) == (published, source, title)
    assert got[outlet.url("/news/3")]["language"] == "de"
    assert got[article]["published_from"] == "article:published_time"
    assert got[article]["site_name"] == "Outlet News"

    # outcomes
    assert got[outlet.url("/deleted")]["outcome"] == "gone"
    assert got[outlet.url("/removed")]["outcome"] == "gone"
    assert got[outlet.url("/doc.pdf")]["outcome"] == "not-html"
    assert got[outlet.url("/private/x")]["outcome"] == "robots"
    assert got[outlet.url("/members-only")]["outcome"] == "robots"  # our own group's rule
    assert got[world.short.url("/to-private")]["outcome"] == "robots"
    assert outlet.requests_for("/private/x") == [] and outlet.requests_for("/members-only") == []
    assert len(outlet.requests_for("/robots.txt")) == 1

    # lag per edge from the origin's page; null where the page gives no date
    lags = {
        r["url"]: r["lag_seconds"]
        for r in run_json(db_path, "reposts", outlet.url("/news/2"), "--json")["reposts"]
    }
    assert lags == {world.post("p3"): 3600}
    assert (
        run_json(db_path, "reposts", outlet.url("/news/5"), "--json")["reposts"][0]["lag_seconds"]
        is None
    )
    view = dict(
        sql_rows(
            db_path,
            "SELECT repost_url, lag_seconds FROM edges_with_domains"
            " WHERE source_published_source = 'page'",
        )
    )
    assert view[p1] == 7200 and view[world.post("p4")] == 1800 and world.post("p6") not in view

    # export carries the cited spelling, both dates and the lag
    exported = [
        json.loads(line) for line in run(db_path, "export", "-f", "jsonl").stdout.splitlines()
    ]
    [edge] = [e for e in exported if e["repost_url"] == p1]
    assert (edge["source_url"], edge["cited_url"], edge["lag_seconds"]) == (
        article,
        world.short.url("/s1"),
        7200,
    )
    assert (edge["source_published"], edge["source_published_source"]) == (
        "2019-03-23T10:00:00Z",
        "page",
    )
    assert sum(e["lag_seconds"] is not None for e in exported) == 6  # p1-p5, p7: dated pages

    # chain shows the origin's title, date and status
    [chain] = run_json(db_path, "chain", p1, "--json")["chains"]
    origin = chain[-1]
    assert (origin["url"], origin["status"], origin["published"], origin["published_source"]) == (
        article,
        "ok",
        "2019-03-23T10:00:00Z",
        "page",
    )
    assert origin["title"] == "SDF declares victory | Outlet"
    assert "SDF declares victory" in run(db_path, "chain", p1).stdout

    # origins and stats count by status
    [row] = [r for r in run_json(db_path, "origins", "--json") if r["domain"] == "127.0.0.2"]
    assert (row["articles"], row["resolved"], row["gone"]) == (11, 7, 2)
    assert row["reposts"] == 13  # p12's shortener led to /private/x: one node, never fetched
    stats = run_json(db_path, "stats", "--json")
    assert stats["origins_by_status"] == {
        "ok": 6, "gone": 2, "error": 0, "robots": 2, "not-html": 1, "polled": 0,
        "unresolved": 0
    }  # fmt: skip

    # nothing left to do: a second run reads nothing (gone pages are re-checked in 30 days)
    again = run(db_path, "resolve", "--delay", "0")
    assert "resolved 0 pages" in again.stderr
    assert len(outlet.requests_for("/deleted")) == 1


def test_poll_after_resolve_stores_a_known_spelling_on_the_article_node(
    world: World, db_path: Path
) -> None:
    polled(world, db_path)
    run(db_path, "resolve", "--delay", "0")
    later = [("p20", world.short.url("/s1"), "2019-03-23T15:00:00Z")]
    world.blog.routes["/feed2.xml"] = Static(feed_citing(world.blog.url(""), later))
    run(db_path, "feeds", "add", world.blog.url("/feed2.xml"))
    run(db_path, "poll", "--all")
    reposts = run_json(db_path, "reposts", world.article, "--json")["reposts"]
    assert {r["url"]: r["lag_seconds"] for r in reposts}[world.post("p20")] == 5 * 3600
    assert "resolved 0 pages" in run(db_path, "resolve", "--delay", "0").stderr


def assert_reach_is_exact(db: Path) -> None:
    """The reach tables kept up to date while merging agree with a walk of the edges."""
    from reach_reference import reach

    from tracer.graph import origins
    from tracer.store import Store

    store = Store.open(db)
    assert store.execute("SELECT stale FROM reach_state").fetchone()[0] == 0
    for declared_only in (False, True):  # both reach layers
        reference = reach(store, declared_only=declared_only)
        rows = origins(store, declared_only=declared_only)
        assert {row["domain"] for row in rows} == set(reference.articles)
        for row in rows:
            domain = row["domain"]
            assert row["reposts"] == len(reference.reached[domain]), domain
            assert row["direct"] == reference.direct[domain], domain
            assert row["articles"] == len(reference.articles[domain]), domain
    ends = {
        u for (a, b) in store.execute("SELECT repost_url, source_url FROM edges") for u in (a, b)
    }
    for table in ("nodes", "declared_nodes"):  # no node left for a spelling merged away
        assert {url for (url,) in store.execute(f"SELECT url FROM {table}")} == ends, table
    store.close()


def test_origins_reach_table_stays_exact_after_merging(world: World, db_path: Path) -> None:
    polled(world, db_path)
    run(db_path, "resolve", "--delay", "0")
    assert_reach_is_exact(db_path)


def test_limit_makes_resolution_incremental_and_nothing_is_read_twice(
    world: World, db_path: Path
) -> None:
    polled(world, db_path)
    first = run(db_path, "resolve", "--delay", "0", "--limit", "4")
    assert "resolved 4 pages" in first.stderr
    run(db_path, "resolve", "--delay", "0", "--quiet")
    assert len(pages(db_path)) == 13
    for path in ("/news/2", "/news/3", "/news/4", "/news/5", "/news/6", "/doc.pdf"):
        assert len(world.outlet.requests_for(path)) == 1, path


def test_at_most_two_connections_per_host_and_the_delay_between_requests(db_path: Path) -> None:
    def slow(_request: Request) -> Reply:
        return Reply(200, [page("Slow").replace(b"</body>", b"")] + [b" "] * 3 + [b"</body>"],
                     {"Content-Type": "text/html"}, delay=0.05)  # fmt: skip

    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        hosts = [stack.enter_context(FeedServer(host=f"127.0.0.{i}")) for i in (6, 7, 8)]
        items = []
        for h, server in enumerate(hosts):
            for i in range(8):
                server.routes[f"/a/{i}"] = slow
                items.append((f"h{h}-{i}", server.url(f"/a/{i}"), "2019-03-23T11:00:00Z"))
        blog.routes["/feed.xml"] = Static(feed_citing(blog.url(""), items))
        run(db_path, "feeds", "add", blog.url("/feed.xml"))
        run(db_path, "poll", "--all")
        run(db_path, "resolve", "--delay", "0", "--concurrency", "20")
        assert all(server.max_in_flight <= 2 for server in hosts)
        assert max(server.max_in_flight for server in hosts) == 2  # it does use two

        paced = stack.enter_context(FeedServer(host="127.0.0.9"))
        for i in range(4):
            paced.routes[f"/b/{i}"] = html(page(f"Paced {i}"))
        blog.routes["/feed2.xml"] = Static(
            feed_citing(
                blog.url(""),
                [(f"q{i}", paced.url(f"/b/{i}"), "2019-03-23T11:00:00Z") for i in range(4)],
            )
        )
        run(db_path, "feeds", "add", blog.url("/feed2.xml"))
        run(db_path, "poll", "--all")
        delay = 0.4
        run(db_path, "resolve", "--delay", str(delay), "--concurrency", "10")
        starts = sorted(r.at for r in paced.log)
        assert len(starts) == 5  # robots.txt and four pages
        # The server sees a request some time after the client sent it (a busy machine
        # delays a thread by tens of ms), so one late arrival shortens the gap after it
        # by its delay, never the whole span: allow half a delay of lateness. Unpaced,
        # the five requests come within milliseconds.
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        assert min(gaps) >= delay / 2, gaps
        assert starts[-1] - starts[0] >= 4 * delay - delay / 2, gaps


def test_a_server_error_is_retried_later_with_backoff(db_path: Path) -> None:
    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        flaky = stack.enter_context(FeedServer(host="127.0.0.10"))
        flaky.routes["/x"] = lambda _r: Reply(503, b"busy")
        blog.routes["/feed.xml"] = Static(
            feed_citing(blog.url(""), [("p", flaky.url("/x"), "2019-03-23T11:00:00Z")])
        )
        run(db_path, "feeds", "add", blog.url("/feed.xml"))
        run(db_path, "poll", "--all")
        result = run(db_path, "resolve", "--delay", "0")
        assert "page error" in result.stderr and "HTTP 503" in result.stderr
        row = pages(db_path)[flaky.url("/x")]
        assert (row["outcome"], row["attempts"]) == ("error", 1)
        assert row["next_check_at"] > row["fetched_at"]
        again = run(db_path, "resolve", "--delay", "0").stderr
        assert "resolved 0 pages" in again  # not due yet, and the run says what waits
        assert f"1 failed page waits for a retry (the first at {row['next_check_at']})" in again
        assert len(flaky.requests_for("/x")) == 1
        flaky.routes["/x"] = Static(b"back", content_type="text/plain")
        now = run(db_path, "resolve", "--delay", "0", "--retry-failed").stderr
        assert "resolved 1 page: 0 ok (0 dated), 0 gone, 1 not HTML" in now
        assert "for a retry" not in now and len(flaky.requests_for("/x")) == 2
        assert pages(db_path)[flaky.url("/x")]["outcome"] == "not-html"


def test_a_second_resolve_waits_for_the_lock(db_path: Path) -> None:
    from tracer.lock import command_lock
    from tracer.store import Store

    run(db_path, "feeds", "add", "https://blog.example/feed/")  # creates the database
    other = Store.open(db_path)  # another resolve: a lock file, or an advisory lock on PG
    try:
        with command_lock(other, "resolve"):
            result = run(db_path, "resolve")
    finally:
        other.close()
    assert "another resolve is running" in result.stderr
    assert "resolved 0 pages" in run(db_path, "resolve").stderr  # released


def test_kill_9_mid_run_loses_nothing_written_and_the_next_run_completes(db_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    resume = threading.Event()  # the pages after the first six wait for the kill
    asked = itertools.count()

    def slow(request: Request) -> Reply:
        number = request.path.split("/")[2].split("?")[0]
        body = page(
            f"Slow {number}", head=canonical(f"/k/{number}/") + meta_time("2019-03-23T10:00:00Z")
        )
        if next(asked) >= 6:
            resume.wait(120)
        return Reply(200, iter([body[:100], body[100:]]), {"Content-Type": "text/html"}, delay=0.25)

    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        hosts = [stack.enter_context(FeedServer(host=f"127.0.0.{i}")) for i in (11, 12, 13)]
        items = []
        for h, server in enumerate(hosts):
            server.routes.update({f"/k/{i}": slow for i in range(20)})
            server.routes.update({f"/k/{i}/": slow for i in range(20)})
            items += [
                (f"k{h}-{i}", server.url(f"/k/{i}?x=1"), "2019-03-23T11:00:00Z") for i in range(20)
            ]
        blog.routes["/feed.xml"] = Static(feed_citing(blog.url(""), items))
        run(db_path, "feeds", "add", blog.url("/feed.xml"))
        run(db_path, "poll", "--all")
        victim = subprocess.Popen(
            [sys.executable, "-m", "tracer", "--db", str(db_path), "resolve", "--delay", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ},
        )  # fmt: skip
        deadline = time.monotonic() + 90  # generous: a busy machine
        while not pages(db_path) and time.monotonic() < deadline:
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        resume.set()
        written = pages(db_path)
        assert 0 < len(written) < 60
        if "://" not in str(db_path):
            assert sql_rows(db_path, "PRAGMA integrity_check") == [("ok",)]
        rerun = run(db_path, "resolve", "--delay", "0")
        assert f"resolved {counted(60 - len(written), 'page')}:" in rerun.stderr
        assert len(pages(db_path)) == 60
        for url in written:  # what was written is never read again
            host = next(s for s in hosts if url.startswith(s.url("")))
            path = url[len(host.url("")) :]
            assert len([r for r in host.log if r.path == path]) == 1, url
    assert_reach_is_exact(db_path)
    assert sql_rows(db_path, "SELECT count(*) FROM nodes") == [(120,)]


def test_a_shortened_link_to_a_polled_post_becomes_a_hop_through_it(
    world: World, db_path: Path
) -> None:
    polled(world, db_path)
    p2 = world.post("p2")
    world.blog.routes["/p2/"] = html(page("Repost p2"))
    world.short.routes["/to-p2"] = redirect(302, p2 + "?utm_medium=social")
    later = [("p30", world.short.url("/to-p2"), "2019-03-23T12:00:00Z")]
    world.blog.routes["/feed3.xml"] = Static(feed_citing(world.blog.url(""), later))
    run(db_path, "feeds", "add", world.blog.url("/feed3.xml"))
    run(db_path, "poll", "--all")
    run(db_path, "resolve", "--delay", "0")
    [chain] = run_json(db_path, "chain", world.post("p30"), "--json")["chains"]
    assert [hop["url"] for hop in chain] == [world.post("p30"), p2, world.article]
    assert chain[1]["published_source"] == "feed"  # a polled post's date comes from its feed
    reposts = run_json(db_path, "reposts", p2, "--json")["reposts"]
    assert [(r["url"], r["lag_seconds"], r["via_published_source"]) for r in reposts] == [
        (world.post("p30"), 5400, "feed")
    ]
    assert_reach_is_exact(db_path)


def test_a_post_citing_a_spelling_of_itself_loses_that_edge_and_reach_stays_exact(
    world: World, db_path: Path
) -> None:
    polled(world, db_path)
    p40 = world.post("p40")
    world.blog.routes["/p40/"] = html(page("Cites itself through a shortener"))
    world.short.routes["/self"] = redirect(301, p40)
    items = [("p40", world.short.url("/self"), "2019-03-23T12:00:00Z")]
    world.blog.routes["/feed4.xml"] = Static(feed_citing(world.blog.url(""), items))
    run(db_path, "feeds", "add", world.blog.url("/feed4.xml"))
    run(db_path, "poll", "--all")
    run(db_path, "resolve", "--delay", "0")
    assert sql_rows(db_path, "SELECT count(*) FROM edges WHERE repost_url = ?", [p40]) == [(0,)]
    assert_reach_is_exact(db_path)


def test_a_wrapper_page_with_a_meta_refresh_leads_to_the_article(
    world: World, db_path: Path
) -> None:
    polled(world, db_path)
    target = world.outlet.url("/news/4")
    wrapper = f'<meta http-equiv="refresh" content="0; url={target}">'
    world.proxy.routes["/wrap/4"] = html(page("Redirecting…", head=wrapper))
    later = [("p50", world.proxy.url("/wrap/4"), "2019-03-23T10:30:00Z")]
    world.blog.routes["/feed5.xml"] = Static(feed_citing(world.blog.url(""), later))
    run(db_path, "feeds", "add", world.blog.url("/feed5.xml"))
    run(db_path, "poll", "--all")
    run(db_path, "resolve", "--delay", "0")
    row = pages(db_path)[world.proxy.url("/wrap/4")]
    assert (row["article_url"], row["final_url"], row["published"]) == (
        target,
        target,
        "2019-03-23T10:00:00Z",
    )
    lags = {
        r["url"]: r["lag_seconds"]
        for r in run_json(db_path, "reposts", target, "--json")["reposts"]
    }
    assert lags == {world.post("p5"): 3600, world.post("p50"): 1800}
    assert_reach_is_exact(db_path)


def test_both_engines_print_the_same_after_resolve(
    world: World, tmp_path: Path, pg_url: str
) -> None:
    """One polled store, copied to PostgreSQL; then resolve, outlets and watches on each:
    every query, export, listing, watch feed and report is byte-identical."""
    from engine_compare import answers, assert_same

    sqlite = str(tmp_path / "first.db")
    polled(world, sqlite)
    run(sqlite, "copy-db", sqlite, pg_url)
    outputs = []
    for db in (sqlite, pg_url):
        result = run(db, "resolve", "--delay", "0")
        assert "resolved 13 pages: 7 ok (6 dated)" in result.stderr
        run(db, "outlets", "add", "Outlet", world.outlet.url("/"), world.short.url("/"))
        run(db, "watch", "add", "--outlet", "Outlet")
        run(db, "watch", "add", "--url", world.article)
        run(db, "watch", "add", "--site", world.blog.url("/"))
        urls = [world.article, world.post("p1"), world.short.url("/s1")]
        urls.append(world.outlet.url("/news/2"))
        folder = tmp_path / db.rsplit("=", 1)[-1].replace("/", "_")
        folder.mkdir()
        outputs.append(answers(db, urls, folder))
        pages = sql_rows(
            db,
            "SELECT url, article_url, outcome, http_status, final_url, canonical_url,"
            " canonical_trusted, title, published, published_from, site_name, language,"
            " content_type, error, attempts FROM pages ORDER BY url",
        )
        outputs[-1]["pages"] = repr(pages)
    assert_same(*outputs)
    assert '"resolved": 7' in outputs[0]["origins --json"]


def test_a_page_is_read_in_the_charset_its_server_or_its_bytes_give(db_path: Path) -> None:
    """No ``<meta charset>``: the ``Content-Type`` charset decides, else valid UTF-8 is UTF-8.

    lxml alone reads such a page as Latin-1, so a Cyrillic title became mojibake in
    ``chain``, ``report`` and the exports.
    """
    title = "Новости дня: 'цитата'"
    bare = f"<html><head><title>{title}</title></head><body><p>x</p></body></html>"
    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        outlet = stack.enter_context(FeedServer(host="127.0.0.11"))
        outlet.routes["/cp1251"] = Static(bare.encode("cp1251"), "text/html; charset=windows-1251")
        outlet.routes["/quoted"] = Static(bare.encode("koi8-r"), 'text/html; charset="KOI8-R"')
        outlet.routes["/utf8"] = Static(bare.encode(), "text/html")
        outlet.routes["/latin1"] = Static("<title>Café</title>".encode("latin-1"), "text/html")
        outlet.routes["/bom"] = Static(b"\xef\xbb\xbf" + bare.encode(), "text/html; charset=cp1251")
        names = ["cp1251", "quoted", "utf8", "latin1", "bom"]
        items = [(name, outlet.url(f"/{name}"), "2019-03-23T11:00:00Z") for name in names]
        blog.routes["/feed.xml"] = Static(feed_citing(blog.url(""), items))
        run(db_path, "feeds", "add", blog.url("/feed.xml"))
        run(db_path, "poll", "--all")
        run(db_path, "resolve", "--delay", "0")
    titles = {url: row["title"] for url, row in pages(db_path).items()}
    assert titles == {
        outlet.url("/cp1251"): title,
        outlet.url("/quoted"): title,
        outlet.url("/utf8"): title,
        outlet.url("/latin1"): "Café",  # not UTF-8: lxml's own reading, as before
        outlet.url("/bom"): title,  # a byte order mark outranks the header
    }
    hops = run_json(db_path, "chain", blog.url("/utf8/"), "--json")["chains"][0]
    assert hops[-1]["title"] == title


def test_a_page_with_json_ld_nested_too_deep_is_read_and_the_run_goes_on(db_path: Path) -> None:
    """JSON nested deeper than Python's recursion limit made ``json.loads`` raise
    RecursionError: the whole ``resolve`` crashed with a traceback, on every run."""
    deep = "[" * 100_000 + "]" * 100_000
    ld = f'<script type="application/ld+json">{deep}</script>'
    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        outlet = stack.enter_context(FeedServer(host="127.0.0.12"))
        outlet.routes["/deep"] = html(page("Deep", head=ld))
        outlet.routes["/plain"] = html(page("Plain", head=meta_time("2019-03-23T10:00:00Z")))
        items = [(n, outlet.url(f"/{n}"), "2019-03-23T11:00:00Z") for n in ("deep", "plain")]
        blog.routes["/feed.xml"] = Static(feed_citing(blog.url(""), items))
        run(db_path, "feeds", "add", blog.url("/feed.xml"))
        run(db_path, "poll", "--all")
        result = run(db_path, "resolve", "--delay", "0")
    assert "resolved 2 pages: 2 ok" in result.stderr, result.stderr
    rows = pages(db_path)
    assert rows[outlet.url("/deep")]["title"] == "Deep | Outlet"
    assert rows[outlet.url("/plain")]["published"] == "2019-03-23T10:00:00Z"
