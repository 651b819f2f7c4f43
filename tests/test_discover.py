"""`tracer discover` and `tracer feeds add SITE` over loopback: advertised feeds, probed
usual paths, robots.txt, sites that advertise nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import run, run_json
from feedserver import FeedServer, Static
from outlets import feed_citing, page

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
ATOM = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>'


def home(*links: tuple[str, str, str]) -> Static:
    head = "".join(
        f'<link rel="alternate" type="{kind}" title="{title}" href="{href}">'
        for kind, title, href in links
    )
    return Static(page("Home", head=head), "text/html; charset=utf-8")


@dataclass
class Sites:
    blog: FeedServer
    advertised: FeedServer  # home advertises RSS and Atom (one relative href)
    probed: FeedServer  # home advertises nothing; /rss.xml is a feed
    silent: FeedServer  # nothing anywhere
    closed: FeedServer  # robots.txt disallows everything


@pytest.fixture
def sites() -> Iterator[Sites]:
    with ExitStack() as stack:
        servers = [
            stack.enter_context(FeedServer(host=f"127.0.0.{i}")) for i in (1, 30, 31, 32, 33)
        ]
        blog, advertised, probed, silent, closed = servers
        advertised.routes["/"] = home(
            ("application/rss+xml", "Posts", advertised.url("/feed/")),
            ("application/atom+xml", "Atom", "/atom.xml"),
        )
        advertised.routes["/feed/"] = Static(RSS)
        advertised.routes["/atom.xml"] = Static(ATOM)
        probed.routes["/"] = home()
        probed.routes["/feed/"] = Static(page("Not a feed"), "text/html")  # an HTML 200
        probed.routes["/rss.xml"] = Static(RSS)
        silent.routes["/"] = home()
        closed.routes["/robots.txt"] = Static(b"User-agent: *\nDisallow: /\n", "text/plain")
        closed.routes["/"] = home(("application/rss+xml", "Hidden", "/feed/"))
        items = [
            (f"p{i}", s.url(f"/news/{i}"), "2019-03-23T11:00:00Z")
            for i, s in enumerate(servers[1:])
        ]
        items.append(("p9", advertised.url("/news/9"), "2019-03-23T11:00:00Z"))
        blog.routes["/feed.xml"] = Static(feed_citing(blog.url(""), items))
        yield Sites(*servers)


def test_discover_lists_and_adds_the_feeds_of_unpolled_domains(sites: Sites, db_path: Path) -> None:
    run(db_path, "feeds", "add", sites.blog.url("/feed.xml"))
    run(db_path, "poll", "--all")
    rows = {r["domain"]: r for r in run_json(db_path, "discover", "--json", "--delay", "0")}
    assert set(rows) == {"127.0.0.30", "127.0.0.31", "127.0.0.32", "127.0.0.33"}
    advertised = rows["127.0.0.30"]
    assert advertised["reposts"] == 2 and advertised["home"] == sites.advertised.url("/")
    assert [(f["url"], f["how"]) for f in advertised["feeds"]] == [
        (sites.advertised.url("/feed/"), "advertised"),
        (sites.advertised.url("/atom.xml"), "advertised"),
    ]
    assert [(f["url"], f["how"]) for f in rows["127.0.0.31"]["feeds"]] == [
        (sites.probed.url("/rss.xml"), "probed")
    ]
    # probing stops at the first feed and never asks for the others
    assert sites.probed.requests_for("/index.xml") == []
    assert rows["127.0.0.32"]["feeds"] == [] and "advertises no feed" in rows["127.0.0.32"]["error"]
    assert rows["127.0.0.33"]["feeds"] == [] and sites.closed.requests_for("/") == []
    assert len(sites.advertised.requests_for("/robots.txt")) == 1

    result = run(db_path, "discover", "--add", "--limit", "2", "--delay", "0")
    assert "3 feeds added" in result.stderr  # 127.0.0.30 (two reposts), then 127.0.0.31
    assert "discover: 2 of 4 unpolled domains, 2 with feeds" in result.stderr  # not "2 unpolled"
    header, first = result.stdout.splitlines()[:2]
    assert header == "reposts\tdomain\tfeeds"
    assert first.startswith(f"2\t127.0.0.30\t{sites.advertised.url('/feed/')}")
    feeds = {row["url"] for row in run_json(db_path, "feeds", "list", "--json")}
    assert sites.advertised.url("/feed/") in feeds and sites.advertised.url("/atom.xml") in feeds
    # the added domains are polled now: discover no longer lists them
    run(db_path, "poll", "--all")
    left = {r["domain"] for r in run_json(db_path, "discover", "--json", "--delay", "0")}
    assert "127.0.0.30" not in left


def test_feeds_add_a_site_adds_what_it_advertises(sites: Sites, db_path: Path) -> None:
    result = run(db_path, "feeds", "add", sites.advertised.url("/"))
    assert f"added: {sites.advertised.url('/feed/')}" in result.stderr
    assert f"added: {sites.advertised.url('/atom.xml')}" in result.stderr
    probed = run(db_path, "feeds", "add", sites.probed.url(""))
    assert f"added: {sites.probed.url('/rss.xml')} (probed" in probed.stderr
    silent = run(db_path, "feeds", "add", sites.silent.url("/"), code=1)
    assert sites.silent.url("/") in silent.stderr and "advertises no feed" in silent.stderr
    page_url = sites.advertised.url("/")
    again = run(db_path, "feeds", "add", "--discover", page_url)
    assert "already present" in again.stderr
    urls = {row["url"] for row in run_json(db_path, "feeds", "list", "--json")}
    assert urls == {
        sites.advertised.url("/feed/"),
        sites.advertised.url("/atom.xml"),
        sites.probed.url("/rss.xml"),
    }


def test_feeds_add_a_root_that_is_a_feed_adds_it(sites: Sites, db_path: Path) -> None:
    sites.silent.routes["/"] = Static(RSS)
    result = run(db_path, "feeds", "add", sites.silent.url("/"))
    assert f"added: {sites.silent.url('/')} (the page itself)" in result.stderr


def test_a_home_page_is_read_in_the_charset_its_server_gives(db_path: Path) -> None:
    """No ``<meta charset>``: the header's charset decides the feed's title and address."""
    home = (
        "<html><head><link rel='alternate' type='application/rss+xml' title='Новости'"
        " href='/новости/feed/'></head><body>Главная</body></html>"
    )
    with ExitStack() as stack:
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        site = stack.enter_context(FeedServer(host="127.0.0.34"))
        site.routes["/"] = Static(home.encode("cp1251"), "text/html; charset=windows-1251")
        cited = [("p1", site.url("/news/1"), "2019-03-23T11:00:00Z")]
        blog.routes["/feed.xml"] = Static(feed_citing(blog.url(""), cited))
        run(db_path, "feeds", "add", blog.url("/feed.xml"))
        run(db_path, "poll", "--all")
        rows = run_json(db_path, "discover", "--json", "--delay", "0")
    assert [(f["url"], f["title"]) for f in rows[0]["feeds"]] == [
        (site.url("/новости/feed/"), "Новости")
    ]


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The process's resolver answers ``.invalid`` names at once with "no such name", as
    RFC 6761 (6.4) asks resolvers to (the system's would ask its DNS server), and fails
    the test on any name but loopback's; no proxy from the environment. The names asked
    are returned. Nothing leaves the machine."""
    import socket

    real = socket.getaddrinfo
    asked: list[str] = []

    def resolve(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host)
        asked.append(name)
        if name.lower().rstrip(".").endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if name not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"a lookup of {name!r} would leave the machine")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.lower(), raising=False)
    return asked


