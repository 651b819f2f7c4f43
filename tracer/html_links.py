r"""HTML fragment → its visible text and the links in it. Pure; no DOM.

A small regex tokenizer for the few lines around a credit: tags become line
breaks (block elements) or nothing (inline ones), character references are
decoded, ``<script>``/``<style>``/``<figcaption>``… are skipped, and every
``<a href>`` becomes a :class:`Link` span over the text, as does every plain-text
URL. What an anchor's attributes say (its address, whether it is a share
button, a tag, an image or a site's home page) is read by :func:`read_anchor`.

>>> text = read_links('<p>Source: <a href="/a/1/" rel="nofollow">One</a></p><p>www.b.example/x</p>',
...                   "https://blog.example/p/")
>>> text.text
'Source: One\nwww.b.example/x\n'
>>> [(link.href, text.text[link.start : link.end]) for link in text.links]
[('https://blog.example/a/1/', 'One'), ('https://www.b.example/x', 'www.b.example/x')]
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin, urlsplit

__all__ = ["INVISIBLE", "Link", "LinkedText", "read_anchor", "read_anchor_tag", "read_links"]

_TAG: Final = re.compile(
    # possessive: a tag that never closes fails at once instead of backtracking
    r"<(?:(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>\"']++|\"[^\"]*\"|'[^']*')*+)>|!--.*?-->|![^>]*>|\?[^>]*>)",
    re.S,
)
_ATTR: Final = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
)
_BLOCK_NAMES: Final = (
    "p br div li ul ol h1 h2 h3 h4 h5 h6 tr td th table blockquote section article header "
    "footer aside nav hr dd dt dl pre figure main address details summary center"
)
_BLOCK: Final = frozenset(_BLOCK_NAMES.split())
_SKIP: Final = frozenset(
    ("script", "style", "noscript", "template", "figcaption", "svg", "select", "button", "iframe")
)
# a picture's caption outside <figcaption>: WordPress's classic [caption] gives
# <p class="wp-caption-text">; "Source: <a>" there credits the picture, not the post
_CLASS: Final = re.compile(r"""(?i)(?<![\w-])class\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_CAPTION_CLASSES: Final = frozenset(
    (
        "wp-caption-text",  # WordPress's classic [caption]
        "wp-element-caption",  # Gutenberg's, on <figcaption> (skipped anyway)
        "caption",
        "caption-text",
        "image-caption",
        "img-caption",
        "photo-caption",
        "picture-caption",
        "media-caption",
        "figure-caption",
        "attachment-caption",
    )
)
_PLAIN_URL: Final = re.compile(
    r"(?i:https?://|www\.|(?<![\w@./-])(?:[a-z0-9-]+\.)+[a-z]{2,24}/(?=[^\s/]))"
    r"[^\s<>\"'`\u3000-\u303f\uff00-\uffef]*"
)
_TRAILING: Final = ".,;:!?'\"»”’…)]}>*"
# Marks no URL holds at its ends: zero-width and direction marks, a byte order mark, a
# soft hyphen, the word joiner (an RTL blog wraps a URL in U+200F; editors add U+200B)
INVISIBLE: Final = (
    "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad\u2060"
)
# … and the ones a URL shown as text may hold inside, as hints where to wrap it
_WRAP_HINTS: Final = re.compile("[\u200b\u00ad\u2060\ufeff]")
_PARAGRAPH_BREAK: Final = re.compile(r"\n[ \t\r\f\v]*\n")
_SHARE: Final = re.compile(
    r"(?i)^(?:mailto|tel|sms|whatsapp|fb-messenger|viber|tg):|"
    r"//(?:www\.|m\.|mobile\.|api\.|web\.)?(?:facebook\.com/(?:sharer|share\.php|dialog/share)|"
    r"(?:twitter|x)\.com/(?:intent|share|home\?status)|t\.me/share|telegram\.me/share|"
    # a Telegram bot ("via @somebot" under a message a bot posted): not a source
    r"(?:t|telegram)\.me/\w+bot(?![\w])|"
    r"vk\.com/share|vkontakte\.ru/share|linkedin\.com/(?:share|cws/share|sharearticle)|"
    r"pinterest\.[a-z.]+/pin/create|reddit\.com/submit|wa\.me/|whatsapp\.com/send|"
    r"connect\.ok\.ru/|ok\.ru/dk\?st\.cmd=addshare|getpocket\.com/(?:save|edit)|"
    r"tumblr\.com/(?:share|widgets/share)|plus\.google\.com/share|news\.ycombinator\.com/submit|"
    r"flipboard\.com/bookmarklet|buffer\.com/add|digg\.com/submit|mix\.com/add|"
    r"service\.weibo\.com/share|social-plugins\.line\.me|line\.me/R/msg|b\.hatena\.ne\.jp/add|"
    r"xing\.com/spi/shares|addtoany\.com/share|sharethis\.com)"
)
# addresses that lead nowhere: an anchor with one is read as text (_read_attributes)
_DEAD_HREFS: Final = frozenset(("", "#", "#!"))
# the same test in two parts, each with a literal start the regex engine can skip to
_SHARE_SCHEME: Final = re.compile(_SHARE.pattern[: _SHARE.pattern.index(":|//") + 1])
_SHARE_HOST: Final = re.compile("(?i)" + _SHARE.pattern[_SHARE.pattern.index(":|//") + 2 :])
# every host _SHARE_HOST names (with any subdomain): a cheap first test, per host
_SHARE_DOMAIN: Final = re.compile(
    r"(?:^|\.)(?:facebook\.com|twitter\.com|x\.com|t\.me|telegram\.me|vk\.com|vkontakte\.ru|"
    r"linkedin\.com|pinterest\.[a-z.]+|reddit\.com|wa\.me|whatsapp\.com|ok\.ru|getpocket\.com|"
    r"tumblr\.com|plus\.google\.com|news\.ycombinator\.com|flipboard\.com|buffer\.com|digg\.com|"
    r"mix\.com|service\.weibo\.com|line\.me|b\.hatena\.ne\.jp|xing\.com|addtoany\.com|"
    r"sharethis\.com)(?::\d+)?$"
)
_SHARE_HOSTS: Final[dict[str, bool]] = {}
_IMAGE_FILE: Final = re.compile(r"(?i)\.(?:jpe?g|png|gif|webp|svg|bmp|avif|tiff?)(?:[?#].*)?$")
_REFERENCE: Final = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_WRAPPED: Final = re.compile(r"[\t\n\r]")  # browsers drop these from URLs
_HOME: Final = re.compile(r"(?i)https?://[^/?#\s]+/?(?:#.*)?$")
_OWN_SECTION: Final = re.compile("/(?:tag|tags|category|categories|author|feed)/")
_SCHEMELESS_HOST: Final = re.compile(r"www\.(?:[a-z0-9-]+\.)+[a-z]{2,24}(?:[/?#:]|$)")
_ABSOLUTE: Final = ("http://", "https://", "javascript:", "data:")  # never joined to a base


