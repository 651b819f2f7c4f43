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
open client.
Otherwise the request goes through ``client.send``. A ``Set-Cookie`` on a
direct answer fills the client's jar as httpx would, so from then on that
client's requests carry their cookies (through httpx).
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpcore

from tracer.httpx_lean import httpx
from tracer.netstream import AsyncioBackend

__all__ = ["Answer", "PoolTransport", "PooledClient", "send"]

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

    __slots__ = ("_close", "_stream", "headers", "status_code")

    def __init__(self, status_code: int, headers: httpx.Headers, stream: Any, close: Any) -> None:
        self.status_code = status_code
        self.headers = headers
        self._stream = stream
        self._close = close

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        """The body as it came (httpx's ``Response.aiter_raw``); closed at its end."""
        async for chunk in self._stream:
            yield chunk
        await self.aclose()

    async def aclose(self) -> None:
        await self._close()


async def send(
    client: httpx.AsyncClient, url: str, headers: dict[str, str] | None, timeout: httpx.Timeout
) -> Answer:
    """GET ``url`` with ``client``'s headers and ``headers``, the body left to stream.

    Raises what ``client.send`` raises (``httpx.HTTPError``, ``httpx.InvalidURL``).
    """
    if isinstance(client, PooledClient) and not client.cookies and not client.is_closed:
        target = httpx.URL(url)
        if target.scheme in ("http", "https") and target.host and not target.userinfo:
            return await _send_to_pool(client, client.pool, target, headers, timeout)
    request = client.build_request("GET", url, headers=headers, timeout=timeout)
    response = await client.send(request, stream=True)
    return Answer(response.status_code, response.headers, response.aiter_raw(), response.aclose)


async def _send_to_pool(
    client: httpx.AsyncClient,
    pool: httpcore.AsyncConnectionPool,
    url: httpx.URL,
    headers: dict[str, str] | None,
    timeout: httpx.Timeout,
) -> Answer:
    """The request ``client.send`` would send (same header names, order and values)."""
    merged = httpx.Headers(client.headers)
    if headers:
        merged.update(headers)
    sent = [(b"Host", url.netloc), *merged.raw]
    request = httpcore.Request(
        method=b"GET",
        url=httpcore.URL(
            scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
        ),
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
                request=httpx.Request("GET", url, headers=sent),
            )
        )
    return answer
