"""One feed item → the post to store and its declared edges. Pure: no I/O.

The post's identity is its canonical URL: ``feedburner:origLink`` when the
feed gives one, else the item's link (else a guid that is a URL). Each
attribution's URL is canonicalized; an invalid one becomes a warning on the
post (never an exception), and a source that is the post itself (its link or
its origLink, in any spelling) is not an edge. A guid longer than a URL key
may be (:data:`tracer.urls.MAX_KEY_LENGTH`) is not kept: it is indexed, and
PostgreSQL would refuse the feed's write.
"""

from __future__ import annotations

from tracer.exceptions import InvalidURL
from tracer.extract import extract_attributions
from tracer.fingerprint import fingerprint_item
from tracer.models import EdgeRecord, FeedItem, PostRecord
from tracer.urls import MAX_KEY_LENGTH, canonicalize

__all__ = ["post_and_edges"]


def post_and_edges(
    item: FeedItem, fingerprint: bool = False
) -> tuple[PostRecord | None, list[EdgeRecord]]:
    """The post and its declared edges for one feed item (None if it has no usable URL).

    With ``fingerprint``, the post carries the fingerprint of its visible text
    (:func:`tracer.fingerprint.fingerprint_item`), for finding copies.
    """
    raw = item.origlink or item.link or (item.guid if _looks_like_url(item.guid) else None)
    if not raw:
        return None, []
    try:
        post_url = canonicalize(raw)
    except InvalidURL:
        return None, []
    warnings: list[str] = []
    edges: list[EdgeRecord] = []
    # the post's own spellings; the one it was keyed by is not canonicalized twice
    own = {post_url} | {
        post_url if u == raw else _canonical_or_none(u) for u in (item.link, item.origlink)
    }
    seen: set[str] = set()
    for attribution in extract_attributions(item):
        try:
            source_url = canonicalize(attribution.raw_url)
        except InvalidURL as exc:
            warnings.append(f"{attribution.pattern}: {exc}")
            continue
        if source_url in own or source_url in seen:
            continue  # a self-reference, or a second spelling of a source already kept
        seen.add(source_url)
        edges.append(
            EdgeRecord(
                post_url, source_url, attribution.pattern, attribution.evidence, attribution.raw_url
            )
        )
    post = PostRecord(
        post_url,
        raw,
        _kept_guid(item.guid),
        item.title,
        item.published,
        "; ".join(warnings) or None,
        fingerprint_item(item.title, item.bodies) if fingerprint else None,
    )
    return post, edges


def _kept_guid(guid: str | None) -> str | None:
    """The guid, unless it is longer than a key may be (in UTF-8 bytes).

    >>> _kept_guid("tag:example.org,2026:1"), _kept_guid("x" * 5000)
    ('tag:example.org,2026:1', None)
    """
    if guid is None or len(guid) * 4 <= MAX_KEY_LENGTH or len(guid.encode()) <= MAX_KEY_LENGTH:
        return guid
    return None


def _canonical_or_none(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return canonicalize(raw)
    except InvalidURL:
        return None


def _looks_like_url(value: str | None) -> bool:
    return bool(value) and str(value).lower().startswith(("http://", "https://"))
