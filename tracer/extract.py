"""Item → declared attributions. Pure: no network, no database.

A repost declares its source with a *credit line*: a phrase that declares
provenance ("Source Article from", "The post … appeared first on …",
"Originally published at", "Source:", "Quelle:", "来源：", …) and the link or
plain-text URL that the phrase governs. Every other link in the body is
ignored. Feed metadata adds three more declarations: RSS ``<source url>``
(a feed), Atom ``<source>`` (the original entry) and Atom ``rel="via"``.

How a body is read, cheapest step first, one module a step:

1. :mod:`tracer.trigger_search` finds, on the body's folded bytes, where a phrase
   of the vocabulary (:mod:`tracer.credits`, compiled by :mod:`tracer.vocabulary`)
   may stand: the tail and head of the body first, where credit lines live, the
   middle only if those found nothing but the post itself (a blog's own footer).
2. :mod:`tracer.html_links` reads the lines around those places into visible text
   and link spans.
3. :mod:`tracer.credit_rules` matches the phrases on the folded text and decides
   which links they govern.
4. With no phrase anywhere, :mod:`tracer.closing_link` looks for a post that ends
   with nothing but a link to another site ("Continue reading…", its title, a URL).
5. Still nothing, and the body writes letters as character references
   (``V&iacute;a:``, ``&#1048;…``) or stretches Arabic words with tatweel
   (``المصـــدر``): steps 1-4 again on the body with those written plainly.

Order of precedence when candidates compete:

- body credit lines before feed metadata; the first body that names another
  page than the post itself (full content, then summary);
- a phrase found on the text beats the link-only rule, which runs only when no
  phrase credits anything;
- overlapping phrases: the longest wins, then the earliest, then the role
  (first-link, lead, label), but a phrase that governs no link never hides one
  that does;
- within a line every phrase that governs a link counts (two credits, two edges);
  one URL is reported once, by its first credit.

Before matching, text is normalized one character for one, so positions map back
to the markup: NFKC and lower case (full-width ``：`` and letters, ``İ``), NBSP
and symbols (emoji, bullets, curly and angle quotes, CJK punctuation) as spaces
for the trigger search.

>>> from tracer.models import FeedItem
>>> body = ('<p>Text <a href="https://www.rt.com/news/1/">Also on rt.com</a></p>'
...         '<br />Source Article from <a href="https://www.rt.com/news/2/?utm_source=rss&#038;utm_medium=rss">'
...         'https://www.rt.com/news/2/</a>')
>>> [(a.pattern, a.raw_url) for a in extract_attributions(FeedItem(bodies=(body,)))]
[('source-article-from', 'https://www.rt.com/news/2/?utm_source=rss&utm_medium=rss')]
>>> body = '<p>The post <a href="https://a.example/x/">X</a> appeared first on <a href="https://a.example/">A</a>.</p>'
>>> [(a.pattern, a.raw_url) for a in extract_attributions(FeedItem(bodies=(body,)))]
[('appeared-first-on', 'https://a.example/x/')]
>>> extract_attributions(FeedItem(bodies=("<p>Source: Reuters</p>",)))
[]
"""

from __future__ import annotations

import html
import html.entities
import re
from typing import Final

from tracer.closing_link import closing_link_credit
from tracer.credit_rules import clip, credits_in
from tracer.exceptions import InvalidURL
from tracer.html_links import read_links
from tracer.models import Attribution, FeedItem
from tracer.trigger_search import credit_windows, find_credit_phrases, has_schemeless_url
from tracer.urls import canonicalize, domain_of

__all__ = ["extract_attributions", "extract_from_html"]

# a tag or a URL in text (kept as they are), or the tatweel stretching an Arabic word
# (dropped): _read_again
_TATWEEL: Final = re.compile(
    "<[^<>]*>|(?:https?://|www\\.)[^\\s<>]*|(?<=[\u0620-\u064a])\u0640+", re.I
)
_SMALL: Final = 1536  # bodies up to this many bytes are scanned whole
_TAIL: Final = 1024  # else: the last bytes …
_HEAD: Final = 512  # … and the first bytes, then the middle only if nothing was found there
_OVERLAP: Final = 256
# the named references of one letter ("iacute;" → "í"), for _letters_decoded
_LETTER_NAMES: Final = {
    name: char
    for name, char in html.entities.html5.items()
    if name.endswith(";") and len(char) == 1 and char.isalpha()
}
# A character reference that may be a letter's: not one of the punctuation, spaces and
# markup ones bodies are full of (&amp; &nbsp; &#8217; …), so a body with only those
# costs one scan in C and no call per reference
_REFERENCE: Final = re.compile(
    r"(?i)&(?!(?:amp|nbsp|quot|lt|gt|apos|hellip|[mn]dash|[lr]s?quo|[lr]dquo|[lr]aquo|[sb]dquo|"
    r"sbquo|copy|reg|trade|bull|middot|euro|pound|shy|thinsp|ensp|emsp|zwn?j|lrm|rlm|"
    r"#(?:[0-9]{1,2}|1[0-8][0-9]|19[01]|8(?:19[2-9]|2[0-9][0-9]|30[0-3])|"
    r"x(?:[0-9a-f]{1,2}|20[0-6][0-9a-f]));))"
    r"(?:#[0-9]{2,7}|#x[0-9a-f]{2,6}|[a-z][a-z0-9]{1,31});"
)
# Letters read as ASCII before anything else (one character for one): full-width forms
# ("Ｓｏｕｒｃｅ") and the Turkish capital dotted I ("İlk olarak"), which lower-cases to two.
_FULL_WIDTH: Final = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u0130]")
_ASCII_WIDTH: Final = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)} | {0x130: ord("I")}


