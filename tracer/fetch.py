"""Fetch one feed over HTTP, politely and within hard limits.

The only module that touches the network. One call of :func:`fetch_feed`:

- sends ``If-None-Match`` / ``If-Modified-Since`` from the stored validators,
  an honest ``User-Agent`` and an ``Accept`` header for feed types;
- follows redirects itself (at most :data:`MAX_REDIRECTS`, loops refused), so
  that a permanent move (301/308) can be told from a temporary one;
- streams the body and stops at ``max_bytes`` *after* decompression: gzip and
  deflate are decoded here, a bounded slice at a time, so a small compressed
  bomb never inflates past the cap in memory;
- runs under one overall deadline covering connect, headers and body, so a
  server that drips a byte a second is cut off on time;
- ends an answer that has no body (a 304) so its connection goes back to the
  pool instead of being closed: :class:`Clients` keeps connections alive per
  host across a run's feeds.

Clients made here (without a proxy) are :class:`~tracer.pooled.PooledClient`:
each GET goes straight to their httpcore pool when httpx's client layer has
nothing to add (:func:`tracer.pooled.send`), the cheap path of a warm poll.

Non-2xx answers are returned (not raised) so the caller decides what they
mean for the schedule; network failures, caps and redirect trouble raise
:class:`FetchError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from tracer import __version__
from tracer.defaults import CONCURRENCY, MAX_BYTES, MAX_REDIRECTS, TIMEOUT
from tracer.exceptions import FetchError, HostNotFound, ProxyError
from tracer.models import FetchResult
from tracer.startup import importing

with importing():  # httpx and httpcore, the biggest imports of a poll (tracer.startup)
    from tracer.httpx_lean import httpx
    from tracer.pooled import Answer, PooledClient, PoolTransport, send

__all__ = [
    "ACCEPT",
    "CLIENT_SHARDS",
    "MAX_RETRY_AFTER",
    "SHARD_KEEPALIVE",
    "USER_AGENT",
    "CappedDecoder",
    "Clients",
    "Gate",
    "fetch_feed",
    "follow",
    "make_client",
    "parse_retry_after",
]

USER_AGENT = f"tracer/{__version__} (+https://github.com/tracer-provenance/tracer)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9,"
    " text/xml;q=0.9, */*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate"  # only what CappedDecoder can decode under the cap
MAX_RETRY_AFTER = 24 * 3600.0
CLIENT_SHARDS = 16  # connection pools of a run (Clients), the hosts split among them
SHARD_KEEPALIVE = 8  # idle connections each pool keeps alive
_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}
_NO_BODY = {204, 304}

Gate = Callable[[str], AbstractAsyncContextManager[object]]


def make_client(
    concurrency: int = CONCURRENCY,
    *,
    proxy: str | None = None,
    accept: str = ACCEPT,
    verify: ssl.SSLContext | bool = True,
    keepalive: int | None = None,
) -> httpx.AsyncClient:
    """A client: keep-alive, our headers, no automatic redirects.

    At most ``concurrency`` connections, of which ``keepalive`` (default: as
    many) stay open while idle.

    Proxies and certificates come from the environment as curl and httpx read
    them (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``,
    ``SSL_CERT_FILE``, ``SSL_CERT_DIR``); ``proxy`` (``--proxy URL``) replaces
    the environment's proxies for every request. A ``socks5://`` proxy needs
    the optional extra ``tracer[socks]``; without it this raises
    :class:`~tracer.exceptions.ProxyError`.
    """
    connections = max(1, concurrency)
    idle = max(1, keepalive or concurrency)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=idle)
    settings: dict[str, Any] = {
        "headers": {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": ACCEPT_ENCODING},
        "follow_redirects": False,
        "timeout": httpx.Timeout(TIMEOUT),
    }
    try:
        if proxy is None and not _environment_has_proxies():
            # Our own pool (tracer.pooled): a plain GET skips httpx's client layer.
            transport = PoolTransport(
                httpx.create_ssl_context(verify=verify, trust_env=True),  # as httpx's own
                max_connections=connections,
                max_keepalive_connections=idle,
            )
            return PooledClient(transport=transport, **settings)
        return httpx.AsyncClient(
            **settings,
            limits=limits,
            proxy=proxy,
            verify=verify,  # True: SSL_CERT_FILE / SSL_CERT_DIR, else certifi (httpx's trust_env)
            trust_env=True,
        )
    except ImportError as exc:  # socksio missing for a socks:// proxy
        raise ProxyError(
            f"proxy {proxy or '(from the environment)'}: {exc}"
            " (for SOCKS install the extra: pip install 'tracer[socks]')"
        ) from None
    except (ValueError, httpx.InvalidURL) as exc:
        raise ProxyError(f"proxy {proxy or '(from the environment)'}: {exc}") from None


class Clients:
    """The HTTP clients of a run: the hosts split among :data:`CLIENT_SHARDS` small pools.

    httpcore looks through every connection of a pool, more than once, for
    each request, so one pool keeping connections alive to many hosts costs
    more CPU than the connections it saves; in small pools, each for a share
    of the hosts, a host's connections stay alive (:data:`SHARD_KEEPALIVE`
    idle ones per pool, 5 s) at a small cost. Clients are made as hosts come.

    The https clients share one TLS context, built (which reads the CA
    bundle: a good part of a short run) with the first of them; clients for
    plain ``http://`` URLs, which never speak TLS, get a context that trusts
    no certificate instead (any TLS through it would fail, never pass
    unverified), unless a proxy is set, which may itself be ``https://``.
    ``async with Clients(...) as clients:`` checks the proxy settings first
    (:class:`~tracer.exceptions.ProxyError`) and closes every client at the end.
    """

    def __init__(
        self,
        concurrency: int = CONCURRENCY,
        *,
        proxy: str | None = None,
        accept: str = ACCEPT,
        shards: int = CLIENT_SHARDS,
    ) -> None:
        self._concurrency = concurrency
        self._proxy = proxy
        self._accept = accept
        self._shards = max(1, shards)
        self._proxied = proxy is not None or _environment_has_proxies()
        self._trusted: ssl.SSLContext | None = None  # the CA bundle's, made once
        self._untrusting: ssl.SSLContext | None = None  # plain http's, made once
        self._clients: dict[tuple[bool, int], httpx.AsyncClient] = {}

    def for_url(self, url: str) -> httpx.AsyncClient:
        """The client of ``url``'s host (any client for a URL without a usable host)."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").encode("utf-8", "replace")
            tls = parts.scheme.lower() != "http" or self._proxied
        except ValueError:
            host, tls = b"", True
        key = (tls, zlib.crc32(host) % self._shards)
        client = self._clients.get(key)
        if client is None:
            client = make_client(
                self._concurrency,
                proxy=self._proxy,
                accept=self._accept,
                verify=self.tls_context() if tls else self._trusting_nothing(),
                keepalive=SHARD_KEEPALIVE,
            )
            self._clients[key] = client
        return client

    def tls_context(self) -> ssl.SSLContext:
        """The context of https requests: ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``, else certifi."""
        if self._trusted is None:
            self._trusted = httpx.create_ssl_context(trust_env=True)
        return self._trusted

    def _trusting_nothing(self) -> ssl.SSLContext:
        if self._untrusting is None:
            self._untrusting = _trusting_nothing()
        return self._untrusting

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    async def __aenter__(self) -> Clients:
        self.for_url("http://check.invalid/")  # a bad proxy fails here, before any feed
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()


