# ruff: noqa: E501  (tables of HTML forms read better one per line)
"""The issue's goals, measured over loopback on generated outlets (our own text):

- of the edges whose origin page states a publication time (in any of the forms
  we read), >= 0.95 get a lag, each right to the second; no lag where the page
  gives no time;
- `discover` finds >= 0.95 of the feeds that unpolled sites advertise.

Each test prints its figure (run with ``-s`` to see it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from cli_helpers import run, run_json, sql_rows
from feedserver import FeedServer, Reply, Static
from outlets import feed_citing, page

from tracer.timeutil import format_time

BASE = datetime(2019, 3, 23, 8, 0, 0, tzinfo=UTC)


def offset(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


# Each form: moment -> (head, body) stating it, as outlets write it.
DATED: list[Callable[[datetime], tuple[str, str]]] = [
    lambda m: (f'<meta property="article:published_time" content="{m.astimezone(offset(3)).isoformat()}">', ""),
    lambda m: (f'<meta name="article:published_time" content="{m.strftime("%Y-%m-%dT%H:%M:%S.000Z")}">', ""),
    lambda m: (
        '<script type="application/ld+json">'
        + json.dumps({"@context": "https://schema.org", "@graph": [
            {"@type": "BreadcrumbList"},
            {"@type": "NewsArticle", "datePublished": m.astimezone(offset(-5)).isoformat()},
        ]})
        + "</script>",
        "",
    ),
    lambda m: (
        '<script type="application/ld+json">{"@type": "Organization", "name": "x"}</script>'
        '<script type="application/ld+json">[{"@type": "NewsArticle", "datePublished": "'
        + m.astimezone(offset(5.5)).strftime("%Y-%m-%dT%H:%M:%S%z")
        + '"}]</script>',
        "",
    ),
    lambda m: ('<script type="application/ld+json">{"@type": "Article",\n "datePublished": "'
               + m.strftime("%Y-%m-%dT%H:%M:%SZ") + '",\n}</script>', ""),  # trailing comma
    lambda m: ("", f'<meta itemprop="datePublished" content="{m.astimezone(offset(1)).isoformat()}">'),
    lambda m: ("", f'<p class="byline"><time datetime="{m.astimezone(offset(2)).isoformat()}" pubdate>'
                   "23 March</time></p>"),
    lambda m: (f'<meta property="article:published_time" content="{m.strftime("%a, %d %b %Y %H:%M:%S +0000")}">', ""),
]  # fmt: skip

UNDATED: list[tuple[str, str]] = [
    ("", ""),
    ("", '<time datetime="2019-03-23">23 March</time>'),  # a day is not a time
    ('<meta property="article:modified_time" content="2019-03-24T10:00:00Z">', ""),
]


def test_lag_for_every_dated_origin_right_to_the_second(target: str) -> None:
    db_path = target  # a SQLite file, then PostgreSQL
    hosts, per_host = 6, 40
    truth: dict[str, int | None] = {}  # post URL -> expected lag
    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        short = stack.enter_context(FeedServer(host="127.0.0.40"))
        items = []
        for h in range(hosts):
            outlet = stack.enter_context(FeedServer(host=f"127.0.0.{41 + h}"))
            for i in range(per_host):
                n = h * per_host + i
                moment = BASE + timedelta(minutes=7 * n, seconds=n % 60)
                post_time = moment + timedelta(hours=1 + n % 5, seconds=n % 13)
                dated = n % 5 != 4
                if dated:
                    head, body = DATED[n % len(DATED)](moment)
                else:
                    head, body = UNDATED[n % len(UNDATED)]
                outlet.routes[f"/story/{n}"] = Static(
                    page(f"Story {n}", head=head, body=body), "text/html"
                )
                cited = outlet.url(f"/story/{n}")
                if n % 3 == 0:  # every third citation goes through a shortener
                    short.routes[f"/{n}"] = lambda _r, to=cited: Reply(301, b"", {"Location": to})
                    cited = short.url(f"/{n}")
                name = f"post{n}"
                items.append((name, cited, format_time(post_time)))
                truth[blog.url(f"/{name}/")] = (
                    int((post_time - moment).total_seconds()) if dated else None
                )
        blog.routes["/feed.xml"] = Static(feed_citing(blog.url(""), items))
        run(db_path, "feeds", "add", blog.url("/feed.xml"))
        run(db_path, "poll", "--all")
        run(db_path, "resolve", "--delay", "0", "--concurrency", "20")
    got = dict(sql_rows(db_path, "SELECT repost_url, lag_seconds FROM edges_with_domains"))
    exported = {
        e["repost_url"]: e["lag_seconds"]
        for e in map(json.loads, run(db_path, "export", "-f", "jsonl").stdout.splitlines())
    }
    dated_posts = [url for url, lag in truth.items() if lag is not None]
    right = sum(got[url] == truth[url] == exported[url] for url in dated_posts)
    invented = [url for url, lag in truth.items() if lag is None and got[url] is not None]
    share = right / len(dated_posts)
    print(
        f"\nlag goal: {right}/{len(dated_posts)} dated origins = {share:.3f} exact, {len(invented)} invented"
    )
    assert share >= 0.95
    assert invented == []


def test_discover_finds_the_advertised_feeds(db_path: Path) -> None:
    def head_links(n: int, server: FeedServer) -> tuple[str, list[str]]:
        """A home page's <head> advertising feeds in one of the ways sites do it, and their URLs."""
        root = server.url("")
        forms = [
            (f'<link rel="alternate" type="application/rss+xml" title="Feed" href="{root}/feed/">', ["/feed/"]),
            ('<link rel="alternate" type="application/atom+xml" href="/atom.xml">', ["/atom.xml"]),
            ('<link type="application/rss+xml" rel="alternate" href="rss.xml">'
             '<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/feed/">',
             ["/rss.xml", "/comments/feed/"]),
            (f'<link rel="Alternate" type="application/rss+xml; charset=UTF-8" href="{root}/index.xml">', ["/index.xml"]),
            (f'<link rel="alternate" type="text/xml" title="RSS" href="//{root.split("//")[1]}/news.rss">', ["/news.rss"]),
            ('<base href="/blog/"><link rel="alternate" type="application/rss+xml" href="feed.xml">', ["/blog/feed.xml"]),
        ]  # fmt: skip
        head, paths = forms[n % len(forms)]
        return head, [root + p for p in paths]

    advertised: set[str] = set()
    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        items = []
        for n in range(36):
            site = stack.enter_context(FeedServer(host=f"127.0.0.{60 + n}"))
            head, feeds = head_links(n, site)
            site.routes["/"] = Static(page("Home", head=head), "text/html")
            advertised.update(feeds)
            items.append((f"p{n}", site.url(f"/2019/03/{n}/"), "2019-03-23T11:00:00Z"))
        blog.routes["/feed.xml"] = Static(feed_citing(blog.url(""), items))
        run(db_path, "feeds", "add", blog.url("/feed.xml"))
        run(db_path, "poll", "--all")
        rows = run_json(db_path, "discover", "--json", "--delay", "0", "--concurrency", "20")
    found = {feed["url"] for row in rows for feed in row["feeds"]}
    share = len(found & advertised) / len(advertised)
    print(
        f"\ndiscover goal: {len(found & advertised)}/{len(advertised)} advertised feeds = {share:.3f}"
    )
    assert share >= 0.95
    assert found <= advertised  # nothing that was not advertised
