"""tracer.pooled: a GET sent straight to the pool is the request httpx would send.

A raw loopback server records the bytes of each request; the same client
sends once through httpx's client layer and once directly, and the bytes
must match. Cookies set by a server come back as httpx would send them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from tracer.fetch import make_client
from tracer.httpx_lean import httpx
from tracer.pooled import Answer, PooledClient, send

Handler = Callable[[bytes], bytes]


async def serve_raw(reply: Handler, requests: list[bytes]) -> asyncio.Server:
    """A server that records each request's head and answers ``reply(head)``."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                requests.append(head)
                writer.write(reply(head))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def not_modified(_head: bytes) -> bytes:
    return b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n'


def run_with_server(
    reply: Handler, body: Callable[[str, httpx.AsyncClient], Awaitable[list[Answer]]]
) -> tuple[list[bytes], list[Answer]]:
    requests: list[bytes] = []

    async def go() -> list[Answer]:
        server = await serve_raw(reply, requests)
        port = server.sockets[0].getsockname()[1]
        try:
            async with make_client() as client:
                return await body(f"http://127.0.0.1:{port}", client)
        finally:
            server.close()
            await server.wait_closed()

    answers = asyncio.run(go())
    return requests, answers


def test_a_direct_get_sends_the_bytes_httpx_sends() -> None:
    validators = {"If-None-Match": '"v1"', "If-Modified-Since": "Sat, 23 Mar 2019 12:00:00 GMT"}
    timeout = httpx.Timeout(5)

    async def both(base: str, client: httpx.AsyncClient) -> list[Answer]:
        assert isinstance(client, PooledClient)
        url = base + "/feeds/0.xml?a=1&b=%C3%A9"
        through_httpx = await client.send(
            client.build_request("GET", url, headers=validators, timeout=timeout), stream=True
        )
        await through_httpx.aclose()
        direct = await send(client, url, validators, timeout)
        await direct.aclose()
        return [direct]

    (by_httpx, by_pool), [answer] = run_with_server(not_modified, both)
    assert by_pool == by_httpx
    assert by_pool.startswith(b"GET /feeds/0.xml?a=1&b=%C3%A9 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert answer.status_code == 304 and answer.headers["etag"] == '"v1"'


def test_a_cookie_set_on_a_direct_answer_is_sent_as_httpx_would() -> None:
    def set_once(head: bytes) -> bytes:
        cookie = b"" if b"cookie:" in head.lower() else b"Set-Cookie: session=abc; Path=/\r\n"
        return b"HTTP/1.1 204 No Content\r\n" + cookie + b"\r\n"

    async def twice(base: str, client: httpx.AsyncClient) -> list[Answer]:
        answers = []
        for path in ("/a", "/b"):
            answer = await send(client, base + path, None, httpx.Timeout(5))
            await answer.aclose()
            answers.append(answer)
        return answers

    (first, second), answers = run_with_server(set_once, twice)
    assert b"cookie:" not in first.lower()
    assert b"\r\nCookie: session=abc\r\n" in second
    assert [a.status_code for a in answers] == [204, 204]


def test_a_closed_client_refuses_as_httpx_does() -> None:
    async def go() -> str:
        client = make_client()
        await client.aclose()
        with pytest.raises(RuntimeError) as refused:
            await send(client, "http://127.0.0.1:9/f.xml", None, httpx.Timeout(5))
        return str(refused.value)

    assert "client has been closed" in asyncio.run(go())


URL_SHAPES = [
    "http://127.0.0.1:8080/feeds/1.xml",
    "http://127.0.0.17/feeds/16.atom?page=2&x=a:b@c/d?e",
    "https://blog.example/feed/",
    "https://blog.example:443/feed/",
    "http://blog.example:80/",
    "https://blog.example:8443/a;b=c/(d)!$*+,'~",
    "http://agg.example/rss?",
    "http://a-b.c-d.example/x.y/z-_~",
    "http://0.0.0.0/",
    "http://255.255.255.255/",
    "http://1.2.3.4.5/",
    "http://blog..example/",
    "http://-blog.example/",
    "http://blog.example:65535/",
    "http://blog.example:99999/",
]
NOT_PLAIN = [
    "https://Blog.Example/feed/",
    "HTTP://blog.example/feed/",
    "http://blog.example/a/../b",
    "http://blog.example/a/./b",
    "http://blog.example/a/..",
    "http://blog.example/%41",
    "http://blog.example/a b",
    "http://blog.example/é",
    "http://blog.example",
    "http://blog.example:080/",
    "http://blog.example/feed#top",
    "http://user:pw@blog.example/",
    "http://[::1]:8080/",
    "http://bücher.example/",
    "http://256.1.1.1/",
    "http://01.2.3.4/",
    "ftp://blog.example/",
    "http://blog.example/[x]",
]


@pytest.mark.parametrize("url", URL_SHAPES)
def test_a_plain_url_is_read_as_httpx_reads_it(url: str) -> None:
    from tracer.pooled import _parsed_target, plain_target

    assert plain_target(url) is not None
    assert plain_target(url) == _parsed_target(url)


@pytest.mark.parametrize("url", NOT_PLAIN)
def test_any_other_url_is_left_to_httpx(url: str) -> None:
    from tracer.pooled import plain_target

    assert plain_target(url) is None


def test_dot_segments_in_the_query_are_plain() -> None:
    from tracer.pooled import _parsed_target, plain_target

    url = "http://blog.example/feed?next=../x/./y"
    assert plain_target(url) is not None and plain_target(url) == _parsed_target(url)