def extract_attributions(item: FeedItem) -> list[Attribution]:
    """The declared sources of ``item``, first found first, without duplicate URLs.

    Body credit lines come first (the first body that names another page than
    the post itself: full content, then summary), then the feed's metadata
    (RSS/Atom ``<source>``, Atom ``rel="via"``).
    """
    base = item.origlink or item.link
    found: list[Attribution] = []
    last = len(item.bodies) - 1
    for number, body in enumerate(item.bodies):
        in_body = extract_from_html(body, base, item.title)
        if not in_body:
            continue
        # (the last body with nothing before it: no need to ask whom it names)
        if (number == last and not found) or _names_another(in_body, item.link, item.origlink):
            found = in_body
            break
        found = found or in_body  # only the post itself (its own footer): read on
    if item.source_entry_url:
        title = f" {item.source_title}" if item.source_title else ""
        found.append(
            Attribution(
                "atom-source",
                item.source_entry_url,
                clip(f"Atom <source>{title}: {item.source_entry_url}"),
            )
        )
    if item.source_feed_url:
        title = f" {item.source_title}" if item.source_title else ""
        found.append(
            Attribution(
                "rss-source",
                item.source_feed_url,
                clip(f"RSS <source>{title}: {item.source_feed_url}"),
            )
        )
    for via in item.via_urls:
        found.append(Attribution("atom-via", via, clip(f'Atom <link rel="via">: {via}')))
    unique: list[Attribution] = []
    seen: set[str] = set()
    for attribution in found:
        if attribution.raw_url not in seen:
            seen.add(attribution.raw_url)
            unique.append(attribution)
    return unique


def extract_from_html(
    body: str, base: str | None = None, title: str | None = None
) -> list[Attribution]:
    """Credit lines in one HTML body; relative links are resolved against ``base``.

    >>> [a.raw_url for a in extract_from_html('<p>Quelle: <a href="/a?x=1&amp;y=2">A</a></p>',
    ...                                        "https://b.example/post/")]
    ['https://b.example/a?x=1&y=2']
    >>> [a.raw_url for a in extract_from_html("Source: https://a.example/story-1/).")]
    ['https://a.example/story-1/']
    """
    if not body:
        return []
    found = _credits_in_body(body, base, title)
    if not found:
        again = _read_again(body)
        if again is not None:
            found = _credits_in_body(again, base, title)  # once: no third reading
    unique: dict[str, Attribution] = {}
    for attribution in found:
        unique.setdefault(attribution.raw_url, attribution)
    return list(unique.values())


def _credits_in_body(body: str, base: str | None, title: str | None) -> list[Attribution]:
    raw = body.encode("utf-8", "surrogatepass")
    if not body.isascii() and _may_be_wide(raw) and _FULL_WIDTH.search(body) is not None:
        raw = body.translate(_ASCII_WIDTH).encode("utf-8", "surrogatepass")
    if not _may_link(raw):
        return []  # every credit names a link or a URL: a summary without one has none
    size = len(raw)
    if size <= _SMALL:
        found = _credits_in_spans(raw, [(0, size)], base)
    else:
        found = _credits_in_spans(raw, [(size - _TAIL, size), (0, _HEAD)], base)
        # the middle too when the ends name nothing but the post itself: a blog's own
        # footer ("The post <a>X</a> appeared first on <a>Blog</a>", Yoast's default)
        if not _names_another(found, base):
            found += _credits_in_spans(raw, [(_HEAD - _OVERLAP, size - _TAIL + _OVERLAP)], base)
    if not found:
        found = closing_link_credit(raw, base, title)
    return found