@dataclass(slots=True)
class Link:
    """A link over ``LinkedText.text[start:end]``."""

    start: int
    end: int
    href: str
    skip: bool = False  # share button, tag, more-link, image: never a source
    home: bool = False  # a site's home page: names a site, not an article
    plain: bool = False  # a plain-text URL, not an anchor


class LinkedText:
    """Visible text, one line per block, and the links over it (sorted by start).

    The links are worked out on first use: most windows around a loose trigger
    turn out to hold no credit phrase, and their links are never looked at.
    """

    __slots__ = ("_anchors", "_base", "_links", "images", "text")

    def __init__(
        self,
        text: str,
        links: list[Link] | None = None,
        anchors: list[_Anchor] | None = None,
        base: str | None = None,
        images: list[int] | None = None,
    ) -> None:
        self.text = text
        self._links = links
        self._anchors = anchors or []
        self._base = base
        self.images = images or []  # where an <img> stood in the text, in order

    @property
    def base(self) -> str | None:
        """The address relative links were read against (the post's), if any."""
        return self._base

    @property
    def links(self) -> list[Link]:
        if self._links is None:
            self._links = _links_of(self.text, self._anchors, self._base)
        return self._links

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LinkedText):
            return NotImplemented
        return (self.text, self.links) == (other.text, other.links)

    def __repr__(self) -> str:
        return f"LinkedText(text={self.text!r}, links={self.links!r})"


