"""Read the pages that posts cite, politely: `tracer resolve`.

For every cited URL that is not a stored post and was not read yet (or is due
again, see :func:`tracer.pages.next_check`), one GET that follows redirects
(:func:`tracer.fetch.follow`: at most 5 hops, loops refused) under:

- **robots.txt**, read once per ``scheme://host:port`` (:mod:`tracer.robots`),
  checked before *every* hop, so a shortener may not redirect us into a path
  that the target's robots.txt disallows (outcome ``robots``);
- **politeness per host**: at most :data:`PER_HOST_LIMIT` requests at once,
  and successive requests to one host start at least ``delay`` seconds apart
  (robots.txt fetches included);
- **one deadline per page** (connect, redirects, headers and body), which starts
  when its first request is sent, not while it queues for a busy host;
- a **body cap** (:data:`DEFAULT_MAX_BYTES`, after decompression).

Outcomes: ``ok`` (an HTML page that was read), ``gone`` (404 or 410),
``not-html`` (something else, e.g. a PDF: the final URL is still learnt),
``robots`` (a hop was disallowed; nothing was fetched there), ``error``
(anything else: network, timeout, other statuses, caps; retried with backoff).

**Identity rule** (:func:`article_of`): the article node of a page is its
final URL after redirects (redirects may cross sites: shorteners, feed
proxies), replaced by its declared ``<link rel="canonical">`` (else
``og:url``) only when that is on the same site (:func:`tracer.urls.domain_of`)
as the final URL: a page may not claim to be another site's article.

Results are written in batches (one transaction per :data:`WRITE_BATCH` pages
or :data:`WRITE_INTERVAL` seconds), so a killed run loses at most the pages of
one batch, which the next run reads again.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from tracer import defaults, reach
from tracer.exceptions import (
    FeedError,
    FetchError,
    HostNotFound,
    InvalidURL,
    StorageError,
    refused_value,
)
from tracer.fetch import follow, make_client
from tracer.models import FetchResult
from tracer.pagemeta import PageMeta, is_html, read_page
from tracer.pages import PageRecord, pages_to_resolve, repair_late_edges, write_pages
from tracer.robots import DISALLOW_ALL, MAX_ROBOTS_BYTES, Rules, parse_robots, rules_for_status
from tracer.store import Store
from tracer.timeutil import format_time, utcnow
from tracer.urls import canonicalize, domain_of
from tracer.wording import counted

__all__ = [
    "DEFAULT_DELAY",
    "DEFAULT_MAX_BYTES",
    "PER_HOST_LIMIT",
    "Disallowed",
    "HostPolicy",
    "Polite",
    "ResolveOptions",
    "ResolveSummary",
    "RobotsCache",
    "article_of",
    "resolve_pages",
]

PER_HOST_LIMIT = defaults.PER_HOST_LIMIT
DEFAULT_DELAY = defaults.PER_HOST_DELAY
DEFAULT_MAX_BYTES = defaults.PAGE_MAX_BYTES
DEFAULT_TIMEOUT = defaults.TIMEOUT
WRITE_BATCH = 200
WRITE_INTERVAL = 2.0
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
ROBOTS_AGENT = "tracer"  # the product token of USER_AGENT that robots.txt groups name
_THREAD_PARSE_BYTES = 256 * 1024  # bigger pages are parsed off the event loop
MAX_META_REFRESHES = 2  # <meta http-equiv="refresh"> wrappers followed per page
CLIENT_SHARDS = 32  # connection pools, split by host (see Polite.open)


@dataclass(frozen=True, slots=True)
class ResolveOptions:
    timeout: float = DEFAULT_TIMEOUT
    concurrency: int = defaults.CONCURRENCY
    delay: float = DEFAULT_DELAY
    max_bytes: int = DEFAULT_MAX_BYTES
    proxy: str | None = None


@dataclass(slots=True)
class ResolveSummary:
    pages: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    dated: int = 0
    merged: int = 0  # edges pointed at another article URL
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        o = self.outcomes
        return (
            f"resolved {counted(self.pages, 'page')}: {o['ok']} ok ({self.dated} dated),"
            f" {o['gone']} gone, {o['not-html']} not HTML, {o['robots']} disallowed by"
            f" robots.txt, {counted(o['error'], 'error')}, {counted(self.merged, 'edge')}"
            f" merged, {self.seconds:.2f} s"
        )


class Disallowed(Exception):
    """robots.txt forbids this hop."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"disallowed by robots.txt: {url}")


