"""Counts in words for the lines people read: ``1 feed``, ``2 feeds``.

Only for human output (stderr summaries, plain listings, the report's text);
``--json`` keys never change with the count.
"""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """``count`` and its noun, singular for exactly one (``plural`` defaults to noun + s);
    ``grouped`` writes thousands separators (the report).

    >>> counted(1, "feed"), counted(0, "feed"), counted(12, "new post")
    ('1 feed', '0 feeds', '12 new posts')
    >>> counted(1, "match", "matches"), counted(3, "match", "matches")
    ('1 match', '3 matches')
    >>> counted(1200, "repost", grouped=True), counted(1200, "repost")
    ('1,200 reposts', '1200 reposts')
    """
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {singular if count == 1 else plural or singular + 's'}"
