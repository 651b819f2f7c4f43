"""feedparser's date parser, the one private feedparser API tracer uses.

feedparser reads dates in dozens of forms (RFC 822 and its mistakes, W3C-DTF,
ISO 8601 variants, Korean, Greek, Hungarian…) but exposes the parser only
inside ``feedparser.parse``. The lxml reader (:mod:`tracer.plain_feeds`)
must give the same instants as feedparser for every form, so it calls the
same function. The feedparser versions it is known to work with are pinned
in ``pyproject.toml``; ``tests/test_plain_feeds.py`` fails with a clear
message if a feedparser release moves or changes it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

__all__ = ["feedparser_date"]

_Parse = Callable[[str], time.struct_time | None]


def feedparser_date(value: str) -> time.struct_time | None:
    """feedparser's reading of a feed date, as a UTC ``struct_time`` (None if unreadable).

    >>> time.strftime("%Y-%m-%d %H:%M", feedparser_date("2019-03-23 10:02"))
    '2019-03-23 10:02'
    """
    return _parser()(value)


@functools.cache
def _parser() -> _Parse:
    """feedparser's private date parser, imported on the first date the fast forms miss.

    feedparser is imported here, not with this module: the lxml reader reads
    the usual date forms itself, and a parse worker that never meets another
    form never pays for feedparser's import (≈ 0.15 s at start-up).
    """
    import feedparser.datetimes

    parse: _Parse | None = getattr(feedparser.datetimes, "_parse_date", None)
    if parse is None:
        raise RuntimeError(
            f"feedparser {feedparser.__version__} has no datetimes._parse_date:"
            " tracer needs a feedparser version in the range pinned in pyproject.toml"
        )
    return parse