def _environment_has_proxies() -> bool:
    from urllib.request import getproxies  # httpx has imported it already

    proxies = getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


def _trusting_nothing() -> ssl.SSLContext:
    """A TLS context that verifies certificates against an empty trust store: fails closed."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname
    return context


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    client_for: Callable[[str], httpx.AsyncClient] | None = None,
) -> FetchResult:
    """GET ``url`` under one deadline of ``timeout`` seconds; see the module docstring.

    ``client_for(hop_url)``, when given (e.g. :meth:`Clients.for_url`), picks
    the client of each redirect hop; ``client`` is the first hop's.
    """
    started = time.monotonic()
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(timeout):
            result = await follow(
                client,
                url,
                headers=headers,
                timeout=timeout,
                max_bytes=max_bytes,
                client_for=client_for,
                hop_timeouts=False,  # this deadline, as long and started first, ends first
            )
    except TimeoutError:
        raise FetchError(url, f"timed out after {timeout:g} s") from None
    result.elapsed = time.monotonic() - started
    return result


def _body_if_ok(status: int, _headers: httpx.Headers) -> bool:
    return status == 200


async def follow(
    client: httpx.AsyncClient,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    gate: Gate | None = None,
    want_body: Callable[[int, httpx.Headers], bool] = _body_if_ok,
    client_for: Callable[[str], httpx.AsyncClient] | None = None,
    hop_timeouts: bool = True,
) -> FetchResult:
    """GET ``url`` following redirects ourselves; the body only when ``want_body`` says so.

    The redirect loop shared by feeds and pages (:mod:`tracer.resolve`): at
    most :data:`MAX_REDIRECTS` hops, loops refused, non-HTTP targets refused,
    the body read under ``max_bytes``. ``gate(hop_url)``, when given, is an
    async context manager entered around each hop's request (a host's
    connection slot, a robots.txt check that raises to refuse the hop). The
    caller sets the overall deadline (:func:`fetch_feed` does). ``client_for(hop_url)``,
    when given, picks the client of each hop (pools split by host stay small).
    With ``hop_timeouts`` each hop's connect, wait for a connection, read and
    write also time out after ``timeout``; :func:`fetch_feed` turns them off,
    as its overall deadline of the same length, started first, always ends
    first (a timer less per read and write).
    """
    result = FetchResult(url=url)
    current = url
    visited = {url}
    permanent_so_far = True
    per_request = httpx.Timeout(timeout if hop_timeouts else None)
    for _hop in range(MAX_REDIRECTS + 1):
        async with gate(current) if gate is not None else contextlib.nullcontext():
            try:
                first = current == url  # ``client`` is the first hop's
                hop_client = client_for(current) if client_for and not first else client
                response = await send(hop_client, current, headers, per_request)
            except httpx.InvalidURL as exc:
                raise FetchError(url, f"invalid URL {current!r}: {exc}") from None
            except httpx.TimeoutException:
                raise FetchError(url, f"timed out after {timeout:g} s") from None
            except httpx.HTTPError as exc:
                # through a proxy, the name that failed may be the proxy's: not named
                unresolved = None if _proxied(hop_client, current) else _unresolved(exc, current)
                if unresolved is not None:
                    raise HostNotFound(url, unresolved) from None
                raise FetchError(url, _describe_network_error(exc, current, url)) from None
            try:
                status = response.status_code
                if status in _REDIRECTS and response.headers.get("location", "").strip():
                    target = _redirect_target(url, current, response.headers["location"], status)
                    permanent_so_far = permanent_so_far and status in _PERMANENT
                    if target in visited:
                        raise FetchError(
                            url, f"redirect loop: {status} back to {target}", status=status
                        )
                    visited.add(target)
                    current = target
                    await _drain(response)
                    continue
                result.status = status
                result.final_url = current
                if current != url and permanent_so_far:
                    result.permanent_url = current
                # lower-case names, repeated headers joined by ", " (as Headers.get does)
                headers = result.headers = dict(response.headers.items())
                result.etag = headers.get("etag")
                result.last_modified = headers.get("last-modified")
                result.content_type = headers.get("content-type")
                result.retry_after = parse_retry_after(headers.get("retry-after"))
                if want_body(status, response.headers):
                    result.body = await _read_capped(response, url, max_bytes)
                else:
                    await _drain(response)
                return result
            finally:
                await response.aclose()
    raise FetchError(url, f"too many redirects (more than {MAX_REDIRECTS}), last to {current}")


async def _drain(response: Answer) -> None:
    """End a response that has no body, so httpcore reuses its connection.

    httpcore closes a connection whose response was not read to its end,
    even when there is nothing to read: a 304 or 204 (no body by the
    protocol) or a ``Content-Length: 0`` answer. Reading those ends them at
    once, with no wait on the network. A body of any length is left
    unread (the connection is closed): reading it could wait on the server.
    """
    if response.status_code in _NO_BODY or response.headers.get("content-length") == "0":
        with contextlib.suppress(httpx.HTTPError):
            async for _chunk in response.aiter_raw():
                pass


def _redirect_target(url: str, current: str, location: str, status: int) -> str:
    try:
        target = urljoin(current, location.strip())
        scheme = urlsplit(target).scheme.lower()
    except ValueError as exc:
        raise FetchError(url, f"{status} to an invalid Location {location!r}: {exc}") from None
    if scheme not in ("http", "https"):
        raise FetchError(url, f"{status} to a non-HTTP Location {location!r}", status=status)
    return target.split("#", 1)[0]


async def _read_capped(response: Answer, url: str, max_bytes: int) -> bytes:
    status = response.status_code
    declared = response.headers.get("content-length", "").strip()
    encoding = response.headers.get("content-encoding", "")
    try:
        decoder = CappedDecoder(encoding, max_bytes)
    except ValueError as exc:
        raise FetchError(url, str(exc), status=status) from None
    if declared.isdigit() and int(declared) > max_bytes and decoder.identity:
        raise FetchError(
            url,
            f"body of {int(declared)} bytes is over the cap of {max_bytes} bytes",
            status=status,
        )
    body = bytearray()
    try:
        async for raw in response.aiter_raw():  # undecoded: we inflate under the cap ourselves
            body += decoder.decode(raw)
        body += decoder.flush()
    except OverflowError:
        raise FetchError(url, f"body is over the cap of {max_bytes} bytes", status=status) from None
    except zlib.error as exc:
        raise FetchError(
            url, f"cannot decode the {encoding.strip()} body: {exc}", status=status
        ) from None
    except httpx.TimeoutException:
        raise FetchError(url, "timed out while reading the body", status=status) from None
    except httpx.HTTPError as exc:
        raise FetchError(url, _describe_network_error(exc, url, url), status=status) from None
    return bytes(body)


class CappedDecoder:
    """Undo a ``Content-Encoding`` (identity, gzip or deflate) without passing ``cap`` bytes.

    Decompression goes a bounded slice at a time, so a gzip bomb costs at most
    ``cap`` bytes of memory before :class:`OverflowError` stops it.

    >>> import gzip
    >>> d = CappedDecoder("gzip", cap=100)
    >>> d.decode(gzip.compress(b"x" * 100)) + d.flush() == b"x" * 100
    True
    >>> CappedDecoder("gzip", cap=100).decode(gzip.compress(b"x" * 101))
    Traceback (most recent call last):
    OverflowError: over the cap of 100 bytes
    >>> CappedDecoder("br", cap=100)
    Traceback (most recent call last):
    ValueError: unsupported Content-Encoding 'br' (we ask for gzip or deflate)
    """

    def __init__(self, content_encoding: str, cap: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise ValueError(
                f"unsupported Content-Encoding {content_encoding.strip()!r}"
                " (we ask for gzip or deflate)"
            )
        self.coding = codings[0] if codings else "identity"
        self.identity = self.coding == "identity"
        self.cap = cap
        self.size = 0
        self._zlib: zlib._Decompress | None = None
        self._started = False

    def decode(self, data: bytes) -> bytes:
        if self.identity:
            return self._count(data)
        if self._zlib is None:
            # gzip (and x-gzip): auto-detect gzip/zlib header; deflate: zlib-wrapped per the
            # RFC, but many servers send raw deflate, so fall back to that on a bad header.
            wbits = 47 if self.coding != "deflate" else 15
            self._zlib = zlib.decompressobj(wbits)
            if self.coding == "deflate" and data:
                try:
                    return self._inflate(data)
                except zlib.error:
                    self._zlib = zlib.decompressobj(-15)
                    self.size = 0
        return self._inflate(data)

    def flush(self) -> bytes:
        if self._zlib is None or self._zlib.eof:
            return b""
        return self._count(self._zlib.flush())

    def _inflate(self, data: bytes) -> bytes:
        assert self._zlib is not None
        out = bytearray()
        pending = data
        while pending and not self._zlib.eof:
            piece = self._zlib.decompress(pending, self.cap - self.size + 1)
            out += self._count(piece)
            pending = self._zlib.unconsumed_tail
        return bytes(out)

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.cap:
            raise OverflowError(f"over the cap of {self.cap} bytes")
        return data


def _proxied(client: httpx.AsyncClient, url: str) -> bool:
    """Whether ``client`` sends its request for ``url`` through a proxy (``--proxy``, or the
    environment's unless ``NO_PROXY`` names the host): then a DNS failure may be the
    proxy's own name not resolving, and says nothing of ``url``'s host."""
    if isinstance(client, PooledClient):  # made only without proxies
        return False
    pick = getattr(client, "_transport_for_url", None)  # httpx's choice of transport
    if pick is None:
        return True
    return pick(httpx.URL(url)) is not getattr(client, "_transport", None)


def _unresolved(exc: BaseException, current: str) -> str | None:
    """What to say when ``exc`` (or an exception it was raised from) is the resolver
    failing to find ``current``'s host; None for any other error.

    >>> gone = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    >>> try:
    ...     raise OSError("cannot connect") from gone
    ... except OSError as exc:
    ...     print(_unresolved(exc, "https://Nowhere.invalid:8080/feed"))
    host nowhere.invalid does not resolve (DNS: Name or service not known)
    >>> _unresolved(OSError("All connection attempts failed"), "https://a.example/") is None
    True
    """
    seen: set[int] = set()
    current_exc: BaseException | None = exc
    while current_exc is not None and id(current_exc) not in seen:
        if isinstance(current_exc, socket.gaierror):
            host = urlsplit(current).hostname or current
            reason = current_exc.strerror or str(current_exc)
            if current_exc.errno in _NO_SUCH_NAME:
                return f"host {host} does not resolve (DNS: {reason})"
            return f"DNS lookup of host {host} failed ({reason})"
        seen.add(id(current_exc))
        current_exc = current_exc.__cause__ or current_exc.__context__
    return None


# the resolver's "no such name" answers (EAI_NODATA: the name has no address; not on every OS)
_NO_SUCH_NAME = frozenset(
    code for code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)) if code is not None
)


def _describe_network_error(exc: httpx.HTTPError, current: str, url: str) -> str:
    detail = str(exc) or type(exc).__name__
    where = f" (at {current})" if current != url else ""
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect{where}: {detail}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"unsupported URL{where}: {detail}"
    return f"{type(exc).__name__}{where}: {detail}"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date), capped at 24 h.

    >>> parse_retry_after("120")
    120.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", datetime(2015, 10, 21, 7, 0, tzinfo=UTC))
    1680.0
    >>> parse_retry_after("999999999"), parse_retry_after("soon"), parse_retry_after("-5")
    (86400.0, None, None)
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
