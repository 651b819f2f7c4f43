"""tracer.fetch against a real loopback server: headers, redirects, caps, decoding, deadlines."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import re
import zlib
from collections.abc import Callable

import pytest
from feedserver import FeedServer, Reply, Static

from tracer import __version__
from tracer.defaults import MAX_REDIRECTS
from tracer.exceptions import FetchError
from tracer.fetch import fetch_feed, make_client
from tracer.models import FetchResult

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def fetch(url: str, **kwargs: object) -> FetchResult:
    async def go() -> FetchResult:
        async with make_client() as client:
            return await fetch_feed(client, url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


def redirect(status: int, to: str) -> Reply:
    return Reply(status, b"", {"Location": to})


def test_sends_honest_user_agent_accept_and_validators() -> None:
    with FeedServer({"/f": Static(FEED)}) as server:
        first = fetch(server.url("/f"))
        second = fetch(server.url("/f"), etag=first.etag, last_modified=first.last_modified)
        [plain, conditional] = server.requests_for("/f")
    assert first.status == 200 and first.body == FEED and first.etag
    assert second.status == 304 and second.body is None
    assert re.fullmatch(
        rf"tracer/{re.escape(__version__)} \(\+https?://\S+\)", plain.headers["user-agent"]
    )
    assert "application/rss+xml" in plain.headers["accept"]
    assert "application/atom+xml" in plain.headers["accept"]
    assert plain.headers["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in plain.headers
    assert conditional.headers["if-none-match"] == first.etag
    assert conditional.headers["if-modified-since"] == first.last_modified


@pytest.mark.parametrize(
    "encoding, encode",
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),  # RFC: zlib-wrapped
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # what many servers send: raw
    ],
)
def test_compressed_bodies_are_decoded(encoding: str, encode: Callable[[bytes], bytes]) -> None:
    body = FEED * 100
    routes = {"/z": lambda r: Reply(200, encode(body), {"Content-Encoding": encoding})}
    with FeedServer(routes) as server:
        assert fetch(server.url("/z")).body == body


def test_gzip_bomb_stops_at_the_cap_after_decompression() -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))  # 50 MB inflated, ~50 KB on the wire
    routes = {"/bomb": lambda r: Reply(200, bomb, {"Content-Encoding": "gzip"})}
    with FeedServer(routes) as server, pytest.raises(FetchError, match="over the cap of 1048576"):
        fetch(server.url("/bomb"), max_bytes=1024 * 1024)


def test_body_at_the_cap_passes_and_one_byte_more_fails() -> None:
    routes = {"/exact": Static(b"x" * 1000), "/over": Static(b"x" * 1001)}
    with FeedServer(routes) as server:
        assert len(fetch(server.url("/exact"), max_bytes=1000).body or b"") == 1000
        with pytest.raises(FetchError, match="1001 bytes is over the cap of 1000"):
            fetch(server.url("/over"), max_bytes=1000)


def test_endless_chunked_body_is_cut_at_the_default_cap() -> None:
    sent = itertools.count()

    def endless(request: object) -> Reply:
        def chunks():
            for _ in range(100_000):  # up to 6.4 GB if nobody stopped reading
                next(sent)
                yield b"<item>" + b"x" * 65_530

        return Reply(200, chunks(), {"Content-Type": "application/rss+xml"})

    with (
        FeedServer({"/big": endless}) as server,
        pytest.raises(FetchError, match="over the cap of 10485760 bytes"),
    ):
        fetch(server.url("/big"))
    assert next(sent) < 1000  # the server was stopped long before the end


def test_unsupported_content_encoding_is_an_error() -> None:
    routes = {"/br": lambda r: Reply(200, b"\x1b\x00", {"Content-Encoding": "br"})}
    with (
        FeedServer(routes) as server,
        pytest.raises(FetchError, match="unsupported Content-Encoding"),
    ):
        fetch(server.url("/br"))


def test_corrupt_gzip_is_an_error() -> None:
    routes = {
        "/bad": lambda r: Reply(200, b"\x1f\x8b not gzip at all", {"Content-Encoding": "gzip"})
    }
    with FeedServer(routes) as server, pytest.raises(FetchError, match="cannot decode the gzip"):
        fetch(server.url("/bad"))


def test_slow_drip_is_cut_off_by_the_overall_deadline() -> None:
    drip = lambda r: Reply(200, (b"<" for _ in range(10_000)), delay=0.2)  # noqa: E731
    with (
        FeedServer({"/drip": drip}) as server,
        pytest.raises(FetchError, match="timed out after 1 s"),
    ):
        fetch(server.url("/drip"), timeout=1.0)


def test_permanent_redirects_all_the_way_give_the_new_url() -> None:
    with FeedServer({"/a": Static(FEED)}) as server:
        server.routes["/old"] = lambda r: redirect(301, "/mid")
        server.routes["/mid"] = lambda r: redirect(308, server.url("/a"))
        result = fetch(server.url("/old"))
    assert result.status == 200 and result.body == FEED
    assert result.final_url == result.permanent_url == server.url("/a")


@pytest.mark.parametrize("status", [302, 303, 307])
def test_temporary_redirect_keeps_the_url(status: int) -> None:
    with FeedServer({"/a": Static(FEED)}) as server:
        server.routes["/old"] = lambda r: redirect(301, "/tmp")
        server.routes["/tmp"] = lambda r: redirect(status, "/a")
        result = fetch(server.url("/old"))
    assert result.final_url == server.url("/a")
    assert result.permanent_url is None  # one temporary hop: the move is not permanent


def test_redirect_loop_is_an_error_not_a_hang() -> None:
    routes = {"/a": lambda r: redirect(302, "/b"), "/b": lambda r: redirect(301, "/a")}
    with FeedServer(routes) as server:
        with pytest.raises(FetchError, match="redirect loop"):
            fetch(server.url("/a"))
        assert len(server.log) == 2


def test_too_many_redirects_is_an_error() -> None:
    def hop(i: int) -> Callable[[object], Reply]:
        return lambda r: redirect(302, f"/r{i + 1}")

    routes = {f"/r{i}": hop(i) for i in range(20)}
    with FeedServer(routes) as server:
        with pytest.raises(FetchError, match="too many redirects"):
            fetch(server.url("/r0"))
        assert len(server.log) == MAX_REDIRECTS + 1


def test_redirect_to_another_scheme_is_refused() -> None:
    routes = {"/a": lambda r: redirect(301, "file:///etc/passwd")}
    with FeedServer(routes) as server, pytest.raises(FetchError, match="non-HTTP Location"):
        fetch(server.url("/a"))


def test_error_statuses_are_returned_with_retry_after() -> None:
    routes = {
        "/busy": lambda r: Reply(429, b"slow down", {"Retry-After": "120"}),
        "/gone": lambda r: Reply(410, b"gone"),
    }
    with FeedServer(routes) as server:
        busy = fetch(server.url("/busy"))
        gone = fetch(server.url("/gone"))
    assert (busy.status, busy.retry_after, busy.body) == (429, 120.0, None)
    assert gone.status == 410


def test_nothing_listening_is_a_connect_error() -> None:
    with pytest.raises(FetchError, match="cannot connect"):
        fetch("http://127.0.0.1:9/feed", timeout=5)
