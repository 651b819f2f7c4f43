"""The poller over loopback: misbehaving servers mixed with good ones, polled several times.

Each test asserts on what was requested (paths, headers, how often) and on
what was stored (feeds' records, posts, edges, database integrity).
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run, run_json
from feedserver import FeedServer, Reply, Request, Static

from tracer.store import Store
from tracer.wording import counted

ROOT = Path(__file__).resolve().parent.parent


def rss(name: str, items: int = 3, *, start: int = 0) -> bytes:
    """A small RSS 2.0 feed whose items each declare a source ("Source Article from")."""
    entries = "".join(
        f"<item><title>{name} post {i}</title>"
        f"<link>https://{name}.example/post-{i}/</link>"
        f"<description><![CDATA[<p>Text {i}.</p><p>Source Article from "
        f'<a href="https://origin.example/{name}/{i}">origin.example</a></p>]]></description>'
        f"</item>"
        for i in range(start, start + items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name} feed</title><link>https://{name}.example/</link>{entries}"
        f"</channel></rss>"
    ).encode()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!-- padding to push the DOCTYPE away from the start '
    + b"x" * 100_000
    + b' -->\n<!DOCTYPE rss [\n <!ENTITY a "aaaaaaaaaa">\n'
    + b"".join(b' <!ENTITY a%d "%s">\n' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 12))
    + b' <!ENTITY a0 "&a;">\n]>\n<rss version="2.0"><channel><title>&a11;</title>'
    + b"<item><link>https://lol.example/1</link></item></channel></rss>"
)


def feeds_by_url(db: Path) -> dict[str, dict[str, Any]]:
    return {f["url"]: f for f in run_json(db, "feeds", "list", "--json")}


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def stored_posts(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT url FROM posts")}


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def hours_from_now(text: str) -> float:
    return (parse_stamp(text) - datetime.now(UTC)).total_seconds() / 3600


@pytest.fixture
def zoo() -> Iterator[FeedServer]:
    """Good feeds and every misbehaviour of the issue, on one loopback server."""
    server = FeedServer()
    good = rss("good", 3)
    server.routes.update(
        {
            "/etag.xml": Static(rss("etag"), last_modified=False),
            "/lastmod.xml": Static(rss("lastmod"), etag=False),
            "/novalidators.xml": Static(rss("novalidators"), etag=False, last_modified=False),
            "/gzip.xml": lambda r: Reply(
                200,
                gzip.compress(rss("gzip")),
                {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"},
            ),
            "/moved.xml": lambda r: Reply(301, b"", {"Location": "/new-home.xml"}),
            "/new-home.xml": Static(rss("moved")),
            "/moved-to-nothing.xml": lambda r: Reply(301, b"", {"Location": "/nothing.xml"}),
            "/temporary.xml": lambda r: Reply(302, b"", {"Location": "/temp-target.xml"}),
            "/temp-target.xml": Static(rss("temporary")),
            "/gone.xml": lambda r: Reply(410, b"gone"),
            "/ratelimited.xml": lambda r: Reply(429, b"", {"Retry-After": "7200"}),
            "/unavailable.xml": lambda r: Reply(
                503,
                b"",
                {"Retry-After": format_datetime(datetime.now(UTC) + timedelta(hours=3), True)},
            ),
            "/error500.xml": lambda r: Reply(500, b"oops"),
            "/html.xml": lambda r: Reply(
                200, b"<!DOCTYPE html><html><body>Home</body></html>", {"Content-Type": "text/html"}
            ),
            "/empty.xml": lambda r: Reply(200, b""),
            "/binary.xml": lambda r: Reply(200, bytes(range(256)) * 40),
            "/truncated.xml": lambda r: Reply(200, good[: good.index(b"<item>", 300) + 40]),
            "/truncated-early.xml": lambda r: Reply(200, good[:70]),
            "/lol.xml": lambda r: Reply(200, BILLION_LAUGHS),
            "/loop-a.xml": lambda r: Reply(302, b"", {"Location": "/loop-b.xml"}),
            "/loop-b.xml": lambda r: Reply(301, b"", {"Location": "/loop-a.xml"}),
            "/huge.xml": lambda r: Reply(200, (b"<item>" + b"x" * 65_000 for _ in range(10_000))),
        }
    )
    with server:
        yield server


def test_three_polls_of_a_zoo_of_feeds(db_path: Path, zoo: FeedServer) -> None:
    polled = [p for p in zoo.routes if p not in ("/new-home.xml", "/temp-target.xml")]
    run(db_path, "feeds", "add", *[zoo.url(p) for p in polled])
    for _ in range(3):
        result = run(db_path, "poll", "--all", "--timeout", "5", "--max-bytes", "1000000")
        assert "polled" in result.stderr
    url = zoo.url
    feeds = feeds_by_url(db_path)
    count = lambda path: len(zoo.requests_for(path))  # noqa: E731

    # every request was honest and asked for feeds
    for request in zoo.log:
        assert request.headers["user-agent"].startswith("tracer/")
        assert "application/rss+xml" in request.headers["accept"]

    # validators: asked conditionally after the first time, answered 304, nothing parsed again
    etag_requests = zoo.requests_for("/etag.xml")
    assert len(etag_requests) == 3
    assert "if-none-match" not in etag_requests[0].headers
    assert all("if-none-match" in r.headers for r in etag_requests[1:])
    assert all("if-modified-since" in r.headers for r in zoo.requests_for("/lastmod.xml")[1:])
    for path, name in [("/etag.xml", "etag"), ("/lastmod.xml", "lastmod"), ("/gzip.xml", "gzip")]:
        record = feeds[url(path)]
        assert record["last_error"] is None and record["active"], record
        assert record["title"] == f"{name} feed"
        assert (record["posts"], record["edges"]) == (3, 3)
    assert feeds[url("/etag.xml")]["last_status"] == 304
    assert feeds[url("/novalidators.xml")]["last_status"] == 200  # unchanged body: hash skip

    # 301: moved once the target served a feed; the old URL is an alias, never asked again
    assert url("/moved.xml") not in feeds
    moved = feeds[url("/new-home.xml")]
    assert moved["aliases"] == [url("/moved.xml")] and moved["posts"] == 3
    assert (count("/moved.xml"), count("/new-home.xml")) == (1, 3)
    # a 301 to a 404 is not a move: the feed keeps its URL and records the error
    assert feeds[url("/moved-to-nothing.xml")]["last_error"] == "HTTP 404 Not Found"

    # 302: followed every time, the stored URL stays
    assert (count("/temporary.xml"), count("/temp-target.xml")) == (3, 3)
    assert feeds[url("/temporary.xml")]["posts"] == 3

    # 410: deactivated after one request, never asked again (even with --all)
    assert count("/gone.xml") == 1
    gone = feeds[url("/gone.xml")]
    assert gone["active"] is False and "410" in gone["last_error"]

    # 429 / 503 with Retry-After: one request, then left alone until the time asked
    for path, hours in [("/ratelimited.xml", 2), ("/unavailable.xml", 3)]:
        assert count(path) == 1, path
        record = feeds[url(path)]
        assert record["active"] and "retry after" in record["last_error"]
        assert hours - 0.1 < hours_from_now(record["next_poll_at"]) <= hours + 0.01

    # plain failures: recorded, counted, backed off, never disabled
    server_error = feeds[url("/error500.xml")]
    assert count("/error500.xml") == 3
    assert server_error["last_error"] == "HTTP 500 Internal Server Error"
    assert server_error["last_status"] == 500 and server_error["active"] is True
    assert server_error["consecutive_failures"] == 3
    # third failure in a row: 15 min × 2² = 1 h, ±20 % jitter
    assert 0.8 - 0.01 <= hours_from_now(server_error["next_poll_at"]) <= 1.2 + 0.01

    # hostile and broken bodies: a clear error each, nothing stored
    expected_errors = {
        "/html.xml": "HTML page",
        "/empty.xml": "empty body",
        "/binary.xml": "no RSS, Atom or RDF",
        "/truncated-early.xml": "truncated",
        "/lol.xml": "declares XML entities",
        "/loop-a.xml": "redirect loop",
        "/huge.xml": "over the cap of 1000000 bytes",
    }
    for path, fragment in expected_errors.items():
        record = feeds[url(path)]
        assert fragment in (record["last_error"] or ""), (path, record)
        assert record["posts"] == 0 and record["active"] is True
    # truncated XML whose parsed part has items keeps them, with a warning
    truncated = feeds[url("/truncated.xml")]
    assert truncated["last_error"] is None and truncated["posts"] >= 1
    assert "malformed" in truncated["warning"]

    with sqlite3.connect(db_path) as conn:
        runs = conn.execute("SELECT count(*), sum(finished_at IS NOT NULL) FROM poll_runs")
        assert runs.fetchone() == (3, 3)
    assert integrity(db_path) == "ok"
    # everything the good feeds say is stored once, with its declared source
    assert {f"https://etag.example/post-{i}/" for i in range(3)} <= stored_posts(db_path)


def test_a_slow_drip_is_cut_off_and_does_not_hold_up_the_others(db_path: Path) -> None:
    drip = lambda r: Reply(200, (b"<" for _ in range(100_000)), delay=0.1)  # noqa: E731
    with FeedServer({"/drip.xml": drip, "/fine.xml": Static(rss("fine"))}) as server:
        run(db_path, "feeds", "add", server.url("/drip.xml"), server.url("/fine.xml"))
        result = run(db_path, "poll", "--timeout", "1")
    assert "1 error," in result.stderr
    feeds = feeds_by_url(db_path)
    assert feeds[server.url("/drip.xml")]["last_error"] == "timed out after 1 s"
    assert feeds[server.url("/fine.xml")]["posts"] == 3


def test_feeds_list_json_has_every_field(db_path: Path, zoo: FeedServer) -> None:
    run(db_path, "feeds", "add", zoo.url("/etag.xml"))
    run(db_path, "poll")
    [record] = run_json(db_path, "feeds", "list", "--json")
    assert {
        "url",
        "title",
        "active",
        "last_status",
        "last_error",
        "warning",
        "consecutive_failures",
        "last_polled_at",
        "next_poll_at",
        "posts",
        "edges",
    } <= set(record)
    assert (record["posts"], record["edges"], record["last_status"]) == (3, 3, 200)


def test_only_due_feeds_are_polled_and_failures_back_off(db_path: Path, zoo: FeedServer) -> None:
    run(db_path, "feeds", "add", zoo.url("/etag.xml"), zoo.url("/error500.xml"))
    run(db_path, "poll")
    second = run(db_path, "poll")
    assert "polled 0 feeds" in second.stderr
    assert len(zoo.requests_for("/etag.xml")) == len(zoo.requests_for("/error500.xml")) == 1
    feeds = feeds_by_url(db_path)
    assert 0.9 < hours_from_now(feeds[zoo.url("/etag.xml")]["next_poll_at"]) <= 1.0
    # make both due again: the next plain poll asks each once more
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE feeds SET next_poll_at = '2000-01-01T00:00:00Z'")
    run(db_path, "poll")
    assert len(zoo.requests_for("/etag.xml")) == len(zoo.requests_for("/error500.xml")) == 2
    assert feeds_by_url(db_path)[zoo.url("/error500.xml")]["consecutive_failures"] == 2


def test_broken_lists_feeds_that_need_a_human(db_path: Path, zoo: FeedServer) -> None:
    run(db_path, "feeds", "add", *[zoo.url(p) for p in ("/etag.xml", "/error500.xml", "/gone.xml")])
    run(db_path, "poll", "--all")
    assert [f["url"] for f in run_json(db_path, "feeds", "list", "--broken", "--json")] == [
        zoo.url("/gone.xml")
    ]
    run(db_path, "poll", "--all")
    run(db_path, "poll", "--all")
    broken = run_json(db_path, "feeds", "list", "--broken", "--json")
    assert [f["url"] for f in broken] == [zoo.url("/error500.xml"), zoo.url("/gone.xml")]
    text = run(db_path, "feeds", "list", "--broken").stdout
    assert "HTTP 500" in text and "(inactive)" in text


def test_activate_polls_a_gone_feed_again(db_path: Path, zoo: FeedServer) -> None:
    run(db_path, "feeds", "add", zoo.url("/gone.xml"))
    run(db_path, "poll", "--all")
    run(db_path, "poll", "--all")
    assert len(zoo.requests_for("/gone.xml")) == 1
    zoo.routes["/gone.xml"] = Static(rss("back"))
    activated = run(db_path, "feeds", "activate", zoo.url("/gone.xml"))
    assert activated.stderr.startswith("activated: ")
    run(db_path, "poll")
    [record] = run_json(db_path, "feeds", "list", "--json")
    assert record["active"] is True and record["posts"] == 3 and record["last_error"] is None
    assert len(zoo.requests_for("/gone.xml")) == 2
    again = run(db_path, "feeds", "activate", zoo.url("/gone.xml"))
    assert again.stderr.startswith("already active, due at the next poll: ")
    run(db_path, "feeds", "activate", "https://unknown.example/feed", code=1)


def test_moved_feed_keeps_history_findable(db_path: Path, zoo: FeedServer) -> None:
    run(db_path, "feeds", "add", zoo.url("/moved.xml"))
    run(db_path, "poll")
    added = run(db_path, "feeds", "add", zoo.url("/moved.xml"))
    assert "already present" in added.stderr
    run(db_path, "poll", "--feed", zoo.url("/moved.xml"))  # the old URL names the feed
    assert len(zoo.requests_for("/moved.xml")) == 1
    assert len(zoo.requests_for("/new-home.xml")) == 2


def test_feed_moving_onto_an_existing_feed_merges(db_path: Path, zoo: FeedServer) -> None:
    run(db_path, "feeds", "add", zoo.url("/new-home.xml"))
    run(db_path, "poll")
    run(db_path, "feeds", "add", zoo.url("/moved.xml"))
    run(db_path, "poll")
    [record] = run_json(db_path, "feeds", "list", "--json")
    assert record["url"] == zoo.url("/new-home.xml")
    assert record["aliases"] == [zoo.url("/moved.xml")] and record["posts"] == 3


def test_new_items_are_added_on_the_next_poll(db_path: Path) -> None:
    feed = Static(rss("live", 2))
    with FeedServer({"/live.xml": feed}) as server:
        run(db_path, "feeds", "add", server.url("/live.xml"))
        run(db_path, "poll", "--all")
        feed.set_body(rss("live", 3))
        second = run(db_path, "poll", "--all")
    assert "1 new post, 1 new edge," in second.stderr
    assert len(stored_posts(db_path)) == 3


def test_per_host_limit_and_limit_option(db_path: Path) -> None:
    slow = lambda r: Reply(200, iter([rss("slow")[:50], rss("slow")[50:]]), delay=0.2)  # noqa: E731
    with FeedServer({f"/s{i}.xml": slow for i in range(8)}) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in server.routes])
        run(db_path, "poll", "--limit", "5", "--concurrency", "10")
        assert len(server.log) == 5
        assert server.max_in_flight == 2  # two at once per host, whatever the concurrency
        run(db_path, "poll")
        assert len(server.log) == 8  # the three left were still due; the five were not


def test_a_busy_host_does_not_starve_the_others(db_path: Path) -> None:
    slow = lambda r: Reply(200, iter([rss("slow")[:50], rss("slow")[50:]]), delay=0.3)  # noqa: E731
    with (
        FeedServer({f"/s{i}.xml": slow for i in range(8)}) as busy,
        FeedServer({"/quick.xml": Static(rss("quick"))}, host="127.0.0.2") as other,
    ):
        run(db_path, "feeds", "add", *[busy.url(p) for p in busy.routes])
        run(db_path, "feeds", "add", other.url("/quick.xml"))  # added last: polled last in order
        run(db_path, "poll", "--concurrency", "3")
        [quick] = other.log
        third_busy = sorted(r.at for r in busy.log)[2]  # starts only once a busy one is done
    assert quick.at < third_busy
    assert busy.max_in_flight == 2


def test_feed_option_polls_only_the_named_feeds(db_path: Path, zoo: FeedServer) -> None:
    run(db_path, "feeds", "add", zoo.url("/etag.xml"), zoo.url("/lastmod.xml"))
    run(db_path, "poll", "--feed", zoo.url("/etag.xml"))
    assert [r.path for r in zoo.log] == ["/etag.xml"]
    unknown = run(db_path, "poll", "--feed", "https://unknown.example/feed", code=1)
    assert "not an active feed" in unknown.stderr


def test_shards_split_the_feeds_disjointly(db_path: Path) -> None:
    with FeedServer({f"/f{i}.xml": Static(rss(f"f{i}", 1)) for i in range(30)}) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in server.routes])
        seen: list[set[str]] = []
        for index in range(3):
            before = len(server.log)
            run(db_path, "poll", "--all", "--shard", f"{index}/3")
            seen.append({r.path for r in server.log[before:]})
    assert sum(len(s) for s in seen) == 30  # each feed polled by exactly one shard
    assert set().union(*seen) == {f"/f{i}.xml" for i in range(30)}
    assert all(len(s) >= 5 for s in seen), seen  # and the split is not lopsided
    bad = run(db_path, "poll", "--shard", "3/3", code=2)
    assert "0 <= I < N" in bad.stderr


def test_shard_pollers_running_at_once_both_finish(db_path: Path) -> None:
    # Two pollers of one SQLite file write at the same time: each must wait its
    # turn for the write lock (busy timeout), never fail with "database is locked".
    routes = {f"/s{i}.xml": Static(rss(f"s{i}", 5)) for i in range(200)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        pollers = [tracer_process(db_path, "poll", "--all", "--shard", f"{i}/2") for i in (0, 1)]
        outputs = [p.communicate(timeout=120) for p in pollers]
        for poller, (_out, errors) in zip(pollers, outputs, strict=True):
            assert poller.returncode == 0, errors
            assert "0 errors" in errors, errors
        assert sorted(r.path for r in server.log) == sorted(routes)
    assert len(stored_posts(db_path)) == 200 * 5
    assert integrity(db_path) == "ok"


def test_a_progress_bar_on_a_terminal_only(db_path: Path) -> None:
    import pty

    with FeedServer({f"/p{i}.xml": Static(rss(f"p{i}", 1)) for i in range(5)}) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in server.routes])
        main, terminal = pty.openpty()
        env = {**os.environ, "TRACER_DB": str(db_path)}
        proc = subprocess.run(
            [sys.executable, "-m", "tracer", "poll", "--all"],
            stderr=terminal, stdout=subprocess.PIPE, env=env, cwd=ROOT, timeout=60, check=True,
        )  # fmt: skip
        os.close(terminal)
        shown = b""
        with contextlib.suppress(OSError):  # EIO once the terminal is closed and drained
            while chunk := os.read(main, 4096):
                shown += chunk
        os.close(main)
        assert proc.stdout == b""
        assert b"polling" in shown and b"100%" in shown, shown
        assert b"polled 5 feeds" in shown
        piped = run(db_path, "poll", "--all")  # not a terminal: the summary line only
        assert piped.stderr.startswith("polled 5 feeds"), piped.stderr


def test_quiet_prints_nothing_unless_a_feed_failed(db_path: Path, zoo: FeedServer) -> None:
    run(db_path, "feeds", "add", zoo.url("/etag.xml"))
    quiet = run(db_path, "poll", "--all", "--quiet")
    assert quiet.stderr == "" and quiet.stdout == ""
    run(db_path, "feeds", "add", zoo.url("/error500.xml"))
    failed = run(db_path, "poll", "--all", "--quiet")
    assert "HTTP 500" in failed.stderr and "1 error," in failed.stderr
    normal = run(db_path, "poll", "--all")
    assert normal.stderr.strip().splitlines()[-1].startswith("polled 2 feeds: 1 not modified")


def test_opml_import_nested_and_export_round_trip(db_path: Path, tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>'
        '<outline text="News"><outline text="RU">'
        '<outline type="rss" text="A" xmlUrl="https://a.example/feed?utm_source=x"/>'
        "</outline>"
        '<outline type="rss" text="B" xmlUrl="http://b.example/rss"/></outline>'
        '<outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/>'
        '<outline text="no url"/></body></opml>'
    )
    imported = run(db_path, "feeds", "import", str(opml), code=1)
    assert "imported 2 feeds, 0 already present, 1 rejected" in imported.stderr
    assert "javascript" in imported.stderr
    again = run(db_path, "feeds", "import", str(opml), code=1)
    assert "imported 0 feeds, 2 already present" in again.stderr
    exported = run(db_path, "feeds", "export", "--format", "opml").stdout
    assert exported.startswith("<?xml") and 'version="2.0"' in exported
    other = tmp_path / "other.db"
    out = tmp_path / "out.opml"
    out.write_text(exported)
    run(other, "feeds", "import", str(out))
    records = run_json(other, "feeds", "list", "--json")
    assert [(f["url"], f["title"]) for f in records] == [
        ("http://b.example/rss", "B"),
        ("https://a.example/feed", "A"),
    ]


def test_opml_with_entities_or_not_opml_is_refused(db_path: Path, tmp_path: Path) -> None:
    lol = tmp_path / "lol.opml"
    lol.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://a.example/f"/></body></opml>'
    )
    assert "entity" in run(db_path, "feeds", "import", str(lol), code=1).stderr
    html = tmp_path / "page.opml"
    html.write_text("<html><body>hi</body></html>")
    assert "not an OPML document" in run(db_path, "feeds", "import", str(html), code=1).stderr
    assert run(db_path, "feeds", "import", str(tmp_path / "missing.opml"), code=1).stderr
    assert not db_path.exists()  # refused before anything was stored


def test_a_file_that_is_not_opml_or_yaml_is_a_one_line_error(db_path: Path, tmp_path: Path) -> None:
    """The parsers' messages without their file-name noise ('(<string>, line 1)') or
    PyYAML's quoted line and caret, which broke the error into four lines."""
    text = tmp_path / "notes.txt"
    text.write_text("plain text\nkey: value: more\n")
    opml = run(db_path, "feeds", "import", str(text), code=1).stderr
    assert opml.splitlines() == [
        f"error: {str(text)!r}: not well-formed XML: Start tag expected, '<' not found,"
        " line 1, column 1"
    ]
    yaml = run(db_path, "outlets", "import", "--format", "yaml", str(text), code=1).stderr
    assert yaml.splitlines() == [
        f"error: {str(text)!r}: not valid YAML: mapping values are not allowed here"
        " (line 2, column 4) (nothing imported)"  # as PyYAML counts
    ]


