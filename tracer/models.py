"""Plain records that travel between the steps of a poll.

fetch → :class:`FetchResult`; parse → :class:`ParsedFeed` of :class:`FeedItem`;
extract → :class:`Attribution`. No behaviour lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracer.fingerprint import Fingerprint

__all__ = [
    "UNSET",
    "Attribution",
    "EdgeRecord",
    "FeedChanges",
    "FeedItem",
    "FeedState",
    "FeedUpdate",
    "FetchResult",
    "ParsedFeed",
    "PostRecord",
]


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, as the feed says it (URLs raw, not canonical)."""

    link: str | None = None
    guid: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 UTC, "2019-03-23T10:00:00Z"
    origlink: str | None = None  # feedburner:origLink: the post's own address
    bodies: tuple[str, ...] = ()  # HTML bodies: full content first, then summary
    source_feed_url: str | None = None  # RSS <source url="...">
    source_entry_url: str | None = None  # Atom <source>: the original entry's link
    via_urls: tuple[str, ...] = ()  # Atom <link rel="via">
    source_title: str | None = None  # title of the RSS/Atom <source>, for evidence


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    site_url: str | None
    items: tuple[FeedItem, ...]
    warning: str | None = None  # e.g. "truncated XML: kept 3 items"


@dataclass(frozen=True, slots=True)
class Attribution:
    """A declared source of a post, as found in the item."""

    pattern: str  # which family found it, e.g. "source-article-from"
    raw_url: str  # the URL as written (entities decoded, not canonical)
    evidence: str  # visible text around the link, at most 200 characters


@dataclass(slots=True)
class FetchResult:
    """What one HTTP poll of a feed produced."""

    url: str  # the URL that was requested first
    status: int | None = None  # final HTTP status
    final_url: str | None = None  # where the body came from
    permanent_url: str | None = None  # new URL after 301/308 only
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    retry_after: float | None = None  # seconds
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the store knows about a feed before polling it."""

    id: int
    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    consecutive_failures: int = 0
    failing_since: str | None = None


class _PickledAsValues:
    """Pickled as the class and its field values in order, unpickled by calling the class.

    A worker process sends back tens of thousands of posts and edges per run;
    the default pickling of a slots dataclass looks up its fields once per
    object on both ends, which is about half the cost.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        cls = type(self)
        values = _VALUES.get(cls)
        if values is None:  # a slots dataclass's fields, in order, read by one C call
            names: tuple[str, ...] = cls.__slots__
            values = _VALUES[cls] = attrgetter(*names)  # records have several fields
        return cls, values(self)


_VALUES: dict[type, Callable[[object], tuple[object, ...]]] = {}


@dataclass(frozen=True, slots=True)
class PostRecord(_PickledAsValues):
    url: str  # canonical
    raw_url: str
    guid: str | None
    title: str | None
    published: str | None
    warning: str | None = None
    fingerprint: Fingerprint | None = None  # of its visible text (tracer.fingerprint)


@dataclass(frozen=True, slots=True)
class EdgeRecord(_PickledAsValues):
    repost_url: str  # canonical
    source_url: str  # canonical
    pattern: str
    evidence: str
    raw_source_url: str
    kind: str = "declared"  # or "inferred" (shared text, tracer.matching)
    score: float | None = None  # inferred edges: 0-1


class _Unset(Enum):
    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset.UNSET
"""A :class:`FeedChanges` field left as it is in the database (None would set NULL)."""


@dataclass(slots=True)
class FeedChanges:
    """The columns of a ``feeds`` row that one poll sets; :data:`UNSET` ones stay as they are.

    A field, not a dictionary key: a misspelled column is an error where it is
    written, not a value the store silently drops.

    >>> FeedChanges(last_status=304, next_poll_at=None).columns()
    {'last_status': 304, 'next_poll_at': None}
    """

    title: str | _Unset | None = UNSET
    site_url: str | _Unset | None = UNSET
    etag: str | _Unset | None = UNSET
    last_modified: str | _Unset | None = UNSET
    body_hash: str | _Unset | None = UNSET
    last_status: int | _Unset | None = UNSET
    last_error: str | _Unset | None = UNSET
    warning: str | _Unset | None = UNSET
    consecutive_failures: int | _Unset = UNSET
    failing_since: str | _Unset | None = UNSET
    active: int | _Unset = UNSET
    last_polled_at: str | _Unset = UNSET
    last_success_at: str | _Unset = UNSET
    next_poll_at: str | _Unset | None = UNSET
    retry_after_until: str | _Unset | None = UNSET

    def columns(self) -> dict[str, object]:
        """The fields to write, by column name."""
        values = ((f.name, getattr(self, f.name)) for f in fields(self))
        return {name: value for name, value in values if value is not UNSET}


@dataclass(slots=True)
class FeedUpdate:
    """Everything one poll decided about one feed; the store applies it atomically.

    ``feed`` holds the columns of the feeds row to set (status, error, caching
    headers, schedule); ``new_url`` moves the feed after a permanent redirect
    (the old URL becomes an alias).
    """

    feed_id: int
    feed: FeedChanges = field(default_factory=FeedChanges)
    posts: list[PostRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)
    new_url: str | None = None
    not_modified: bool = False
    error: str | None = None