class _Anchor:
    """An ``<a>`` tag as read: its attributes, where its text starts and ends, and
    whether an image opens it."""

    __slots__ = ("attributes", "end", "image", "start")

    def __init__(self, attributes: str | None, start: int) -> None:
        self.attributes = attributes
        self.start = self.end = start
        self.image = False


class _Text:
    """Visible text as it is built: white space collapsed, blocks as line breaks."""

    __slots__ = ("last", "parts", "size")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0  # characters so far: where the next piece starts
        self.last = "\n"  # the last character so far

    def add(self, text: str) -> None:
        if "&" in text:
            text = _unescape(text)
        if "\n" in text and _PARAGRAPH_BREAK.search(text):
            for number, paragraph in enumerate(_PARAGRAPH_BREAK.split(text)):
                if number:
                    self.brk()
                self.add(paragraph)
            return
        words = text.split()
        if not words:
            if text and self.last not in " \n":
                self.parts.append(" ")
                self.size += 1
                self.last = " "
            return
        out = " ".join(words)
        if text[0].isspace() and self.last not in " \n":
            out = " " + out
        if text[-1].isspace():
            out += " "
        self.parts.append(out)
        self.size += len(out)
        self.last = out[-1]

    def brk(self) -> None:
        parts = self.parts
        if self.last == " ":
            parts[-1] = parts[-1][:-1]
            self.size -= 1
            self.last = next((part[-1] for part in reversed(parts) if part), "\n")
        if self.last != "\n":
            parts.append("\n")
            self.size += 1
            self.last = "\n"


def read_links(markup: str, base: str | None) -> LinkedText:
    """The visible text of ``markup`` (blocks as line breaks) and its links, in order."""
    out = _Text()
    anchors: list[_Anchor] = []
    images: list[int] = []
    current: _Anchor | None = None
    lowered: str | None = None
    at = 0
    tags = _TAG.finditer(markup)
    while True:
        for match in tags:
            start = match.start()
            if start > at:
                out.add(markup[at:start])
            at = match.end()
            closing, name, attributes = match.groups()
            if name is None:
                continue  # comment, doctype, processing instruction
            name = name.lower()
            if name == "a":
                if current is not None:
                    current.end = out.size
                    current = None
                if not closing:
                    current = _Anchor(attributes, out.size)
                    anchors.append(current)
            elif name in _BLOCK and (closing or not _is_caption(attributes)):
                out.brk()
            elif name == "img":
                if current is None and not closing and not not_a_picture(attributes):
                    images.append(out.size)
                if current is not None and out.size == current.start:
                    current.image = True
            elif not closing and (
                name in _SKIP
                or ((name in _BLOCK or name == "span") and _is_caption(attributes))
            ):
                if lowered is None:
                    lowered = markup.lower()
                close = lowered.find(f"</{name}", at)
                at = len(markup) if close < 0 else (markup.find(">", close) + 1 or len(markup))
                out.brk()
                tags = _TAG.finditer(markup, at)  # the tags after the skipped element
                break
        else:
            break
    out.add(markup[at:])
    if current is not None:
        current.end = out.size
    return LinkedText("".join(out.parts), anchors=anchors, base=base, images=images)


# An <img> that is no picture a credit line could stand under: a tracking pixel (width or
# height 0-2: WordPress.com's stats, Feedburner's, Medium's), an emoji WordPress turned
# into an image (class "wp-smiley"/"emoji", s.w.org's emoji files)
_NOT_A_PICTURE: Final = re.compile(
    r"""(?i)(?<![\w-])(?:width|height)\s*=\s*["']?[0-2](?:px)?(?![\d.])|smiley|emoji"""
)


