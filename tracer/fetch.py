"""Fetch one feed over HTTP, politely and within hard limits.

The only module that touches the network. One call of :func:`fetch_feed`:

- sends ``If-None-Match`` / ``If-Modified-Since`` from the stored validators;
- follows redirects itself (at most :data:`MAX_REDIRECTS`, loops refused), so
  that a permanent move (301/308) can be told from a temporary one;
- streams the body and stops at ``max_bytes`` *after* decompression;
- runs under one overall deadline covering connect, headers and body, so a
  server that drips a byte a second is cut off on time.

Non-2xx answers are returned (not raised) so the caller decides what they
mean for the schedule; network failures raise :class:`FetchError`.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

from tracer import __version__
from tracer.exceptions import FetchError
from tracer.models import FetchResult

__all__ = [
    "ACCEPT",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "fetch_feed",
    "parse_retry_after",
]

USER_AGENT = f"tracer/{__version__} (+https://github.com/tracer-provenance/tracer)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9,"
    " text/xml;q=0.9, */*;q=0.5"
)
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 24 * 3600.0
_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}


def make_client(concurrency: int = 10) -> httpx.AsyncClient:
    """One client per run: keep-alive, our headers, no automatic redirects."""
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
        follow_redirects=False,
        timeout=httpx.Timeout(DEFAULT_TIMEOUT),
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        trust_env=False,
    )


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FetchResult:
    """GET ``url`` under one deadline of ``timeout`` seconds; see the module docstring."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            result = await _fetch(client, url, etag, last_modified, timeout, max_bytes)
    except TimeoutError:
        raise FetchError(url, f"timed out after {timeout:g} s") from None
    result.elapsed = time.monotonic() - started
    return result


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    timeout: float,
    max_bytes: int,
) -> FetchResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    result = FetchResult(url=url)
    current = url
    visited = {url}
    permanent_so_far = True
    per_request = httpx.Timeout(timeout)
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            request = client.build_request("GET", current, headers=headers, timeout=per_request)
            response = await client.send(request, stream=True)
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"invalid URL {current!r}: {exc}") from None
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, _describe_network_error(exc)) from None
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                target = urljoin(current, response.headers["location"].strip())
                permanent_so_far = permanent_so_far and response.status_code in _PERMANENT
                if target in visited:
                    raise FetchError(
                        url, f"redirect loop at {target!r}", status=response.status_code
                    )
                visited.add(target)
                current = target
                continue
            result.status = response.status_code
            result.final_url = current
            if current != url and permanent_so_far:
                result.permanent_url = current
            result.headers = {k.lower(): v for k, v in response.headers.items()}
            result.etag = response.headers.get("etag")
            result.last_modified = response.headers.get("last-modified")
            result.content_type = response.headers.get("content-type")
            result.retry_after = parse_retry_after(response.headers.get("retry-after"))
            if response.status_code == 200:
                result.body = await _read_capped(response, url, max_bytes)
            return result
        finally:
            await response.aclose()
    raise FetchError(url, f"too many redirects (more than {MAX_REDIRECTS})")


async def _read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length")
    encoded = response.headers.get("content-encoding", "identity").lower() not in ("", "identity")
    if declared and declared.isdigit() and int(declared) > max_bytes and not encoded:
        raise FetchError(
            url,
            f"body of {int(declared)} bytes is over the cap of {max_bytes} bytes",
            status=response.status_code,
        )
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():  # decoded: the cap counts decompressed bytes
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(
                    url, f"body is over the cap of {max_bytes} bytes", status=response.status_code
                )
            chunks.append(chunk)
    except httpx.DecodingError as exc:
        raise FetchError(
            url, f"cannot decode the body: {exc}", status=response.status_code
        ) from None
    except httpx.TimeoutException:
        raise FetchError(url, "timed out while reading the body") from None
    except httpx.HTTPError as exc:
        raise FetchError(url, _describe_network_error(exc), status=response.status_code) from None
    return b"".join(chunks)


def _describe_network_error(exc: httpx.HTTPError) -> str:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {detail}"
    return f"{type(exc).__name__}: {detail}"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date), capped at 24 h.

    >>> parse_retry_after("120")
    120.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", datetime(2015, 10, 21, 7, 0, tzinfo=UTC))
    1680.0
    >>> parse_retry_after("999999999"), parse_retry_after("soon")
    (86400.0, None)
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
