"""Connections kept alive across a run's requests, over loopback (tracer.fetch.Clients).

A poll where most feeds answer 304 sends many small requests to the same
hosts: each should not pay for a new connection. Answers without a body are
ended so their connection is reused; a body tracer does not keep is never
read (nobody waits for it): its connection is closed.
"""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import run
from feedserver import FeedServer, Reply, Static

from tracer.fetch import Clients, fetch_feed, make_client
from tracer.models import FetchResult

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
ROOT = Path(__file__).resolve().parent.parent


def fetch_in_turn(requests: list[tuple[str, dict[str, str]]]) -> list[FetchResult]:
    """Fetch each (url, validators) one after the other with one set of clients."""

    async def go() -> list[FetchResult]:
        async with Clients() as clients:
            return [
                await fetch_feed(clients.for_url(url), url, client_for=clients.for_url, **kw)
                for url, kw in requests
            ]

    return asyncio.run(go())


def test_304s_and_200s_in_turn_share_one_connection() -> None:
    feeds = {f"/f{i}.xml": Static(FEED + b"<!-- %d -->" % i) for i in range(4)}
    with FeedServer(feeds) as server:
        urls = [server.url(path) for path in feeds]
        first = fetch_in_turn([(url, {}) for url in urls])
        again = [(url, {"etag": r.etag or ""}) for url, r in zip(urls, first, strict=True)]
        second = fetch_in_turn(again * 2)
        connections = [r.connection for r in server.log]
    assert [r.status for r in first] == [200] * 4
    assert [r.status for r in second] == [304] * 8 and all(r.body is None for r in second)
    assert len(set(connections[4:])) == 1  # 8 requests after a 304 each: one connection


def test_an_empty_redirect_reuses_its_connection() -> None:
    routes = {
        "/old.xml": lambda r: Reply(301, b"", {"Location": "/new.xml"}),
        "/new.xml": Static(FEED),
    }
    with FeedServer(routes) as server:
        [result] = fetch_in_turn([(server.url("/old.xml"), {})])
        old, new = server.log
    assert result.status == 200 and result.body == FEED
    assert result.permanent_url == server.url("/new.xml")
    assert old.connection == new.connection


def test_a_body_we_do_not_keep_is_never_read() -> None:
    def drip(_request: object) -> Reply:  # a 404 page of unknown length, one chunk a second
        return Reply(404, iter([b"x" * 100] * 30), delay=1.0)

    routes = {
        "/drip": drip,
        "/small": lambda r: Reply(410, b"gone"),
        "/moved": lambda r: Reply(302, b"see /f.xml", {"Location": "/f.xml"}),
        "/f.xml": Static(FEED),
    }
    with FeedServer(routes) as server:
        started = time.monotonic()
        dripped, gone, moved = fetch_in_turn(
            [(server.url("/drip"), {}), (server.url("/small"), {}), (server.url("/moved"), {})]
        )
        took = time.monotonic() - started
        connections = [r.connection for r in server.log]
    assert (dripped.status, gone.status, moved.status) == (404, 410, 200)
    assert dripped.body is None and gone.body is None and moved.body == FEED
    assert took < 12  # the dripping body (30 s) was left, not read (12: a busy machine)
    assert len(set(connections)) == 4  # no body was read: each connection was closed


def test_clients_split_hosts_but_keep_one_client_per_host() -> None:
    async def go() -> tuple[bool, int, bool]:
        async with Clients(shards=4) as clients:
            same = clients.for_url("http://a.example/1") is clients.for_url("http://A.example/2")
            for i in range(40):
                clients.for_url(f"https://host{i}.example/feed")
            made = len({id(c) for (tls, _), c in clients._clients.items() if tls})
            bad = clients.for_url("http://[::1/") is not None  # an invalid URL still gets one
            return same, made, bad

    same, made, bad = asyncio.run(go())
    assert same and made == 4 and bad


def test_make_client_keepalive_defaults_to_its_connections() -> None:
    async def go() -> tuple[int, int]:
        async with make_client(7) as one, make_client(7, keepalive=2) as two:
            pools = [c._transport._pool for c in (one, two)]  # type: ignore[attr-defined]
            return pools[0]._max_keepalive_connections, pools[1]._max_keepalive_connections

    assert asyncio.run(go()) == (7, 2)


def test_a_warm_poll_of_one_host_opens_at_most_its_per_host_limit(db_path: Path) -> None:
    feeds = {f"/f{i}.xml": Static(FEED + b"<!-- %d -->" % i) for i in range(12)}
    with FeedServer(feeds) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in feeds])
        run(db_path, "poll", "--all")
        server.log.clear()
        warm = run(db_path, "poll", "--all", "--concurrency", "8")
        connections = {r.connection for r in server.log}
    assert "12 not modified" in warm.stderr
    assert len(server.log) == 12
    assert len(connections) <= 2  # PER_HOST_LIMIT connections, each reused


def test_importing_fetch_leaves_out_httpx_command_line_client() -> None:
    probe = (
        "import sys, tracer.fetch, httpx;"
        "print(sorted(m for m in ('rich', 'click', 'pygments') if m in sys.modules));"
        "sys.argv = ['httpx', '--help'];"
        "httpx.main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False
    )
    first, _, rest = done.stdout.partition("\n")
    assert first == "[]"  # not imported by tracer
    assert done.returncode == 0 and "HTTPX" in rest  # httpx.main() still works when called


def context_of(client: object) -> ssl.SSLContext:
    return client._transport._pool._ssl_context  # type: ignore[attr-defined,no-any-return]


def test_plain_http_builds_no_tls_context_and_its_clients_trust_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for scheme in ("HTTP", "HTTPS", "ALL"):
        monkeypatch.delenv(f"{scheme}_PROXY", raising=False)
        monkeypatch.delenv(f"{scheme.lower()}_proxy", raising=False)

    async def go() -> tuple[bool, ssl.SSLContext, ssl.SSLContext, ssl.SSLContext]:
        async with Clients() as clients:
            plain = context_of(clients.for_url("http://a.example/feed"))
            untouched = clients._trusted is None
            secure = context_of(clients.for_url("https://a.example/feed"))
            other = context_of(clients.for_url("https://b.example/feed"))
            return untouched, plain, secure, other

    untouched, plain, secure, other = asyncio.run(go())
    assert untouched  # the CA bundle is read only once an https URL comes
    assert plain.verify_mode == ssl.CERT_REQUIRED and plain.check_hostname
    assert plain.cert_store_stats()["x509_ca"] == 0  # any TLS through it fails, never passes
    assert secure is other and secure.cert_store_stats()["x509_ca"] > 0


def test_with_a_proxy_plain_http_clients_verify_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "https://proxy.invalid:3128")  # TLS to the proxy itself

    async def go() -> ssl.SSLContext:
        async with Clients() as clients:
            return context_of(clients.for_url("http://a.example/feed"))

    assert asyncio.run(go()).cert_store_stats()["x509_ca"] > 0