def not_a_picture(attributes: str) -> bool:
    """Whether an ``<img>`` tag's attributes say it is a pixel or an emoji, not a picture.

    >>> not_a_picture('src="https://pixel.example/b.gif" width="1" height="1"')
    True
    >>> not_a_picture('class="wp-smiley" alt="📰" src="https://s.w.org/x/1f4f0.png"')
    True
    >>> not_a_picture('src="dam.jpg" width="1200" height="800"')
    False
    """
    return _NOT_A_PICTURE.search(attributes) is not None


def _is_caption(attributes: str) -> bool:
    """Does a tag with these attributes hold a picture's caption (by its class)?

    >>> _is_caption(' class="wp-caption-text"'), _is_caption(" class='entry has-caption'")
    (True, False)
    """
    if "aption" not in attributes:
        return False
    found = _CLASS.search(attributes)
    if found is None:
        return False
    value = found.group(1) or found.group(2) or found.group(3) or ""
    return any(token in _CAPTION_CLASSES for token in value.lower().split())


def _links_of(text: str, anchors: list[_Anchor], base: str | None) -> list[Link]:
    """The links of a text: its anchors that have an address, then its plain-text URLs."""
    links: list[Link] = []
    for anchor in anchors:
        attributes = anchor.attributes
        read = (
            _ANY_BASE.get(attributes)
            or _ANCHORS.get((attributes, base))
            or read_anchor(attributes, base)
        )
        href = read[0]
        if href is not None:
            skip = read[1] or (anchor.image and _IMAGE_FILE.search(href) is not None)
            links.append(Link(anchor.start, anchor.end, href, skip, read[2]))
    # every plain-text URL has a "/" (scheme, path) or starts with "www."
    if "/" not in text and "w." not in text and "W." not in text:
        return links  # anchors only: already in order
    spans = [link for link in links if link.end > link.start or link.skip]
    added = False
    for found in _PLAIN_URL.finditer(text):
        start = found.start()
        if any(link.start <= start < link.end for link in spans):
            continue
        url = shown = _trim_url(found.group(0))
        if found.group(0)[len(shown) :].startswith(("…", "...")):
            continue  # "https://a.example/wor…": a summary cut the URL short
        if not url.isascii():
            url = _WRAP_HINTS.sub("", url)  # "https://a.example/news/&#8203;1"
        if not url.lower().startswith(("http://", "https://")):
            # "www.site.example/path" or "t.me/channel/123": a URL without its scheme
            if "/" not in url or (url.endswith("/") and url.count("/") == 1):
                continue  # a bare site name
            url = "https://" + url
        plain = Link(start, start + len(shown), url, plain=True, home=_is_home(url))
        links.append(plain)
        added = True
    if added:
        links.sort(key=_start)
    return links


def _start(link: Link) -> int:
    return link.start


def _unescape(text: str) -> str:
    """Decode character references that end with ``;`` (``&amp;``, ``&#038;``, ``&eacute;``).

    Legacy references without ``;`` are left alone: in a URL ``&region=eu`` is a
    parameter, not ``®ion=eu``.

    >>> _unescape("?a=1&#038;b=2&amp;region=eu&copy=1 &eacute;")
    '?a=1&b=2&region=eu&copy=1 é'
    >>> _unescape("?a=1&#038;b=2&#038;c=3"), _unescape("&#038;amp;")
    ('?a=1&b=2&c=3', '&amp;')
    """
    if "&" not in text:
        return text
    ampersands = text.count("&")
    # the usual case, WordPress's "&#038;" or "&amp;" alone: no regex needed
    for reference in ("&#038;", "&amp;"):
        if text.count(reference) == ampersands:
            return text.replace(reference, "&")
    return _REFERENCE.sub(_decode_reference, text)


def _decode_reference(match: re.Match[str]) -> str:
    reference = match.group(0)
    decoded = _DECODED.get(reference)
    if decoded is None:
        decoded = html.unescape(reference)
        if len(_DECODED) < 4096:
            _DECODED[reference] = decoded
    return decoded


_DECODED: Final[dict[str, str]] = {}


