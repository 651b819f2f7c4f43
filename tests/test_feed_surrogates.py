"""Numeric references to UTF-16 surrogates in a feed (tracer.feeds._surrogate_refs_joined):
a lone half must not take the first half of the pair after it."""

from __future__ import annotations

from tracer.feeds import parse_feed

FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
    "<title>S &#xDC00;&#xD83D;&#xDE00;</title><link>https://s.example/</link>"
    "<item><title>a &#55357;&#55357;&#56832; b</title><link>https://s.example/1</link></item>"
    "</channel></rss>"
)


def test_a_lone_half_before_a_pair_leaves_the_pair_whole() -> None:
    """A stray low half, or a high half with no low one, right before a whole pair is
    U+FFFD alone: the pair after it is still the emoji (was read as a broken pair of the
    stray half and the pair's first half, and the emoji lost: three U+FFFD)."""
    parsed = parse_feed(FEED.encode(), "https://s.example/feed")
    assert parsed.title == "S \ufffd😀"
    assert [item.title for item in parsed.items] == ["a \ufffd😀 b"]
