"""Proxies and certificates over loopback: poll and resolve through an HTTP proxy (CONNECT
for HTTPS), an outlet served over HTTPS with a certificate from a test CA given only
through SSL_CERT_FILE; NO_PROXY, --proxy, and a clear error for SOCKS without the extra."""

from __future__ import annotations

import importlib.util
import sqlite3
import ssl
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme
from cli_helpers import run
from feedserver import FeedServer, Static
from outlets import feed_citing, meta_time, page
from proxyserver import ProxyServer

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@dataclass
class Setup:
    proxy: ProxyServer
    blog: FeedServer
    outlet: FeedServer
    ca_file: Path
    article: str


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Setup]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    ca = trustme.CA()
    ca_file = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.21").configure_cert(context)
    with ExitStack() as stack:
        proxy = stack.enter_context(ProxyServer())
        blog = FeedServer(host="127.0.0.20")
        outlet = FeedServer(host="127.0.0.21")
        outlet.httpd.socket = context.wrap_socket(outlet.httpd.socket, server_side=True)
        stack.enter_context(blog)
        stack.enter_context(outlet)
        article = f"https://127.0.0.21:{outlet.port}/news/secure/"
        outlet.routes["/robots.txt"] = Static(b"User-agent: *\nDisallow:\n", "text/plain")
        outlet.routes["/news/secure/"] = Static(
            page("Behind TLS", head=meta_time("2019-03-23T10:00:00Z")), "text/html"
        )
        blog.routes["/feed.xml"] = Static(
            feed_citing(blog.url(""), [("p1", article, "2019-03-23T11:00:00Z")])
        )
        yield Setup(proxy, blog, outlet, ca_file, article)


def outcome(db: Path, url: str) -> tuple[str, str | None]:
    row = sqlite3.connect(db).execute("SELECT outcome, error FROM pages WHERE url = ?", [url])
    return row.fetchone()


def test_poll_and_resolve_go_through_the_environment_proxy_with_the_test_ca(
    setup: Setup, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", setup.proxy.url)
    monkeypatch.setenv("HTTPS_PROXY", setup.proxy.url)
    monkeypatch.setenv("SSL_CERT_FILE", str(setup.ca_file))
    run(db_path, "feeds", "add", setup.blog.url("/feed.xml"))
    assert "1 new edge," in run(db_path, "poll", "--all").stderr
    assert setup.blog.url("/feed.xml") in setup.proxy.targets("GET")
    run(db_path, "resolve", "--delay", "0")
    assert outcome(db_path, setup.article) == ("ok", None)
    assert setup.proxy.targets("CONNECT") == [f"127.0.0.21:{setup.outlet.port}"] * len(
        setup.proxy.targets("CONNECT")
    )
    assert setup.proxy.targets("CONNECT")
    assert len(setup.outlet.requests_for("/news/secure/")) == 1
    [row] = sqlite3.connect(db_path).execute("SELECT lag_seconds FROM edges_with_domains")
    assert row == (3600,)


def test_without_the_test_ca_the_certificate_is_refused(
    setup: Setup, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", setup.proxy.url)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    run(db_path, "feeds", "add", setup.blog.url("/feed.xml"))
    run(db_path, "poll", "--all")
    run(db_path, "resolve", "--delay", "0")
    state, error = outcome(db_path, setup.article)
    assert state == "error" and "CERTIFICATE_VERIFY_FAILED" in (error or "")
    assert setup.proxy.targets("CONNECT")  # it did go through the proxy
    assert setup.outlet.requests_for("/news/secure/") == []


def test_no_proxy_is_honoured_and_the_proxy_option_replaces_the_environment(
    setup: Setup, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", setup.proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.20")
    monkeypatch.setenv("SSL_CERT_FILE", str(setup.ca_file))
    run(db_path, "feeds", "add", setup.blog.url("/feed.xml"))
    run(db_path, "poll", "--all")
    assert setup.proxy.log == []  # the feed's host is in NO_PROXY
    monkeypatch.delenv("HTTP_PROXY")
    monkeypatch.delenv("NO_PROXY")
    run(db_path, "resolve", "--delay", "0", "--proxy", setup.proxy.url)
    assert outcome(db_path, setup.article) == ("ok", None)
    assert setup.proxy.targets("CONNECT")


def test_socks_proxy_without_the_extra_is_a_clear_error(db_path: Path) -> None:
    run(db_path, "feeds", "add", "https://blog.example/feed/")  # creates the database
    result = run(db_path, "resolve", "--proxy", "socks5://127.0.0.1:9", code=None)
    if importlib.util.find_spec("socksio") is None:
        assert result.exit_code == 1
        assert "tracer[socks]" in result.stderr
    else:  # the extra is installed: the run works (nothing to resolve)
        assert result.exit_code == 0


@pytest.fixture
def invalid_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """``.invalid`` names fail to resolve at once (RFC 6761), and no other name but
    loopback's is looked up: nothing leaves the machine."""
    import socket

    real = socket.getaddrinfo

    def resolve(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.lower().rstrip(".").endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        assert name in ("127.0.0.1", "::1", "localhost"), name
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def fetched(url: str, proxy: str | None = None) -> BaseException:
    import asyncio

    from tracer.fetch import follow, make_client

    async def go() -> BaseException:
        async with make_client(proxy=proxy) as client:
            try:
                await follow(client, url, timeout=5)
            except Exception as exc:
                return exc
        raise AssertionError("fetched")

    return asyncio.run(go())


def test_a_proxy_whose_name_does_not_resolve_is_not_blamed_on_the_feed(
    invalid_names: None,
) -> None:
    """Through a proxy, the name that failed is the proxy's: the feed's host is not said
    not to resolve (it read 'host 127.0.0.1 does not resolve')."""
    from tracer.exceptions import FetchError, HostNotFound

    failed = fetched("http://127.0.0.1:9/feed", proxy="http://proxy.invalid:3128")
    assert isinstance(failed, FetchError) and not isinstance(failed, HostNotFound)
    assert "127.0.0.1 does not resolve" not in str(failed)


def test_a_host_reached_directly_beside_a_proxy_is_named_when_it_does_not_resolve(
    invalid_names: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracer.exceptions import HostNotFound

    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "nowhere.invalid")
    failed = fetched("http://nowhere.invalid/feed")
    assert isinstance(failed, HostNotFound), failed
    assert "host nowhere.invalid does not resolve" in str(failed)