def _read_again(body: str) -> str | None:
    """``body`` as it reads with its words written plainly, or None if they are:
    letters written as character references decoded (:func:`_letters_decoded`),
    Arabic words stretched with tatweel joined (``المصـــدر`` → ``المصدر``; outside
    tags and URLs, which keep their letters).

    >>> _read_again("<p>المصـــدر: <a href='https://a.example/مـ'>مـ</a></p>")
    "<p>المصدر: <a href='https://a.example/مـ'>م</a></p>"
    >>> _read_again("<p>Source: plain</p>") is None
    True
    """
    again = body
    if "&" in body:
        again = _letters_decoded(body) or body  # "V&iacute;a:", "&#1048;&#1089;…" (Источник)
    if "\u0640" in again:
        again = _TATWEEL.sub(_tag_or_nothing, again)
    return again if again != body else None


def _tag_or_nothing(found: re.Match[str]) -> str:
    return "" if found.group()[0] == "\u0640" else found.group()


def _letters_decoded(body: str) -> str | None:
    """``body`` with its character references of letters decoded, or None if it has
    none: an editor that saves accents as named references (CKEditor's default) or a
    feed that escapes every non-ASCII letter hides credit words from the trigger
    search, which reads the bytes as they are. Other references (``&amp;``,
    ``&#8217;``, ``&nbsp;``) stay as they are: decoding them could change the markup.

    >>> _letters_decoded("<p>V&iacute;a: <a href='x?a=1&amp;b=2'>A &amp; B</a></p>")
    "<p>Vía: <a href='x?a=1&amp;b=2'>A &amp; B</a></p>"
    >>> _letters_decoded("&#1048;&#x441;&#1090;&#1086;&#1095;&#1085;&#1080;&#1082;: &#8217;")
    'Источник: &#8217;'
    >>> _letters_decoded("It&#8217;s &nbsp;here &amp; now") is None
    True
    """
    decoded = _REFERENCE.sub(_letter_or_as_is, body)
    return decoded if decoded != body else None


def _letter_or_as_is(found: re.Match[str]) -> str:
    reference = found.group()
    if reference[1] != "#":
        return _LETTER_NAMES.get(reference[1:], reference)
    number = int(reference[3:-1], 16) if reference[2] in "xX" else int(reference[2:-1])
    char = chr(number) if 0 < number <= 0x10FFFF else ""
    return char if char.isalpha() else reference


def _names_another(found: list[Attribution], *own: str | None) -> bool:
    """Does ``found`` name a page other than the post's own addresses ``own`` (which
    :func:`tracer.posts.post_and_edges` drops), compared by canonical key?

    >>> own = Attribution("appeared-first-on", "https://blog.example/p/?utm_source=rss", "")
    >>> _names_another([own], "https://blog.example/p/"), _names_another([], None)
    (False, False)
    >>> _names_another([own], None)
    True
    """
    if not found:
        return False
    hosts = {domain_of(url) for url in own if url}  # a quick test before keys are made
    keys: set[str] | None = None
    for attribution in found:
        if domain_of(attribution.raw_url) not in hosts:
            return True  # (most credits: another site, no key made)
        if keys is None:
            keys = {_key(url) for url in own if url}
        if _key(attribution.raw_url) not in keys:
            return True
    return False


def _key(url: str) -> str:
    try:
        return canonicalize(url)
    except InvalidURL:
        return url


def _may_be_wide(raw: bytes) -> bool:
    """Could the body encoded as ``raw`` hold a character of ``_FULL_WIDTH``? Its UTF-8
    starts with one of these pairs, found by a byte search where the character class
    would test every character of a non-ASCII body.

    >>> [_may_be_wide(text.encode()) for text in ("Ｓｏｕｒｃｅ", "İlk", "Источник")]
    [True, True, False]
    """
    return b"\xef\xbc" in raw or b"\xef\xbd" in raw or b"\xc4\xb0" in raw


def _may_link(raw: bytes) -> bool:
    """Does ``raw`` hold an anchor or something that reads as a URL?

    >>> _may_link(b"<p>Text [&#8230;]</p>"), _may_link(b"Source: t.me/channel/12")
    (False, True)
    """
    return (
        b"href" in raw
        or b"http" in raw
        or b"www." in raw
        or b"HREF" in raw
        or b"HTTP" in raw
        or has_schemeless_url(raw, 0, len(raw))  # "t.me/channel/12"
    )


def _credits_in_spans(
    raw: bytes, spans: list[tuple[int, int]], base: str | None
) -> list[Attribution]:
    positions, phrases = find_credit_phrases(raw, spans)
    if not positions:
        return []
    results: list[Attribution] = []
    for start, end in credit_windows(raw, positions):
        results += credits_in(read_links(raw[start:end].decode("utf-8", "replace"), base), phrases)
    return results