# The same anchors come back in every post of a feed (share buttons, tags, the
# site's home): what an anchor's attributes say is read once. Most anchors read the
# same whatever the post's address (an absolute link outside the blog's own tag,
# category and author sections): those are remembered by their attributes alone,
# the others by attributes and base.
_ANCHOR_CACHE: Final = 4096
_ANCHORS: Final[dict[tuple[str | None, str | None], tuple[str | None, bool, bool]]] = {}
_ANY_BASE: Final[dict[str | None, tuple[str | None, bool, bool]]] = {}


def read_anchor(attributes: str | None, base: str | None) -> tuple[str | None, bool, bool]:
    """:func:`_parse_anchor`, remembered: a feed repeats the same anchors in every post.

    >>> read_anchor(' href="https://a.example/x/"', "https://b.example/p/")
    ('https://a.example/x/', False, False)
    >>> read_anchor(' href="https://a.example/x/"', None)  # the same whatever the base
    ('https://a.example/x/', False, False)
    >>> read_anchor(' href="/x/"', "https://b.example/p/"), read_anchor(' href="/x/"', None)
    (('https://b.example/x/', False, False), ('/x/', False, False))
    """
    read = _ANY_BASE.get(attributes) or _ANCHORS.get((attributes, base))
    if read is None:
        read, any_base = _read_attributes(attributes or "", base)
        if any_base:
            if len(_ANY_BASE) >= _ANCHOR_CACHE:
                _ANY_BASE.clear()
            _ANY_BASE[attributes] = read
        else:
            if len(_ANCHORS) >= _ANCHOR_CACHE:
                _ANCHORS.clear()
            _ANCHORS[(attributes, base)] = read
    return read


def _parse_anchor(attributes: str, base: str | None) -> tuple[str | None, bool, bool]:
    """``(href, skip, home)`` of an ``<a>`` tag's attributes (``href`` None: not a link).

    >>> _parse_anchor(' href="/tag/x/" rel="tag"', "https://b.example/p/")
    ('/tag/x/', True, False)
    >>> _parse_anchor(" href='https://a.example/'", None)
    ('https://a.example/', False, True)
    >>> _parse_anchor(' href="#" onclick="window.open(this.title)"', None)
    (None, False, False)
    """
    return _read_attributes(attributes, base)[0]


def _read_attributes(
    attributes: str, base: str | None
) -> tuple[tuple[str | None, bool, bool], bool]:
    """:func:`_parse_anchor` and whether its answer is the same for every ``base``."""
    # an unquoted or single-quoted value, else the double-quoted one (maybe empty)
    values = {}
    for name, double, single, bare in _ATTR.findall(attributes):
        values[name.lower()] = double or single or bare
    href = values.get("href")
    if href is None:
        return (None, False, False), True
    if "&" in href:
        href = _unescape(href)
    if "\n" in href or "\r" in href or "\t" in href:
        href = _WRAPPED.sub("", href)
    href = href.strip()
    if href and (href[0] in INVISIBLE or href[-1] in INVISIBLE):
        href = href.strip(INVISIBLE).strip()  # "\u200fhttps://…": else read as relative
    if href in _DEAD_HREFS:
        # an address a template left empty, or a script's anchor: not a link, its text
        # is read as text ("Source Article from <a href=''>https://…</a>": the URL shown;
        # a javascript: address stays a link, to be reported as not a web address)
        return (None, False, False), True
    lowered = href.lower()
    rel = values["rel"].lower().split() if "rel" in values else ()
    classes = values["class"].lower().split() if "class" in values else ()
    if (
        not href
        or href.startswith("#")
        or "tag" in rel
        or "category" in rel
        or (
            bool(classes)  # most anchors have no class: no generator to make
            and any(
                c in ("more-link", "tag", "category") or c.startswith(("share", "social"))
                for c in classes
            )
        )
        or (not lowered.startswith("http") and _SHARE_SCHEME.match(lowered))
        or (_may_share(lowered) and _SHARE_HOST.search(lowered))
        or _IMAGE_FILE.search(href)
    ):
        return (href, True, False), True
    if lowered.startswith("www.") and _SCHEMELESS_HOST.match(lowered) is not None:
        # "www.origin.example/a" typed without its scheme: a browser would read it as a
        # path on the blog, but the writer named another site
        href, lowered = "https://" + href, "https://" + lowered
    absolute = lowered.startswith(_ABSOLUTE)
    own = _OWN_SECTION.search(href) is not None
    # absolute, and outside any tag, category or author section: base plays no part
    any_base = absolute and not own
    if base and not absolute:
        href = urljoin(base, href)
        own = _OWN_SECTION.search(href) is not None
    if base and own and urlsplit(href).netloc == urlsplit(base).netloc:
        return (href, True, _is_home(href)), any_base
    return (href, False, _is_home(href)), any_base