def origin_of(url: str) -> str:
    """``scheme://host:port``, the unit robots.txt applies to (politeness counts per host).

    >>> origin_of("https://WWW.Example.com/a?b"), origin_of("http://127.0.0.5:8080/x")
    ('https://www.example.com', 'http://127.0.0.5:8080')
    """
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.netloc.rsplit('@', 1)[-1]).lower()}"


def host_of(url: str) -> str:
    """The host that politeness limits count per (any scheme or port of it).

    >>> host_of("https://WWW.Example.com:8443/a"), host_of("http://www.example.com/")
    ('www.example.com', 'www.example.com')
    """
    return (urlsplit(url).hostname or "").lower()


class HostPolicy:
    """Per host: at most ``per_host`` requests at once, starts at least ``delay`` s apart."""

    def __init__(self, delay: float, per_host: int = PER_HOST_LIMIT) -> None:
        self.delay = max(0.0, delay)
        self._slots: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
        self._next_start: dict[str, float] = defaultdict(float)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        async with self._slots[host]:
            if self.delay:
                loop = asyncio.get_running_loop()
                now = loop.time()
                start = max(now, self._next_start[host])
                self._next_start[host] = start + self.delay
                if start > now:
                    await asyncio.sleep(start - now)
            yield


class RobotsCache:
    """robots.txt rules per origin, fetched once (concurrent askers wait for the same fetch)."""

    def __init__(
        self,
        client_for: Callable[[str], httpx.AsyncClient],
        policy: HostPolicy,
        timeout: float,
        agent: str = ROBOTS_AGENT,
    ) -> None:
        self.client_for = client_for
        self.policy = policy
        self.timeout = timeout
        self.agent = agent
        self._rules: dict[str, asyncio.Future[Rules]] = {}

    async def rules(self, url: str) -> Rules:
        origin = origin_of(url)
        future = self._rules.get(origin)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._rules[origin] = future
            try:
                future.set_result(await self._fetch(origin))
            except BaseException:
                future.set_result(Rules(everything=False, unavailable="robots.txt not read"))
                raise
        return await asyncio.shield(future)

    async def _fetch(self, origin: str) -> Rules:
        @asynccontextmanager
        async def gate(hop: str) -> AsyncIterator[None]:
            async with self.policy.slot(host_of(hop)):
                yield

        try:
            async with asyncio.timeout(self.timeout):
                result = await follow(
                    self.client_for(origin),
                    origin + "/robots.txt",
                    client_for=self.client_for,
                    headers={"Accept": "text/plain, */*;q=0.5"},
                    timeout=self.timeout,
                    max_bytes=MAX_ROBOTS_BYTES,
                    gate=gate,
                )
        except HostNotFound as exc:  # no such host: nothing to ask there, robots.txt or page
            return Rules(everything=False, unavailable=exc.message)
        except FeedError as exc:  # unreachable: everything is disallowed, for this run
            return Rules(everything=False, unavailable=f"robots.txt unreachable: {exc.message}")
        except TimeoutError:
            return Rules(everything=False, unavailable="robots.txt unreachable: timed out")
        implied = rules_for_status(result.status)
        if implied is DISALLOW_ALL:
            return Rules(everything=False, unavailable=f"robots.txt answered {result.status}")
        if implied is not None:
            return implied
        return parse_robots((result.body or b"").decode("utf-8-sig", "replace"), self.agent)


