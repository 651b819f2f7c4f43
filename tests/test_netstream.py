"""tracer.netstream (httpcore on asyncio streams) against httpx's own transport (anyio).

Over loopback: HTTPS with a certificate from a test CA, connections kept
alive across TLS, an idle connection the server closed, and every failure
(refused, unknown CA, a body cut short) read the same through both, so a
feed's error message does not depend on the backend.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator

import pytest
import trustme
from feedserver import FeedServer, Static

from tracer.exceptions import FetchError
from tracer.fetch import fetch_feed, make_client
from tracer.httpx_lean import httpx
from tracer.models import FetchResult
from tracer.pooled import PooledClient

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_server(ca: trustme.CA) -> Iterator[FeedServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = FeedServer({"/f.xml": Static(FEED)})
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    with server:
        yield server


def trusting(ca: trustme.CA | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca is not None:
        ca.configure_trust(context)
    return context


def outcome_both_ways(url: str, verify: ssl.SSLContext | bool = True) -> list[str]:
    """The result (or error message) of fetching ``url`` with our pool, then with httpx's."""

    async def go() -> list[str]:
        out = []
        plain = httpx.AsyncClient(headers={"Accept-Encoding": "gzip, deflate"}, verify=verify)
        async with make_client(verify=verify) as ours, plain:
            assert isinstance(ours, PooledClient) and not isinstance(plain, PooledClient)
            for client in (ours, plain):
                try:
                    result = await fetch_feed(client, url, timeout=5)
                    out.append(f"{result.status} {result.body!r}")
                except FetchError as exc:
                    out.append(str(exc))
        return out

    return asyncio.run(go())


def test_https_with_the_test_ca_and_connections_kept_alive(
    https_server: FeedServer, ca: trustme.CA
) -> None:
    url = https_server.url("/f.xml").replace("http://", "https://")

    async def go() -> list[FetchResult]:
        async with make_client(verify=trusting(ca)) as client:
            first = await fetch_feed(client, url)
            again = [await fetch_feed(client, url, etag=first.etag) for _ in range(3)]
            return [first, *again]

    results = asyncio.run(go())
    assert [r.status for r in results] == [200, 304, 304, 304]
    assert results[0].body == FEED
    assert len({r.connection for r in https_server.log}) == 1  # one TLS connection for all


def test_an_unknown_ca_fails_alike(https_server: FeedServer) -> None:
    url = https_server.url("/f.xml").replace("http://", "https://")
    ours, theirs = outcome_both_ways(url, verify=trusting(None))
    assert "cannot connect" in ours and "CERTIFICATE_VERIFY_FAILED" in ours
    assert ours == theirs


def test_nothing_listening_fails_alike() -> None:
    ours, theirs = outcome_both_ways("http://127.0.0.1:9/feed")
    assert ours == theirs
    assert ours.endswith(": cannot connect: All connection attempts failed")


async def serve_raw(answer: bytes) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()  # after one answer, whatever it promised

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def outcome_from_raw_server(answer: bytes, fetches: int = 1) -> list[list[str]]:
    async def go() -> list[list[str]]:
        server = await serve_raw(answer)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/f.xml"
        try:
            results = []
            for make in (make_client, lambda: httpx.AsyncClient()):
                async with make() as client:
                    out = []
                    for _ in range(fetches):
                        try:
                            result = await fetch_feed(client, url, timeout=5)
                            out.append(f"{result.status} {result.body!r}")
                        except FetchError as exc:
                            out.append(str(exc).replace(url, "URL"))
                        await asyncio.sleep(0.05)  # the server's close arrives
                    results.append(out)
            return results
        finally:
            server.close()
            await server.wait_closed()

    return asyncio.run(go())


def test_a_body_cut_short_fails_alike() -> None:
    ours, theirs = outcome_from_raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + FEED[:10]
    )
    assert ours == theirs
    assert "RemoteProtocolError" in ours[0]


def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    ours, theirs = outcome_from_raw_server(
        b'HTTP/1.1 304 Not Modified\r\nETag: "1"\r\n\r\n', fetches=3
    )
    assert ours == theirs == ["304 None"] * 3
