"""The stored posts that share text with one post (``tracer copies``), with how edges link them."""

from __future__ import annotations

from typing import Any

from tracer.matching import Matcher, PostRef
from tracer.store import Store
from tracer.urls import domain_of

__all__ = ["copies_of", "has_text"]


def _fingerprinted(store: Store, url: str) -> PostRef | None:
    row = store.execute(
        "SELECT p.id, p.url, f.domain_id, p.published, p.first_seen FROM posts AS p"
        " JOIN fingerprints AS f ON f.post_id = p.id WHERE p.url = ?",
        [url],
    ).fetchone()
    return None if row is None else PostRef(*row)


def has_text(store: Store, url: str) -> bool:
    """Whether ``url`` is a stored post with a fingerprint of its text (what
    :func:`copies_of` compares); a cited page tracer never polled has none."""
    return _fingerprinted(store, url) is not None


def copies_of(store: Store, url: str) -> list[dict[str, Any]]:
    """Every stored post on another site sharing text with post ``url``, earliest first.

    Each row: ``url``, ``domain``, ``score`` (0-1), ``relation`` (``earlier``
    or ``later`` than ``url``, by published date, else first seen),
    ``published``, ``first_seen``, and how edges link the two:
    ``declared_edge`` / ``inferred_edge`` = ``"from"`` (``url`` cites it),
    ``"to"`` (it cites ``url``) or null. Empty for a URL that is no
    fingerprinted post.
    """
    post = _fingerprinted(store, url)
    if post is None:
        return []
    matcher = Matcher(store.engine)
    result = []
    for match in sorted(
        matcher.stored_matches(post), key=lambda m: m.post.order
    ):
        other = match.post.url
        links: dict[str, str | None] = {"declared": None, "inferred": None}
        for repost, kind in store.execute(
            "SELECT repost_url, kind FROM edges WHERE (repost_url = :a AND source_url = :b)"
            " OR (repost_url = :b AND source_url = :a)",
            {"a": url, "b": other},
        ):
            links[kind] = "from" if repost == url else "to"
        result.append(
            {
                "url": other,
                "domain": domain_of(other),
                "score": match.score,
                "relation": "earlier" if match.post.order < post.order else "later",
                "published": match.post.published,
                "first_seen": match.post.first_seen,
                "declared_edge": links["declared"],
                "inferred_edge": links["inferred"],
            }
        )
    return result
