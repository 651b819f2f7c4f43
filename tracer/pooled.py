"""httpx clients whose plain requests go straight to their httpcore connection pool.

A conditional GET answered 304 is most of a warm poll, and httpx's client
layer (request and response objects, the cookie jar, auth and redirect
machinery, event hooks) cost more CPU per request than httpcore's own work
on the connection. A :class:`PooledClient` is an ordinary
``httpx.AsyncClient`` (tracer's resolver, tests and proxies use it as one)
whose own transport is a :class:`PoolTransport` over one
``httpcore.AsyncConnectionPool``. :func:`send` hands a GET to that pool
directly when nothing of the client layer applies to it, and to
``client.send`` otherwise; both give an :class:`Answer` with the same
status, headers and raw body, and raise the same httpx exceptions with the
same messages.

The direct way is taken only when httpx would send the same bytes and do
nothing else with the answer: a :class:`PooledClient` (made only when no
proxy is configured, :func:`tracer.fetch.make_client`), an ``http`` or
``https`` URL with a host and without credentials, an empty cookie jar and an
open client. A URL that httpx would send exactly as written (:func:`plain_target`:
a lower-case host name or a dotted IPv4 address, no percent signs, no dot
segments…) is read with one regular expression; any other is parsed by
``httpx.URL``.
Otherwise the request goes through ``client.send``. A ``Set-Cookie`` on a
direct answer fills the client's jar as httpx would, so from then on that
client's requests carry their cookies (through httpx).
"""

from __future__ import annotations

import contextlib
import re
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any, NamedTuple

import httpcore

from tracer.httpx_lean import httpx
from tracer.netstream import AsyncioBackend

__all__ = ["Answer", "PoolTransport", "PooledClient", "Target", "plain_target", "send"]

# httpcore's exceptions and the httpx ones they become (httpx picks the most
# specific match and keeps the message; so does _httpx_errors).
_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    """Raise httpcore's exceptions as the httpx ones httpx's own transport raises."""
    try:
        yield
    except Exception as exc:
        mapped: type[httpx.HTTPError] | None = None
        for source, target in _ERRORS:
            if isinstance(exc, source) and (mapped is None or issubclass(target, mapped)):
                mapped = target
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


class PoolTransport(httpx.AsyncBaseTransport):
    """An httpx transport over one httpcore pool (what ``httpx.AsyncHTTPTransport`` does).

    Made here so the pool is ours to reach (:func:`send`); HTTP/1.1 only,
    no retries, idle connections kept ``keepalive_expiry`` seconds, as
    httpx's defaults; connections on asyncio streams
    (:class:`~tracer.netstream.AsyncioBackend`) rather than through anyio.
    """

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        *,
        max_connections: int,
        max_keepalive_connections: int,
        keepalive_expiry: float | None = 5.0,
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=AsyncioBackend(),
        )

    @property
    def pool(self) -> httpcore.AsyncConnectionPool:
        return self._pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            answer = await self._pool.handle_async_request(core)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


class PooledClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` over a :class:`PoolTransport`, whose pool :func:`send` may use.

    Only for clients without proxies: given a transport, httpx mounts none
    from the environment.
    """

    def __init__(self, *, transport: PoolTransport, **kwargs: Any) -> None:
        super().__init__(transport=transport, **kwargs)
        self.pool = transport.pool


class Answer:
    """A response's status, headers and raw (undecoded) body, however it was sent."""

    __slots__ = ("_close", "_closed", "_stream", "headers", "status_code")

    def __init__(self, status_code: int, headers: httpx.Headers, stream: Any, close: Any) -> None:
        self.status_code = status_code
        self.headers = headers
        self._stream = stream
        self._close = close
        self._closed = False

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        """The body as it came (httpx's ``Response.aiter_raw``); closed at its end."""
        async for chunk in self._stream:
            yield chunk
        await self.aclose()

    async def aclose(self) -> None:
        """Give the connection back (or close it); once, however often called."""
        if not self._closed:
            self._closed = True
            await self._close()


# Characters httpx sends as written in a path (unreserved, sub-delims, ":@/") and, with
# "?", in a query; a URL made of them only, with a lower-case ASCII host, needs no parse.
_PLAIN_URL = re.compile(
    r"(https?)://([a-z0-9.-]+)(?::([1-9][0-9]{0,4}))?"
    r"(/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*)?)"
)
_IPV4_STYLE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")  # httpx validates these
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_URL_LENGTH = 65536  # httpx refuses longer URLs


class Target(NamedTuple):
    """What a request needs of its URL, as httpx sends it."""

    scheme: bytes
    host: bytes
    port: int | None  # None: the scheme's default
    path: bytes  # the request target: path and query
    netloc: bytes  # the Host header


def plain_target(url: str) -> Target | None:
    """The parts httpx would send for ``url`` if it sends it as written, else None.

    >>> tuple(plain_target("http://127.0.0.1:8080/feeds/1.xml?a=1"))
    (b'http', b'127.0.0.1', 8080, b'/feeds/1.xml?a=1', b'127.0.0.1:8080')
    >>> tuple(plain_target("https://blog.example:443/feed/"))
    (b'https', b'blog.example', None, b'/feed/', b'blog.example')
    >>> [plain_target(u) for u in ("https://Blog.example/", "http://h/a/../b", "http://h/%41")]
    [None, None, None]
    """
    match = _PLAIN_URL.fullmatch(url)
    if match is None or len(url) > _MAX_URL_LENGTH:
        return None
    scheme, host, port_text, path = match.groups()
    if _IPV4_STYLE.fullmatch(host) and not _valid_ipv4(host):
        return None  # httpx raises InvalidURL for it
    if "." in path and any(part in (".", "..") for part in path.split("?", 1)[0].split("/")):
        return None  # httpx removes dot segments
    port = int(port_text) if port_text else None
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    raw_host = host.encode("ascii")
    netloc = raw_host if port is None else raw_host + b":" + port_text.encode("ascii")
    return Target(scheme.encode("ascii"), raw_host, port, path.encode("ascii"), netloc)


def _valid_ipv4(host: str) -> bool:
    """Whether ``ipaddress.IPv4Address`` accepts a dotted quad (no leading zeros, each <= 255)."""
    return all(part == "0" or (part[0] != "0" and int(part) <= 255) for part in host.split("."))


def _parsed_target(url: str) -> Target | None:
    """The parts httpx sends for ``url`` by way of ``httpx.URL``; None when not for the pool."""
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host or parsed.userinfo:
        return None
    return Target(parsed.raw_scheme, parsed.raw_host, parsed.port, parsed.raw_path, parsed.netloc)


async def send(
    client: httpx.AsyncClient, url: str, headers: dict[str, str] | None, timeout: httpx.Timeout
) -> Answer:
    """GET ``url`` with ``client``'s headers and ``headers``, the body left to stream.

    Raises what ``client.send`` raises (``httpx.HTTPError``, ``httpx.InvalidURL``).
    """
    if isinstance(client, PooledClient) and not client.cookies and not client.is_closed:
        target = plain_target(url) or _parsed_target(url)
        if target is not None:
            return await _send_to_pool(client, client.pool, url, target, headers, timeout)
    request = client.build_request("GET", url, headers=headers, timeout=timeout)
    response = await client.send(request, stream=True)
    return Answer(response.status_code, response.headers, response.aiter_raw(), response.aclose)


def _request_headers(
    client: httpx.AsyncClient, netloc: bytes, headers: dict[str, str] | None
) -> list[tuple[bytes, bytes]]:
    """The headers ``client.send`` sends: Host, the client's, then ``headers`` (which replace)."""
    if headers and any(name in client.headers for name in headers):
        merged = httpx.Headers(client.headers)
        merged.update(headers)
        return [(b"Host", netloc), *merged.raw]
    sent = [(b"Host", netloc), *client.headers.raw]
    if headers:
        sent += httpx.Headers(headers).raw
    return sent


async def _send_to_pool(
    client: httpx.AsyncClient,
    pool: httpcore.AsyncConnectionPool,
    url: str,
    target: Target,
    headers: dict[str, str] | None,
    timeout: httpx.Timeout,
) -> Answer:
    """The request ``client.send`` would send (same header names, order and values)."""
    scheme, host, port, path, netloc = target
    sent = _request_headers(client, netloc, headers)
    request = httpcore.Request(
        method=b"GET",
        url=httpcore.URL(scheme=scheme, host=host, port=port, target=path),
        headers=sent,
        extensions={"timeout": timeout.as_dict()},
    )
    with _httpx_errors():
        response = await pool.handle_async_request(request)
    answer = Answer(
        response.status, httpx.Headers(response.headers), _Body(response.stream), response.aclose
    )
    if "set-cookie" in answer.headers:  # the jar fills as httpx fills it; then it takes over
        client.cookies.extract_cookies(
            httpx.Response(
                response.status,
                headers=answer.headers,
                request=httpx.Request("GET", httpx.URL(url), headers=sent),
            )
        )
    return answer
