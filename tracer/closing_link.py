"""The link-only credit: a post that ends with nothing but a link to its original.

Excerpt feeds, planets and Medium end a post with one paragraph that holds a single
link to another site: "Continue reading…", "Read more »", the article's title, or
the URL itself (after a rule or at the very end). No phrase declares it; the
position and the link do. Only when no credit phrase was found in the body.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from tracer.credit_rules import SEPARATORS, clip, fold
from tracer.html_links import INVISIBLE, read_anchor_tag, read_links
from tracer.models import Attribution
from tracer.trigger_search import block_start
from tracer.urls import MAX_URL_LENGTH
from tracer.vocabulary import CONTINUE_READING

__all__ = ["closing_link_credit"]

_END_OF_BODY: Final = re.compile(
    rb"(?:\s|&nbsp;|&#160;|</?(?:p|div|span|em|strong|b|i|u|small|li|ul|ol|blockquote|section|"
    rb"article|footer|br|hr|h\d)\b[^<>]*>|<!--.*?-->"
    # a tracking pixel (Medium's, FeedBurner's): an image 0 or 1 pixel wide or high
    # (possessive: each piece is matched once, never re-split on failure)
    rb"|<img\b[^<>]*?\b(?:width|height)=[\"']?[01](?![\d.])[^<>]*>)*+\Z",
    re.I | re.S,
)
_CONTINUE: Final = re.compile(
    "(?:" + "|".join(CONTINUE_READING) + r")(?: (?:on|at|in|@|auf|sur|en|em|su|на|di|tại) .{1,60})?"
)
# (and the invisible marks an RTL blog puts around a URL: U+200F, U+2066-U+2069, …)
_DECORATION: Final = SEPARATORS + "…»›→▶►↗⟶➜➡ \u2026" + INVISIBLE
_OWN_LINK_HINT: Final = re.compile(rb"""rel=["']?(?:tag|category)|/(?:tag|category)/""")
_LINK_ONLY_TAIL: Final = 1200  # bytes at the end of a body where a closing link is looked for
# a URL that runs into an ellipsis, then only tags: a summary cut it short
_CUT_SHORT: Final = re.compile(
    rb"[^\s<>]*?(?:\.\.\.|\xe2\x80\xa6|&hellip;|&#8230;)(?:\s|</?\w[^<>]*>)*+\Z"
)
_LONGEST_LINK: Final = MAX_URL_LENGTH  # a URL …
_LONGEST_ANCHOR: Final = 2 * _LONGEST_LINK + 200  # … and a link whose text is its URL
# the tail is one word (the end of a URL) and the end of the body
_LONG_WORD_TAIL: Final = re.compile(rb"[^\s<>]+" + _END_OF_BODY.pattern, re.I | re.S)
# curly and typewriter quotes, dashes: one form each, for comparing a title (_as_title)
_STRAIGHT: Final = str.maketrans("’‘ʼ‛′“”„‟″«»–—‒―", "'''''\"\"\"\"\"\"\"----")


def closing_link_credit(raw: bytes, base: str | None, title: str | None) -> list[Attribution]:
    """A closing paragraph that holds only one link to another site, whose text is the
    URL, the post's title or "Continue reading…" (excerpt feeds, planets, Medium).

    >>> body = b'<p>Start.</p><p><a href="https://a.example/s/1/">Read more...</a></p>'
    >>> [(a.pattern, a.raw_url) for a in closing_link_credit(body, "https://blog.example/p/", None)]
    [('link-only', 'https://a.example/s/1/')]
    >>> own = body.replace(b"a.example", b"blog.example")
    >>> closing_link_credit(own, "https://blog.example/p/", None)
    []
    """
    floor = max(0, len(raw) - _LINK_ONLY_TAIL)
    close = raw.rfind(b"</a", floor)
    if close >= 0 and _END_OF_BODY.match(raw, raw.find(b">", close) + 1 or len(raw)):
        # (a long link, its URL as its text too, may open before the tail)
        at = raw.rfind(b"<a", max(0, close - _LONGEST_ANCHOR), close)
        if at < 0 or _OWN_LINK_HINT.search(raw, at, close) is not None:
            return []  # the usual end of a post: its tags and categories
        anchor = read_anchor_tag(raw[at:close].decode("utf-8", "replace"), base)
        if anchor is None:
            return []
        href, skip, home = anchor
        if href is None or skip or home or (base and _host(href) == _host(base)):
            return []  # the usual end of a post: tags, share buttons, the blog's own links
    else:
        at = raw.rfind(b"http", floor)  # a plain URL closing the body
        if at < 0 and _LONG_WORD_TAIL.match(raw, floor):  # a long one, opening before the tail
            at = raw.rfind(b"http", max(0, floor - _LONGEST_LINK), floor)
        rest = raw[at:]
        gt = rest.find(b">")
        lo = max(0, at - _LONGEST_LINK)
        if at >= 0 and (
            (gt >= 0 and b"<" not in rest[:gt])
            or b"</a" in rest
            or raw.rfind(b"<", lo, at) > raw.rfind(b">", lo, at)
        ):
            at = -1  # inside a tag's attribute (closed or not), or the text of a link
        elif at >= 0 and _CUT_SHORT.match(raw, at) is not None:
            at = -1  # a summary cut short ("https://a.example/wor…"): not the whole URL
    if at < 0:
        return []
    start = block_start(raw, max(0, at - 400), at, at + 1)
    # (no block before it: its 400 bytes, not the whole body, which may be megabytes)
    line = raw[start if start >= 0 else max(0, at - 400) :]
    window = read_links(line.decode("utf-8", "replace"), base)
    text = window.text.rstrip()
    line_start = text.rfind("\n") + 1
    links = [link for link in window.links if link.start >= line_start]
    if len(links) != 1 or links[0].skip or links[0].home:
        return []
    link = links[0]
    if base and _host(link.href) == _host(base):
        return []  # the blog's own "continue reading"
    shown = " ".join(text[link.start : link.end].split()).strip(_DECORATION)
    outside = (text[line_start : link.start] + " " + text[link.end :]).strip(_DECORATION)
    folded = fold(shown)
    says_continue = _CONTINUE.fullmatch(folded) is not None
    is_url = link.plain or folded.startswith(("http://", "https://", "www."))
    is_title = bool(title) and _as_title(folded) == _as_title(fold(" ".join(str(title).split())))
    if outside and not (
        (is_title or is_url) and _CONTINUE.fullmatch(fold(outside)) is not None
    ):
        return []  # more than the link in its paragraph
    if not (says_continue or is_url or is_title):
        return []
    return [Attribution("link-only", link.href, clip(" ".join(text[line_start:].split())))]


def _as_title(folded: str) -> str:
    """A title as it compares: WordPress curls the quotes and dashes of a post's text,
    and a feed's title may keep them straight, or the other way round.

    >>> _as_title("“new” deal – day two")
    '"new" deal - day two'
    >>> _as_title("putin’s") == _as_title("putin" + chr(39) + "s")
    True
    >>> _as_title(fold("wait… talks – day two")) == _as_title(fold("wait... talks -- day two"))
    True
    """
    # (folded, "…" is already "."; a dash typed as "--" is one)
    return folded.translate(_STRAIGHT).replace("...", ".").replace("--", "-")


def _host(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host