def _may_share(lowered: str) -> bool:
    """Could ``lowered`` be a share button's URL? False for most links at once: one
    "//" whose host is not a sharing service (remembered per host).

    >>> _may_share("https://www.facebook.com/sharer/sharer.php?u=x"), _may_share("https://a.example/x")
    (True, False)
    >>> _may_share("https://a.example/go?u=https://twitter.com/intent/tweet")
    True
    """
    start = lowered.find("//")
    if start < 0 or lowered.find("//", start + 2) >= 0:
        return start >= 0  # no host, or a URL inside the URL: let the full test decide
    end = lowered.find("/", start + 2)
    host = lowered[start + 2 : end if end >= 0 else len(lowered)]
    known = _SHARE_HOSTS.get(host)
    if known is None:
        known = _SHARE_DOMAIN.search(host) is not None
        if len(_SHARE_HOSTS) < _ANCHOR_CACHE:
            _SHARE_HOSTS[host] = known
    return known


def _is_home(url: str) -> bool:
    """A site's home page (no path, no query): it names a site, not an article.

    >>> _is_home("https://www.rt.com/"), _is_home("https://www.rt.com/news/1/")
    (True, False)
    """
    if "#" not in url and url.count("/") > 3:
        return False  # a path after the host
    return _HOME.match(url) is not None


def _trim_url(url: str) -> str:
    """A URL found in text without what stands after it: punctuation and symbols (of
    any script), invisible marks, a Markdown link's second half.

    >>> _trim_url("https://a.example/1،"), _trim_url("https://a.example/2।")
    ('https://a.example/1', 'https://a.example/2')
    >>> _trim_url("https://a.example/3\u201c"), _trim_url("https://a.example/4\U0001f448\ufe0f")
    ('https://a.example/3', 'https://a.example/4')
    >>> _trim_url("https://a.example/news/1\u200f"), _trim_url("https://a.example/(x)")
    ('https://a.example/news/1', 'https://a.example/(x)')
    >>> _trim_url("https://a.example/5](https://a.example/5)")
    'https://a.example/5'
    >>> _trim_url("https://a.example/\u0928\u092f\u093e")  # a Hindi slug ends with a vowel sign
    'https://a.example/\u0928\u092f\u093e'
    """
    if "](" in url:
        url = url[: url.index("](")]
    while url:
        last = url[-1]
        if last in _TRAILING:
            if last == ")" and url.count("(") >= url.count(")"):
                break
            if last == "]" and url.count("[") >= url.count("]"):
                break
        elif last.isascii() or not _is_mark(last):
            break
        url = url[:-1]
    return url


def _is_mark(char: str) -> bool:
    """Punctuation, a symbol (an emoji, an arrow), a format character or an emoji's
    variation selector, outside ASCII: never the last character of a URL."""
    return unicodedata.category(char)[0] in "PSC" or char in "\ufe0e\ufe0f"


def read_anchor_tag(markup: str, base: str | None) -> tuple[str | None, bool, bool] | None:
    """:func:`read_anchor` of the ``<a …>`` tag that opens ``markup`` (None: not one).

    >>> read_anchor_tag('<a href="https://a.example/x/" rel="tag">x</a>', None)
    ('https://a.example/x/', True, False)
    >>> read_anchor_tag("<p>", None) is None
    True
    """
    tag = _TAG.match(markup)
    if tag is None or tag.group(2) is None or tag.group(2).lower() != "a" or tag.group(1):
        return None
    return read_anchor(tag.group(3), base)