def test_remove_forgets_the_feed_but_keeps_the_graph(db_path: Path, zoo: FeedServer) -> None:
    run(db_path, "feeds", "add", zoo.url("/etag.xml"))
    run(db_path, "poll")
    run(db_path, "feeds", "remove", zoo.url("/etag.xml"))
    assert run_json(db_path, "feeds", "list", "--json") == []
    assert len(stored_posts(db_path)) == 3
    run(db_path, "feeds", "remove", zoo.url("/etag.xml"), code=1)


@pytest.mark.parametrize(
    "trouble, message",
    [
        ("max_page_count = {pages_plus_2}", "full"),  # the disk fills up mid-run
        ("query_only = ON", "readonly"),  # the database cannot be written at all
    ],
)
def test_unwritable_database_stops_the_run_with_exit_1_and_no_corruption(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, trouble: str, message: str
) -> None:
    with FeedServer({f"/f{i}.xml": Static(rss(f"f{i}", 40)) for i in range(6)}) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in server.routes])
        opened = Store.open

        def troubled(path: str | Path, **options: Any) -> Store:
            store = opened(path, **options)
            pages = store.db.execute("PRAGMA page_count").fetchone()[0]
            store.db.execute("PRAGMA " + trouble.format(pages_plus_2=pages + 2))
            return store

        monkeypatch.setattr(Store, "open", staticmethod(troubled))
        failed = run(db_path, "poll", "--all", code=1)
        assert message in failed.stderr and failed.stderr.startswith("error: ")
        monkeypatch.undo()
        assert integrity(db_path) == "ok"
        run(db_path, "poll")  # the trouble is gone: the next run completes what is due
    assert len(stored_posts(db_path)) == 6 * 40
    assert integrity(db_path) == "ok"


