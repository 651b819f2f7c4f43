"""The one exception tree of tracer.

Every message names the feed or URL it is about, so that a line in cron mail
is enough to act on::

    TracerError
     ├── InvalidURL            a string that is not an absolute http(s) URL
     ├── FeedError             something went wrong with one feed (url attribute)
     │    ├── FetchError       network, timeout, HTTP status, size cap, redirects
     │    │    └── HostNotFound  the host's name does not resolve (DNS)
     │    └── ParseError       the body is not a feed we can read
     ├── ProxyError            the proxy (--proxy or the environment) cannot be used
     └── StorageError          the database could not be opened or written
          └── PollLocked       another poll holds the lock beside the database

Only ``FeedError`` and ``InvalidURL`` are expected during a poll: they are
recorded on the feed (or post) and the run goes on.
"""

from __future__ import annotations

__all__ = [
    "REFUSED_SQLSTATES",
    "FeedError",
    "FetchError",
    "HostNotFound",
    "InvalidURL",
    "ParseError",
    "PollLocked",
    "ProxyError",
    "StorageError",
    "TracerError",
    "is_transient",
    "refused_value",
]

# SQLSTATEs of a value the server cannot store, whatever the SQL around it: a character
# its encoding lacks or cannot convert (22021, 22P05), a string longer than its column
# (22001), an index entry past its size limit (54000). Other data exceptions (a division
# by zero, a bad cast) are errors of tracer's own SQL: they stop the run.
REFUSED_SQLSTATES = frozenset({"22021", "22P05", "22001", "54000"})

# SQLSTATEs of a transaction the server failed only because of another one running
# beside it (deadlock_detected, serialization_failure): the same work again can succeed
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})


class TracerError(Exception):
    """Base class of every error tracer raises on purpose."""


class InvalidURL(TracerError, ValueError):
    """A value that cannot be used as an http(s) URL key.

    >>> str(InvalidURL("javascript:alert(1)", "scheme 'javascript' is not http or https"))
    "invalid URL: 'javascript:alert(1)': scheme 'javascript' is not http or https"
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        shown = url if len(url) <= 200 else url[:200] + "…"
        super().__init__(f"invalid URL: {shown!r}: {reason}")


class FeedError(TracerError):
    """An error about one feed; ``url`` is the feed's URL."""

    prefix = "feed error"

    def __init__(self, url: str, message: str, *, status: int | None = None) -> None:
        self.url = url
        self.message = message
        self.status = status
        super().__init__(f"{self.prefix}: {url!r}: {message}")


class FetchError(FeedError):
    """The feed could not be fetched (network, timeout, HTTP status, caps)."""

    prefix = "fetch failed"


class HostNotFound(FetchError):
    """The URL's host name does not resolve (DNS): nothing was asked of any server."""


class ParseError(FeedError):
    """The body could not be read as RSS, Atom or RDF."""

    prefix = "not a readable feed"


class ProxyError(TracerError):
    """The proxy given by --proxy or the environment cannot be used (bad URL, SOCKS missing)."""


class StorageError(TracerError):
    """The database could not be opened, migrated or written."""


class PollLocked(StorageError):
    """Another poll holds the lock file beside the database."""


def refused_value(exc: BaseException) -> str | None:
    """The server's own words when ``exc`` (or an exception it was raised from) is the
    database refusing a value it was given, not failing: one of :data:`REFUSED_SQLSTATES`
    (e.g. a value too long for an index entry's 2,704 bytes), or the driver refusing it
    before sending (psycopg refuses a NUL character); else None. Only the chain of
    causes is followed (``raise … from``): an error raised while another was being
    handled is not that one.

    The same write would fail again, and the next feed's would not: a poll records it as
    that feed's error and goes on (:mod:`tracer.poll_loop`).

    >>> class TooLong(Exception):
    ...     sqlstate = "54000"
    >>> try:
    ...     raise StorageError("database write failed: ...") from TooLong("index row size 3040")
    ... except StorageError as exc:
    ...     refused_value(exc)
    'index row size 3040'
    >>> refused_value(StorageError("database write failed: disk full")) is None
    True
    >>> class DivisionByZero(Exception):  # a data exception of tracer's own SQL
    ...     sqlstate = "22012"
    >>> try:
    ...     raise StorageError("database write failed: division by zero") from DivisionByZero()
    ... except StorageError as exc:
    ...     refused_value(exc) is None
    True
    >>> try:  # a failure while handling a refusal is not a refusal
    ...     try:
    ...         raise TooLong("index row size 3040")
    ...     except TooLong:
    ...         raise StorageError("database write failed: deadlock detected")
    ... except StorageError as exc:
    ...     refused_value(exc) is None
    True
    """
    current: BaseException | None = exc
    while current is not None:  # what it was raised from, not what was being handled
        state = getattr(current, "sqlstate", None)
        refused = state in REFUSED_SQLSTATES
        # the driver's own refusal, before sending: psycopg's DataError has no SQLSTATE
        # ("PostgreSQL text fields cannot contain NUL (0x00) bytes")
        refused |= state is None and type(current).__name__ == "DataError"
        if refused:
            primary = getattr(getattr(current, "diag", None), "message_primary", None)
            return str(primary or str(current).splitlines()[0])
        current = current.__cause__
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from (or during), each once."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` (or an exception it was raised from) is the server breaking a
    deadlock or a serialization conflict, so that the same transaction again can succeed.

    >>> class Deadlock(Exception):
    ...     sqlstate = "40P01"
    >>> try:
    ...     raise StorageError("database write failed: deadlock detected") from Deadlock()
    ... except StorageError as exc:
    ...     is_transient(exc)
    True
    >>> is_transient(StorageError("database write failed: disk full"))
    False
    """
    return any(getattr(current, "sqlstate", None) in TRANSIENT_SQLSTATES for current in _chain(exc))