class Polite:
    """An HTTP client that asks robots.txt before every hop and keeps to :class:`HostPolicy`.

    ``get`` runs one deadline of ``timeout`` seconds per URL, started when
    its first request is sent (not while it waits for its host's turn), and
    raises :class:`Disallowed` or :class:`~tracer.exceptions.FetchError`.
    Shared by `tracer resolve` and feed discovery.
    """

    def __init__(
        self, clients: Callable[[str], httpx.AsyncClient], delay: float, timeout: float
    ) -> None:
        self.client_for = clients
        self.timeout = timeout
        self.policy = HostPolicy(delay)
        self.robots = RobotsCache(clients, self.policy, timeout)

    @classmethod
    @asynccontextmanager
    async def open(
        cls, options: ResolveOptions, accept: str = PAGE_ACCEPT
    ) -> AsyncIterator[Polite]:
        """Clients split by host (:data:`CLIENT_SHARDS`), sharing one TLS context.

        httpcore scans every connection of a pool for each request, so one
        pool holding keep-alive connections to hundreds of hosts costs more
        CPU than the requests; small pools, one per shard of hosts, keep
        connections alive without that scan.
        """
        import httpx

        context = httpx.create_ssl_context(trust_env=True)  # SSL_CERT_FILE / SSL_CERT_DIR
        per_shard = max(16, options.concurrency // CLIENT_SHARDS * 4)  # keep-alive room
        clients: dict[int, httpx.AsyncClient] = {}

        def client_for(url: str) -> httpx.AsyncClient:
            shard = zlib.crc32(host_of(url).encode()) % CLIENT_SHARDS
            client = clients.get(shard)
            if client is None:
                client = make_client(per_shard, proxy=options.proxy, accept=accept, verify=context)
                clients[shard] = client
            return client

        client_for("http://check.invalid")  # a bad --proxy fails here, before any page
        try:
            yield cls(client_for, options.delay, options.timeout)
        finally:
            for client in clients.values():
                await client.aclose()

    async def get(
        self,
        url: str,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        want_body: Callable[[int, httpx.Headers], bool] | None = None,
        headers: dict[str, str] | None = None,
    ) -> FetchResult:
        deadline: asyncio.Timeout | None = None

        @asynccontextmanager
        async def gate(hop: str) -> AsyncIterator[None]:
            rules = await self.robots.rules(hop)
            if not rules.allows(hop):
                if rules.unavailable:  # not a refusal: try again later
                    at = origin_of(hop)  # named when a redirect led to another site, as fetch does
                    where = f" (at {at})" if at != origin_of(url) else ""
                    raise FetchError(url, f"{rules.unavailable}{where}")
                raise Disallowed(hop)
            async with self.policy.slot(host_of(hop)):
                if deadline is not None and deadline.when() is None:
                    deadline.reschedule(asyncio.get_running_loop().time() + self.timeout)
                yield

        try:
            async with asyncio.timeout(None) as deadline:
                return await follow(
                    self.client_for(url),
                    url,
                    client_for=self.client_for,
                    headers=headers,
                    timeout=self.timeout,
                    max_bytes=max_bytes,
                    gate=gate,
                    want_body=want_body or _wants_body,
                )
        except TimeoutError:
            raise FetchError(url, f"timed out after {self.timeout:g} s") from None


def article_of(url: str, final_url: str | None, canonical: str | None) -> tuple[str, bool]:
    """The article node a page stands for, and whether its canonical was trusted.

    The final URL after redirects (canonicalized); its declared canonical
    instead only when it is on the same site (:func:`domain_of`).

    >>> article_of("https://bit.ly/x", "https://www.rt.com/news/1/?utm_source=a", None)
    ('https://www.rt.com/news/1/', False)
    >>> article_of("https://a.example/p?id=1", "https://a.example/p?id=1", "https://a.example/p/1/")
    ('https://a.example/p/1/', True)
    >>> article_of("https://a.example/p", "https://a.example/p", "https://b.example/stolen/")
    ('https://a.example/p', False)
    """
    base = url
    if final_url:
        try:
            base = canonicalize(final_url)
        except InvalidURL:
            base = url
    if canonical:
        try:
            claimed = canonicalize(canonical)
        except InvalidURL:
            return base, False
        if domain_of(claimed) == domain_of(base):
            return claimed, True
    return base, False


def record_for(
    url: str, outcome: FetchResult | Exception, meta: PageMeta | None = None
) -> PageRecord:
    """What one read of ``url`` established (pure): outcome, article node and metadata."""
    if isinstance(outcome, Disallowed):
        article, _ = article_of(url, outcome.url, None)
        return PageRecord(url, article, "robots", final_url=outcome.url, error=str(outcome))
    if isinstance(outcome, Exception):
        message = outcome.message if isinstance(outcome, FeedError) else str(outcome)
        status = outcome.status if isinstance(outcome, FeedError) else None
        return PageRecord(url, url, "error", http_status=status, error=message)
    status = outcome.status
    final = outcome.final_url or url
    common = {"http_status": status, "final_url": final, "content_type": outcome.content_type}
    if status in (404, 410):
        article, _ = article_of(url, final, None)
        return PageRecord(url, article, "gone", **common)  # type: ignore[arg-type]
    if status != 200:
        return PageRecord(url, url, "error", error=f"HTTP {status}", **common)  # type: ignore[arg-type]
    if meta is None:
        article, _ = article_of(url, final, None)
        return PageRecord(url, article, "not-html", **common)  # type: ignore[arg-type]
    article, trusted = article_of(url, final, meta.canonical)
    return PageRecord(
        url,
        article,
        "ok",
        canonical_url=meta.canonical,
        canonical_trusted=int(trusted),
        title=meta.title,
        published=meta.published,
        published_from=meta.published_from,
        site_name=meta.site_name,
        language=meta.language,
        **common,  # type: ignore[arg-type]
    )


def _wants_body(status: int, headers: httpx.Headers) -> bool:
    """Read a body only for a 200 that is (or may be, lacking a type) HTML."""
    if status != 200:
        return False
    content_type = headers.get("content-type")
    return not content_type or is_html(content_type, b"")


async def _read_meta(result: FetchResult, url: str) -> PageMeta | None:
    """The page's metadata when it is an HTML 200 (big pages parsed off the event loop)."""
    if result.status != 200 or result.body is None or not is_html(result.content_type, result.body):
        return None
    final = result.final_url or url
    if len(result.body) > _THREAD_PARSE_BYTES:
        return await asyncio.to_thread(read_page, result.body, final, result.content_type)
    return read_page(result.body, final, result.content_type)


def interleave_by_host(urls: Sequence[str]) -> list[str]:
    """Round-robin over hosts, so concurrent requests spread over as many hosts as possible.

    >>> interleave_by_host(["http://a/1", "http://a/2", "http://b/1", "http://a/3"])
    ['http://a/1', 'http://b/1', 'http://a/2', 'http://a/3']
    """
    queues: dict[str, deque[str]] = {}
    for url in urls:
        queues.setdefault(origin_of(url), deque()).append(url)
    result: list[str] = []
    active = list(queues.values())
    while active:
        still = []
        for queue in active:
            result.append(queue.popleft())
            if queue:
                still.append(queue)
        active = still
    return result


def resolve_pages(
    store: Store,
    urls: Sequence[str] | None = None,
    options: ResolveOptions = ResolveOptions(),
    *,
    limit: int | None = None,
    on_done: Callable[[PageRecord], None] | None = None,
    retry_failed: bool = False,
) -> ResolveSummary:
    """Read ``urls`` (default: :func:`pages_to_resolve`, failed pages too with
    ``retry_failed``) and store what they say.

    Raises :class:`StorageError` if the database cannot be written; every
    batch written before that stays written.
    """
    started = time.monotonic()
    summary = ResolveSummary()
    summary.merged += repair_late_edges(store)  # a concurrent poll's (PostgreSQL)
    if urls is None:
        urls = pages_to_resolve(store, format_time(utcnow()), limit, retry_failed=retry_failed)
    try:
        asyncio.run(_resolve_all(store, interleave_by_host(urls), options, summary, on_done))
    finally:
        if reach.is_stale(store.engine):
            store.rebuild_reach()
    summary.seconds = time.monotonic() - started
    return summary


def _write_one_by_one(store: Store, batch: list[PageRecord], summary: ResolveSummary) -> int:
    """Write a batch the database refused page by page: a page with a value it refuses
    (a canonical URL too long for PostgreSQL's index, say) is stored as that page's error,
    retried later with backoff, and the other pages as read. Returns edges moved."""
    moved = 0
    for page in batch:
        try:
            moved += write_pages(store, [page], utcnow())
            continue
        except StorageError as exc:
            refused = refused_value(exc)
            if refused is None:
                raise
        message = f"nothing stored: the database refused a value of this page ({refused})"
        summary.outcomes[page.outcome] -= 1
        summary.outcomes["error"] += 1
        summary.dated -= int(page.published is not None)
        summary.errors[:] = [e for e in summary.errors if e[0] != page.url]  # (one line a page)
        summary.errors.append((page.url, message))
        failed = record_for(page.url, FeedError(page.url, message))
        moved += write_pages(store, [failed], utcnow())
    return moved


async def _resolve_all(
    store: Store,
    urls: Sequence[str],
    options: ResolveOptions,
    summary: ResolveSummary,
    on_done: Callable[[PageRecord], None] | None,
) -> None:
    global_limit = asyncio.Semaphore(max(1, options.concurrency))
    pending: list[PageRecord] = []
    last_write = time.monotonic()

    def flush() -> None:
        nonlocal last_write
        if not pending:
            return
        batch = pending[:]
        pending.clear()
        try:
            summary.merged += write_pages(store, batch, utcnow())
            refused = False
        except StorageError as exc:
            if refused_value(exc) is None:
                raise  # the database itself failed: the run stops
            refused = True
        if refused:  # (out of the handler: its errors are not this one's)
            summary.merged += _write_one_by_one(store, batch, summary)
        last_write = time.monotonic()

    def record(page: PageRecord) -> None:
        summary.pages += 1
        summary.outcomes[page.outcome] += 1
        summary.dated += int(page.published is not None)
        if page.outcome == "error":
            summary.errors.append((page.url, page.error or "error"))
        pending.append(page)
        if len(pending) >= WRITE_BATCH or time.monotonic() - last_write >= WRITE_INTERVAL:
            flush()
        if on_done:
            on_done(page)

    async with Polite.open(options) as polite:

        async def read_one(url: str) -> PageRecord:
            target = url
            seen = {url}
            for _refresh in range(MAX_META_REFRESHES + 1):
                try:
                    result = await polite.get(
                        target, max_bytes=options.max_bytes, want_body=_wants_body
                    )
                except (FeedError, Disallowed) as exc:
                    return record_for(url, exc)
                except Exception as exc:  # one page's odd failure must not stop the others
                    message = f"unexpected {type(exc).__name__}: {exc}"
                    return record_for(url, FeedError(url, message))
                meta = await _read_meta(result, target)
                # a wrapper page that redirects with <meta http-equiv="refresh">: follow it
                if meta is None or meta.refresh is None or meta.refresh in seen:
                    break
                seen.add(meta.refresh)
                target = meta.refresh
            return record_for(url, result, meta)

        async def run_one(url: str) -> None:
            try:
                record(await read_one(url))
            finally:
                global_limit.release()

        try:
            async with asyncio.TaskGroup() as group:
                for url in urls:
                    await global_limit.acquire()
                    group.create_task(run_one(url))
            flush()
        except* StorageError as failed:
            raise failed.exceptions[0] from None
