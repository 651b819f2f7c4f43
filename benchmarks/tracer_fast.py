"""Run the tracer CLI with :func:`tracer.fastparse.parse_fast` tried before feedparser.

For the benchmark only, until ``tracer/feeds.py`` calls the fast path itself:
``python benchmarks/tracer_fast.py --db X poll --all`` behaves exactly like
``tracer --db X poll --all`` except that a feed the fast path understands is
read with lxml (same result, see tests/test_fastparse.py).
"""

from __future__ import annotations

from tracer import decide, feeds
from tracer.cli import main
from tracer.fastparse import parse_fast
from tracer.models import ParsedFeed

_feedparser_path = feeds.parse_feed


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    return parse_fast(body, url, content_type) or _feedparser_path(body, url, content_type)


feeds.parse_feed = parse_feed
decide.parse_feed = parse_feed  # type: ignore[attr-defined]

if __name__ == "__main__":
    main()