def tracer_process(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TRACER_DB": str(db)}
    return subprocess.Popen(
        [sys.executable, "-m", "tracer", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def wait_for(condition: Any, seconds: float = 60.0) -> None:  # generous: a busy machine
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_second_poll_while_one_runs_exits_0(db_path: Path) -> None:
    drip = lambda r: Reply(200, iter([rss("slow")[:40], rss("slow")[40:]]), delay=1.5)  # noqa: E731
    with FeedServer({"/slow.xml": drip}) as server:
        run(db_path, "feeds", "add", server.url("/slow.xml"))
        first = tracer_process(db_path, "poll", "--all")
        wait_for(lambda: server.log)
        second = run(db_path, "poll", "--all")
        assert second.stderr.strip() == "another poll is running"
        _out, errors = first.communicate(timeout=30)
        assert first.returncode == 0, errors
    assert len(server.log) == 1
    assert len(stored_posts(db_path)) == 3


def test_kill_9_mid_run_leaves_a_consistent_database(db_path: Path) -> None:
    resume = threading.Event()  # the feeds after the first five wait for the kill
    asked = itertools.count()

    def slow(request: Request) -> Reply:
        body = rss(request.path.strip("/").split(".")[0], 20)
        if next(asked) >= 5:
            resume.wait(120)
        return Reply(200, iter([body[:100], body[100:]]), delay=0.2)

    routes = {f"/k{i}.xml": slow for i in range(20)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        victim = tracer_process(db_path, "poll", "--all")
        wait_for(lambda: len(stored_posts(db_path)) >= 40)  # a few feeds are in
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        resume.set()
        assert integrity(db_path) == "ok"
        polled = {f["url"] for f in run_json(db_path, "feeds", "list", "--json") if f["posts"]}
        assert 0 < len(polled) < 20
        rerun = run(db_path, "poll")  # the next run continues with the feeds still due
        assert f"polled {counted(20 - len(polled), 'feed')}:" in rerun.stderr
    assert integrity(db_path) == "ok"
    assert len(stored_posts(db_path)) == 20 * 20
    again = run(db_path, "poll", "--all")  # nothing half-written: a full run is clean too
    assert "0 errors" in again.stderr


def processes_with_env(marker: str) -> list[int]:
    """Pids of live processes whose environment holds ``marker`` (children inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_kill_9_with_worker_processes_leaves_no_orphans_and_a_consistent_database(
    db_path: Path,
) -> None:
    from tracer.parse_server import PROCESS_POOL_MIN_BODIES, PROCESS_POOL_MIN_FEEDS

    feeds = PROCESS_POOL_MIN_FEEDS + 10  # big enough for the parse worker processes

    def slow(request: Request) -> Reply:
        body = rss(request.path.strip("/").split(".")[0], 20)
        return Reply(200, iter([body[:100], body[100:]]), delay=0.3)

    routes = {f"/w{i}.xml": slow for i in range(feeds)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        victim = tracer_process(db_path, "poll", "--all", "--concurrency", "4")
        # some feeds are in, past the body that starts the worker processes
        wait_for(lambda: len(stored_posts(db_path)) >= 20 * (PROCESS_POOL_MIN_BODIES + 3))
        marker = f"TRACER_DB={db_path}"
        assert len(processes_with_env(marker)) >= 3  # the poller, the fork server, workers
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        wait_for(lambda: not processes_with_env(marker), seconds=15)  # workers exit too
        assert integrity(db_path) == "ok"
        polled = {f["url"] for f in run_json(db_path, "feeds", "list", "--json") if f["posts"]}
        assert 0 < len(polled) < feeds
        run(db_path, "poll")  # the next run continues with the feeds still due
    assert integrity(db_path) == "ok"
    assert len(stored_posts(db_path)) == feeds * 20


def test_a_feed_removed_during_a_run_is_skipped_not_fatal(db_path: Path) -> None:
    from tracer.models import FeedChanges, FeedUpdate, PostRecord

    store = Store.open(db_path)
    store.add_feed("https://a.example/feed")
    [feed] = store.feed_states()
    store.remove_feed("https://a.example/feed")  # e.g. `tracer feeds remove` while polling
    post = PostRecord("https://a.example/p", "https://a.example/p", None, None, None)
    assert store.apply(FeedUpdate(feed.id, FeedChanges(last_status=200), posts=[post])) == (0, 0)
    assert store.query("SELECT count(*) AS n FROM posts") == [{"n": 0}]


PROBE_IMPORTS = """
import sys
from tracer.cli import main
try:
    main()
except SystemExit:
    pass
heavy = ["feedparser", "lxml.etree", "tracer.extract", "tracer.vocabulary", "tracer.feeds"]
print(",".join(name for name in heavy if name in sys.modules))
"""


def test_a_poll_without_bodies_never_imports_the_parsers(db_path: Path) -> None:
    feed = Static(rss("quiet", 2))
    with FeedServer({"/quiet.xml": feed}) as server:
        run(db_path, "feeds", "add", server.url("/quiet.xml"))
        run(db_path, "poll", "--all")  # stores the validators

        def poll_in_a_fresh_process() -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-c", PROBE_IMPORTS, "--db", str(db_path), "poll", "--all"],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=60,
                check=False,
            )

        warm = poll_in_a_fresh_process()
        assert "1 not modified" in warm.stderr, warm.stderr
        assert warm.stdout.strip() == ""  # 304: nothing that reads a body was imported
        feed.set_body(rss("quiet", 3))
        changed = poll_in_a_fresh_process()
    assert "1 new post," in changed.stderr, changed.stderr
    assert "tracer.extract" in changed.stdout  # the probe does see imports when a body comes
    assert len(stored_posts(db_path)) == 3


def stored_edges(db: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute("SELECT repost_url, source_url FROM edges"))


def test_worker_processes_store_the_same_as_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracer.parse_server
    import tracer.poll_loop

    routes = {f"/p{i}.xml": Static(rss(f"p{i}", 4)) for i in range(6)}
    with FeedServer(routes) as server:
        results = []
        for minimum in (1, 10_000):  # worker processes, then threads only
            monkeypatch.setattr(tracer.parse_server, "PROCESS_POOL_MIN_FEEDS", minimum)
            db = tmp_path / f"min{minimum}.db"
            run(db, "feeds", "add", *[server.url(p) for p in routes])
            assert "6 feeds: 0 not modified, 24 new posts" in run(db, "poll", "--all").stderr
            results.append((stored_posts(db), stored_edges(db)))
    assert results[0] == results[1]
    assert len(results[0][1]) == 24


class _DeadPool(Executor):
    """A process pool whose worker died: every job fails with BrokenProcessPool."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future


def test_a_dead_parser_process_fails_that_feed_and_the_run_goes_on(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracer.parse_server
    import tracer.poll_loop

    monkeypatch.setattr(tracer.parse_server, "PROCESS_POOL_MIN_FEEDS", 1)
    monkeypatch.setattr(tracer.poll_loop, "_start_process_pool", lambda nice: _DeadPool())
    routes = {f"/d{i}.xml": Static(rss(f"d{i}", 2)) for i in range(4)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        first = run(db_path, "poll", "--all")
        assert "parser process died" in first.stderr
        assert "0 errors" not in first.stderr
        assert len(stored_posts(db_path)) < 8
        monkeypatch.undo()
        again = run(db_path, "poll", "--all")  # nothing half-written: the next run reads all
        assert "0 errors" in again.stderr
    assert integrity(db_path) == "ok"
    assert len(stored_posts(db_path)) == 8


def test_a_big_run_with_few_bodies_parses_them_without_starting_processes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracer.parse_server
    import tracer.poll_loop

    started: list[int] = []
    monkeypatch.setattr(tracer.parse_server, "PROCESS_POOL_MIN_FEEDS", 10)
    monkeypatch.setattr(tracer.poll_loop, "_start_process_pool", lambda nice: started.append(1))
    routes = {f"/few{i}.xml": Static(rss(f"few{i}", 2)) for i in range(20)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        run(db_path, "poll", "--all")  # every feed sends a body: processes are wanted
        assert started == [1]
        for i in range(3):  # then three feeds change; the 17 others answer 304
            routes[f"/few{i}.xml"].set_body(rss(f"few{i}", 3))
        again = run(db_path, "poll", "--all")
        assert "20 feeds: 17 not modified, 3 new posts" in again.stderr
        assert started == [1]  # three bodies: parsed in threads