def test_a_host_that_does_not_resolve_is_named_as_such(
    loopback_only: list[str], db_path: Path
) -> None:
    """`feeds add SITE` and `poll` on a name that does not resolve say so (it read
    'robots.txt unreachable: cannot connect: [Errno -2] …')."""
    added = run(db_path, "feeds", "add", "https://nowhere.invalid/", code=1).stderr
    assert added.splitlines() == [
        "error: https://nowhere.invalid/: host nowhere.invalid does not resolve"
        " (DNS: Name or service not known)"
    ]
    run(db_path, "feeds", "add", "https://feeds.nowhere.invalid/rss")  # no request
    polled = run(db_path, "poll", "--all").stderr
    assert (
        "feed error: https://feeds.nowhere.invalid/rss: host feeds.nowhere.invalid does not"
        " resolve (DNS: Name or service not known)"
    ) in polled
    [feed] = run_json(db_path, "feeds", "list", "--json")
    assert feed["last_error"].startswith("host feeds.nowhere.invalid does not resolve")
    assert set(loopback_only) == {"nowhere.invalid", "feeds.nowhere.invalid"}


def test_feeds_add_a_site_checks_the_database_before_any_request(
    loopback_only: list[str], tmp_path: Path
) -> None:
    """A --db in a folder that does not exist fails at once: the site is not read first
    (only to be told afterwards that nothing can be stored)."""
    db = tmp_path / "typo" / "t.db"
    failed = run(db, "feeds", "add", "https://nowhere.invalid/", code=1).stderr
    assert failed.startswith(f"error: no folder {str(db.parent)!r}")
    assert loopback_only == []  # no name was looked up: no request began
