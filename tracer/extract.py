"""Item → declared attributions. Pure: no network, no database.

A repost declares its source with a *credit line*: a phrase that declares
provenance ("Source Article from", "The post … appeared first on …",
"Originally published at", "Source:", "Quelle:", "来源：", …) and the link or
plain-text URL that the phrase governs. Every other link in the body is
ignored. Feed metadata adds three more declarations: RSS ``<source url>``
(a feed), Atom ``<source>`` (the original entry) and Atom ``rel="via"``.

How a body is read, cheapest step first:

1. The body's bytes, tags blanked and folded (ASCII lower-cased,
   punctuation as spaces), go through one Aho-Corasick automaton of all
   trigger words of the vocabulary (:mod:`tracer.vocabulary`): whole words,
   or substrings for spaceless scripts. The tail and head of the body come
   first, where credit lines live, the middle only if those found nothing.
   A body without a trigger costs a few byte operations.
2. At each trigger word near a link, the phrases it starts are matched on the
   folded bytes (a looser, byte-level form of each phrase; one alternation per
   trigger rejects most words at once); only a match goes further.
3. The enclosing line (from the previous block tag) and, when the phrase
   ends its line, the next one are tokenized into visible text plus link
   spans (no DOM: a small regex tokenizer; entities decoded).
4. Each matched phrase is checked on the visible text and governs:
   the link around it or right after it (``lead``), the first link of its
   line (``first-link``: Yoast), or, for a short label that opens a line,
   the link that follows (``label``). A label followed only by a site name
   governs nothing.

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

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import AnyStr
from urllib.parse import urljoin, urlsplit

from ahocorasick_rs import BytesAhoCorasick, Implementation

from tracer.models import Attribution, FeedItem
from tracer.vocabulary import (
    CALLS_TO_ACTION,
    CONTINUE_READING,
    IMAGE_WORDS,
    PHRASES,
    PLURAL_HINTS,
    Phrase,
    is_spaceless,
)

__all__ = ["extract_attributions", "extract_from_html"]

EVIDENCE_CHARS = 200
_SMALL = 1536  # bodies up to this many bytes are scanned whole
_TAIL = 1024  # else: the last bytes …
_HEAD = 512  # … and the first bytes, then the middle only if nothing was found there
_OVERLAP = 256
_BEFORE = 1200  # how far back a line start is looked for
_AFTER = 450  # bytes after a trigger that the window keeps
_MAX_HITS = 12  # occurrences of one trigger word followed per span
_CUT_TAG = 600  # a tag longer than this may hide words from the blanking
_REACH_AFTER = 140  # bytes past a region that a phrase starting in it may need

# --- the trigger index -------------------------------------------------------

_TABLE = bytes(
    (b + 32 if 65 <= b <= 90 else b) if (b >= 128 or chr(b).isalnum()) else 32 for b in range(256)
)


def _variants(word: str) -> set[str]:
    return {word, word.capitalize(), word.upper(), word.title()}


_WORD_TRIGGERS: dict[bytes, str] = {}  # word as bytes (any case variant) → trigger
_SPACELESS_TRIGGERS: dict[bytes, str] = {}
_BY_TRIGGER: dict[str, list[Phrase]] = {}
for _phrase in PHRASES:
    for _trigger in _phrase.triggers:
        _BY_TRIGGER.setdefault(_trigger, []).append(_phrase)
        if is_spaceless(_trigger):
            _SPACELESS_TRIGGERS[_trigger.encode()] = _trigger
        else:
            for _variant in _variants(_trigger):
                # folded exactly as a post's bytes will be (ASCII lower-cased only)
                _WORD_TRIGGERS[_variant.encode().translate(_TABLE)] = _trigger
_WORD_SET = frozenset(_WORD_TRIGGERS)
# Every trigger in one automaton: a word as a whole word (padded with the spaces that
# folding leaves around it), a spaceless one as a substring.
_KEYS: list[bytes] = list(_WORD_TRIGGERS) + list(_SPACELESS_TRIGGERS)
_PADDED = len(_WORD_TRIGGERS)
_KEY_TRIGGERS: list[str] = list(_WORD_TRIGGERS.values()) + list(_SPACELESS_TRIGGERS.values())
_AUTOMATON = BytesAhoCorasick(
    [b" " + key + b" " for key in _KEYS[:_PADDED]] + _KEYS[_PADDED:],
    implementation=Implementation.DFA,
)
_RANK = {phrase: rank for rank, phrase in enumerate(PHRASES)}
# One alternation of a trigger's (anchored) folded phrases: where it fails to match,
# none of them can, and the trigger's occurrence needs no further look.
_QUICK: dict[str, re.Pattern[bytes]] = {
    trigger: re.compile(b"|".join(b"(?:" + p.folded.pattern + b")" for p in phrases))
    for trigger, phrases in _BY_TRIGGER.items()
    if all(p.anchored for p in phrases)
}
_HIGH_BYTES = re.compile(rb"[\xe0-\xef]")
# UTF-8 of punctuation and symbols that may touch a word: NBSP, « », curly quotes,
# dashes, bullets, arrows, dingbats (✅), CJK and full-width punctuation (：（【),
# emoji. Folded to spaces of the same length so that "«Source»", "Source：" and
# "📰Source" still show the word "source" to the trigger search.
_SYMBOL_BYTES = re.compile(
    rb"\xc2[\xa0-\xbf]|\xe2[\x80-\xaf][\x80-\xbf]|\xe3\x80[\x80-\xbf]"
    rb"|\xef\xbc[\x80-\x8f\x9a-\xa0\xbb-\xbf]|\xef\xbd[\x80\x9b-\xa5]|\xf0\x9f[\x80-\xbf]{2}"
)
_TAG_SPLIT = re.compile(rb"(<[^<>]*>)")
_SCHEMELESS = re.compile(rb"[a-zA-Z0-9]\.[a-zA-Z]{2,24}/[^\s/<]")
_TAG_MARK = rb"<(?:p|br|div|li|h[1-6]|td|tr|blockquote|/p|/div|/li|/h[1-6])[\s>/]"
_BLANK_LINE = rb"\n[ \t\r]*\n"
_LINE_MARK = re.compile(_TAG_MARK + b"|" + _BLANK_LINE, re.I)
_TAG_MARK_RE = re.compile(_TAG_MARK, re.I)
_BLANK_LINE_RE = re.compile(_BLANK_LINE)

# --- tokenizing a window -----------------------------------------------------

_TAG = re.compile(
    # possessive: a tag that never closes fails at once instead of backtracking
    r"<(?:(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>\"']++|\"[^\"]*\"|'[^']*')*+)>|!--.*?-->|![^>]*>|\?[^>]*>)",
    re.S,
)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_BLOCK_NAMES = (
    "p br div li ul ol h1 h2 h3 h4 h5 h6 tr td th table blockquote section article header "
    "footer aside nav hr dd dt dl pre figure main address details summary center"
)
_BLOCK = frozenset(_BLOCK_NAMES.split())
_SKIP = frozenset(
    ("script", "style", "noscript", "template", "figcaption", "svg", "select", "button", "iframe")
)
_PLAIN_URL = re.compile(
    r"(?i:https?://|www\.|(?<![\w@./-])(?:[a-z0-9-]+\.)+[a-z]{2,24}/(?=[^\s/]))"
    r"[^\s<>\"'`\u3000-\u303f\uff00-\uffef]*"
)
_TRAILING = ".,;:!?'\"»”’…)]}>*"
_SEP = " \t\n\r\xa0:：-–—»›>|/·•→▶►(（[【«\"'“”‘’*#~=@.)]）】"
_LIST_WORDS = frozenset(
    "and und y e et и і та ve og och en oraz a i 和 與 与".split()  # noqa: SIM905
)
_LABEL_COLONS = ":：-–—|»›→"
_SENTENCE_END = ".!?。！？|;»)"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_TEXT_GAPS = re.compile(r"[\s>]+")
_FOLDED_GAPS = re.compile(rb" +")
_OPENERS = "([{（【«—–|•·>:"
_LABEL_NAME = 80  # characters of a site name a label with a colon may skip to its link
_LEAD_NAME = 160  # … and a credit verb ("published [last week] in [Origin], [date]: <a>")
_THANKS_LIST = 3  # a singular label followed by this many links thanks, it does not credit
# a sentence ends inside a gap: "Origin Times. <a>…" (a dot inside "origin.example" does not)
_SENTENCE_BREAK = re.compile(r"[.!?。！？](?:\s|$)")
_CALL_TO_ACTION = re.compile("|".join(CALLS_TO_ACTION))
_SHARE = re.compile(
    r"(?i)^(?:mailto|tel|sms|whatsapp|fb-messenger|viber|tg):|"
    r"//(?:www\.|m\.|mobile\.|api\.|web\.)?(?:facebook\.com/(?:sharer|share\.php|dialog/share)|"
    r"(?:twitter|x)\.com/(?:intent|share|home\?status)|t\.me/share|telegram\.me/share|"
    r"vk\.com/share|vkontakte\.ru/share|linkedin\.com/(?:share|cws/share|sharearticle)|"
    r"pinterest\.[a-z.]+/pin/create|reddit\.com/submit|wa\.me/|whatsapp\.com/send|"
    r"connect\.ok\.ru/|ok\.ru/dk\?st\.cmd=addshare|getpocket\.com/(?:save|edit)|"
    r"tumblr\.com/(?:share|widgets/share)|plus\.google\.com/share|news\.ycombinator\.com/submit|"
    r"flipboard\.com/bookmarklet|buffer\.com/add|digg\.com/submit|mix\.com/add|"
    r"service\.weibo\.com/share|social-plugins\.line\.me|line\.me/R/msg|b\.hatena\.ne\.jp/add|"
    r"xing\.com/spi/shares|addtoany\.com/share|sharethis\.com)"
)
# the same test in two parts, each with a literal start the regex engine can skip to
_SHARE_SCHEME = re.compile(_SHARE.pattern[: _SHARE.pattern.index(":|//") + 1])
_SHARE_HOST = re.compile("(?i)" + _SHARE.pattern[_SHARE.pattern.index(":|//") + 2 :])
_IMAGE_FILE = re.compile(r"(?i)\.(?:jpe?g|png|gif|webp|svg|bmp|avif|tiff?)(?:[?#].*)?$")
# What may follow a label in markup: a separator, a link or a URL (tags and spaces between).
_LABEL_FOLLOW_BYTES = re.compile(
    # tags, spaces and closing brackets or quotes ("«Source»:", "[출처]", "[Quelle](")
    rb"(?:\s|\xc2\xa0|&nbsp;|&#160;|</?(?:strong|b|em|i|u|span|font|small|mark|code)\b[^<>]*>"
    rb"|[\])}\"'*]|\xe2\x80[\x98\x99\x9c\x9d\xba]|\xc2\xbb|\xe3\x80[\x8d\x8f\x91\x95]|\xef\xbc\x89)*"
    rb"(?:[:|(\[-]|\xef\xbc\x9a|\xe2\x80[\x93\x94\xba]|\xc2\xbb|\xe2\x86\x92|&[mn]dash;|"
    rb"&#821[12];|&raquo;|&#187;|</?a[\s>]|https?://|www\.|<br|</p|</div|</li|</h\d|</?t[dh]\b|"
    rb"\n|$)",
    re.I,
)
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_WRAPPED = re.compile(r"[\t\n\r]")  # browsers drop these from URLs
_HOME = re.compile(r"(?i)https?://[^/?#\s]+/?(?:#.*)?$")
_OWN_SECTION = re.compile("/(?:tag|tags|category|categories|author|feed)/")


class _Folding(dict[int, str]):
    """Character → its matching form, one character for one (positions stay put).

    NFKC then lower case (full-width ``：`` and ``Ｓ`` become ``:`` and ``s``),
    reduced to its base letter when that gives more than one character
    (Turkish ``İ`` → ``i``); dotless ``ı`` → ``i`` as the vocabulary spells it.
    Filled on demand, for :meth:`str.translate`.

    >>> "ＳＯＵＲＣＥ：İlk ı".translate(_FOLD)
    'source:ilk i'
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        if len(folded) != 1:
            folded = unicodedata.normalize("NFD", folded)[:1] if folded else char
            if len(folded) != 1:
                folded = char
        if folded == "ı":
            folded = "i"
        self[code] = folded
        return folded


_FOLD = _Folding()
# each trigger word as it reads in folded visible text
_TEXT_TRIGGERS = {trigger: trigger.translate(_FOLD) for trigger in _BY_TRIGGER}


@dataclass(slots=True)
class _Link:
    start: int
    end: int
    href: str
    skip: bool = False  # share button, tag, more-link, image: never a source
    home: bool = False  # a site's home page: names a site, not an article
    plain: bool = False  # a plain-text URL, not an anchor


@dataclass(slots=True)
class _Window:
    text: str
    links: list[_Link]


def extract_attributions(item: FeedItem) -> list[Attribution]:
    """The declared sources of ``item``, first found first, without duplicate URLs.

    Body credit lines come first (the first body that has any: full content,
    then summary), then the feed's metadata (RSS/Atom ``<source>``, Atom
    ``rel="via"``).
    """
    base = item.origlink or item.link
    found: list[Attribution] = []
    for body in item.bodies:
        found = extract_from_html(body, base, item.title)
        if found:
            break
    if item.source_entry_url:
        title = f" {item.source_title}" if item.source_title else ""
        found.append(
            Attribution(
                "atom-source",
                item.source_entry_url,
                _clip(f"Atom <source>{title}: {item.source_entry_url}"),
            )
        )
    if item.source_feed_url:
        title = f" {item.source_title}" if item.source_title else ""
        found.append(
            Attribution(
                "rss-source",
                item.source_feed_url,
                _clip(f"RSS <source>{title}: {item.source_feed_url}"),
            )
        )
    for via in item.via_urls:
        found.append(Attribution("atom-via", via, _clip(f'Atom <link rel="via">: {via}')))
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
    if not body.isascii() and _FULL_WIDTH.search(body) is not None:
        body = body.translate(_ASCII_WIDTH)
    raw = body.encode("utf-8", "surrogatepass")
    size = len(raw)
    if size <= _SMALL:
        found = _scan(raw, [(0, size)], base)
    else:
        found = _scan(raw, [(size - _TAIL, size), (0, _HEAD)], base)
        if not found:
            found = _scan(raw, [(_HEAD - _OVERLAP, size - _TAIL + _OVERLAP)], base)
    if not found:
        found = _link_only(raw, base, title)
    unique: dict[str, Attribution] = {}
    for attribution in found:
        unique.setdefault(attribution.raw_url, attribution)
    return list(unique.values())


# --- a closing link with no phrase: the link-only credit --------------------------------

# Letters read as ASCII before anything else (one character for one): full-width forms
# ("Ｓｏｕｒｃｅ") and the Turkish capital dotted I ("İlk olarak"), which lower-cases to two.
_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u0130]")
_ASCII_WIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)} | {0x130: ord("I")}
_END_OF_BODY = re.compile(
    rb"(?:\s|&nbsp;|&#160;|</?(?:p|div|span|em|strong|b|i|u|small|li|ul|ol|blockquote|section|"
    rb"article|footer|br|hr|h\d)\b[^<>]*>)*\Z",
    re.I,
)
_CONTINUE = re.compile(
    "(?:" + "|".join(CONTINUE_READING) + r")(?: (?:on|at|in|@|auf|sur|en|em|su|на|di|tại) .{1,60})?"
)
_DECORATION = _SEP + "…»›→▶►↗⟶➜➡ \u2026"
_LINK_ONLY_TAIL = 1200  # bytes at the end of a body where a closing link is looked for


def _link_only(raw: bytes, base: str | None, title: str | None) -> list[Attribution]:
    """A closing paragraph that holds only one link to another site, whose text is the
    URL, the post's title or "Continue reading…" (excerpt feeds, planets, Medium).

    >>> body = b'<p>Start.</p><p><a href="https://a.example/s/1/">Read more...</a></p>'
    >>> [(a.pattern, a.raw_url) for a in _link_only(body, "https://blog.example/p/", None)]
    [('link-only', 'https://a.example/s/1/')]
    >>> _link_only(body.replace(b"a.example", b"blog.example"), "https://blog.example/p/", None)
    []
    """
    floor = max(0, len(raw) - _LINK_ONLY_TAIL)
    close = raw.rfind(b"</a", floor)
    if close >= 0 and _END_OF_BODY.match(raw, raw.find(b">", close) + 1 or len(raw)):
        at = raw.rfind(b"<a", floor, close)
        tag = _TAG.match(raw[at:close].decode("utf-8", "replace")) if at >= 0 else None
        if tag is None or tag.group(2) is None or tag.group(2).lower() != "a":
            return []
        href, skip, home = _read_anchor_cached(tag.group(3), base)
        if href is None or skip or home or (base and _host(href) == _host(base)):
            return []  # the usual end of a post: tags, share buttons, the blog's own links
    else:
        at = raw.rfind(b"http", floor)  # a plain URL closing the body
        rest = raw[at:]
        if at >= 0 and (b"<" not in rest.split(b">", 1)[0] or b"</a" in rest):
            at = -1  # inside a tag's attribute, or the text of a link
    if at < 0:
        return []
    start = _mark_before(raw, max(0, at - 400), at, at + 1)
    window = _tokenize(raw[max(start, 0) :].decode("utf-8", "replace"), base)
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
    folded = shown.translate(_FOLD)
    says_continue = _CONTINUE.fullmatch(folded) is not None
    is_url = link.plain or folded.startswith(("http://", "https://", "www."))
    is_title = bool(title) and folded == " ".join(str(title).split()).translate(_FOLD)
    if outside and not (
        (is_title or is_url) and _CONTINUE.fullmatch(outside.translate(_FOLD)) is not None
    ):
        return []  # more than the link in its paragraph
    if not (says_continue or is_url or is_title):
        return []
    return [Attribution("link-only", link.href, _clip(" ".join(text[line_start:].split())))]


def _host(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


# --- step 1: where are the triggers? --------------------------------------------


def _scan(raw: bytes, spans: list[tuple[int, int]], base: str | None) -> list[Attribution]:
    positions: list[int] = []
    phrases: dict[str, dict[Phrase, None]] = {}  # trigger → phrases verified somewhere
    for lo, hi in spans:
        lo, hi = max(0, lo), min(len(raw), hi)
        if lo >= hi:
            continue
        # folded: tags blanked (URLs in attributes are full of "source", "story"…),
        # ASCII lower-cased, punctuation as spaces; same offsets as raw[lo:]
        chunk = raw[lo : hi + _REACH_AFTER]
        parts = _TAG_SPLIT.split(chunk)
        if len(parts) > 1:
            parts[1::2] = [b" " * len(tag) for tag in parts[1::2]]
            chunk = b"".join(parts)
        if not chunk.isascii():
            chunk = _blank_symbols(chunk)
        folded = chunk.translate(_TABLE)
        limit = hi - lo
        # occurrences of each trigger, last first: credit lines sit near the end
        occurrences: dict[int, list[int]] = {}
        padded = b" " + folded[:limit] + b" "
        for key, start, end in _AUTOMATON.find_matches_as_indexes(padded, overlapping=True):
            if key >= _PADDED:
                start -= 1
            elif end == limit + 2 and limit < len(folded) and folded[limit] != 32:
                continue  # the padding stood for a letter that follows the region
            if key in occurrences:
                occurrences[key].append(start)
            else:
                occurrences[key] = [start]
        for key, hits in occurrences.items():
            trigger = _KEY_TRIGGERS[key]
            hits.reverse()
            quick = _QUICK.get(trigger)
            if quick is not None and len(hits) <= _MAX_HITS:
                # every hit is followed: the cheap phrase check can go first
                hits = [at for at in hits if quick.match(folded, at) is not None]
            count = 0
            for at in hits:
                if count >= _MAX_HITS:
                    break
                # tags are blanked; only a tag cut by the chunk's start can hide a word
                if (at > _CUT_TAG or not _in_tag(raw, lo + at)) and _near_link(raw, lo + at):
                    count += 1
                    verified = _verified(raw, folded, lo, at, trigger)
                    if verified:
                        positions.append(lo + at)
                        phrases.setdefault(trigger, {}).update(dict.fromkeys(verified))
    if not positions:
        return []
    results: list[Attribution] = []
    for start, end in _windows(raw, sorted(positions)):
        window = _tokenize(raw[start:end].decode("utf-8", "replace"), base)
        results += _credits(window, phrases)
    return results


def _blank_symbols(chunk: bytes) -> bytes:
    """``chunk`` with punctuation and symbol sequences (see ``_SYMBOL_BYTES``) as spaces.

    >>> _blank_symbols("«Source»：x".encode())
    b'  Source     x'
    """
    return _SYMBOL_BYTES.sub(lambda found: b" " * len(found.group()), chunk)


def _verified(raw: bytes, folded: bytes, shift: int, at: int, trigger: str) -> list[Phrase]:
    """The phrases of ``trigger`` that (loosely) stand at byte ``at``: often none.

    ``folded`` is ``raw[shift:]`` folded (see :func:`_scan`) and ``at`` an
    offset in it; matching is on bytes, without decoding. The folded form of
    a phrase is looser than the phrase: the visible-text reading decides.
    """
    verified: list[Phrase] = []
    size = len(folded)
    for phrase in _BY_TRIGGER[trigger]:
        if phrase.anchored:
            found = phrase.folded.match(folded, at)
            spans = [found.span()] if found else []
        else:
            spans = _folded_spans(phrase, folded, at)
        for start, end in spans:
            if end < size and folded[end] != 32 and folded[end - 1] != 32 and not phrase.spaceless:
                continue
            while end > start and folded[end - 1] == 32:
                end -= 1  # an optional tail matched only spaces (and blanked tags)
            if phrase.role != "label" or _LABEL_FOLLOW_BYTES.match(raw, shift + end):
                verified.append(phrase)
                break
    return verified


def _folded_spans(phrase: Phrase, folded: bytes, at: int) -> list[tuple[int, int]]:
    # tags between words make a folded match longer than the text: leave room
    return _spans(phrase.folded, folded, at, 2 * phrase.reach + 20, 2 * phrase.after + 40)


def _spans(
    regex: re.Pattern[AnyStr], text: AnyStr, at: int, reach: int, after: int
) -> list[tuple[int, int]]:
    """Spans of ``regex`` matches that start at most ``reach`` before ``at`` and cover it."""
    spans = []
    position, stop = max(0, at - reach), min(len(text), at + after)
    while position <= at:
        found = regex.search(text, position, stop)
        if found is None or found.start() > at:
            break
        if found.end() > at:
            spans.append(found.span())
        position = found.start() + 1
    return spans


def _spans_around(phrase: Phrase, text: str, at: int) -> list[tuple[int, int]]:
    return _spans(phrase.regex, text, at, phrase.reach, phrase.after + 40)


def _in_tag(raw: bytes, at: int) -> bool:
    """Is byte ``at`` inside a tag (an attribute such as ``utm_source``)?"""
    lo = max(0, at - 400)
    return raw.rfind(b"<", lo, at) > raw.rfind(b">", lo, at)


def _near_link(raw: bytes, at: int) -> bool:
    """A credit needs a link or a URL close by: skip triggers in plain prose."""
    lo, hi = max(0, at - 700), at + 500
    return (
        raw.find(b"href", lo, hi) >= 0
        or raw.find(b"http", lo, hi) >= 0
        or raw.find(b"www.", lo, hi) >= 0
        or raw.find(b"HREF", lo, hi) >= 0
        or raw.find(b"HTTP", lo, hi) >= 0
        or _SCHEMELESS.search(raw, at, hi) is not None
    )


def _windows(raw: bytes, positions: list[int]) -> list[tuple[int, int]]:
    """Byte ranges from each trigger's line start to the end of the next line, merged."""
    lo = max(0, positions[0] - _BEFORE)
    limit = positions[-1] + _AFTER
    marks: list[int] | None = None
    if _BLANK_LINE_RE.search(raw, lo, limit) is not None:
        # blank lines may overlap tag marks: take the marks as one scan finds them
        marks = [m.start() for m in _LINE_MARK.finditer(raw, lo, limit)]
    merged: list[tuple[int, int]] = []
    for at in positions:
        floor = max(0, at - _BEFORE)
        if marks is None:
            # only tag marks, which never overlap: look for the few that matter
            previous = _mark_before(raw, floor, at, limit)
            following = []
            for found in _TAG_MARK_RE.finditer(raw, at + 1, limit):
                following.append(found.start())
                if len(following) == 3:
                    break
        else:
            index = bisect.bisect_right(marks, at)
            previous = marks[index - 1] if index and marks[index - 1] >= floor else -1
            following = marks[index : index + 3]
        if previous >= 0:
            start = previous
        else:
            start = floor
            gt, lt = raw.find(b">", floor, at), raw.find(b"<", floor, at)
            if gt >= 0 and (lt < 0 or gt < lt):
                start = gt + 1  # we were inside a tag
        end = min(len(raw), at + _AFTER)
        # the trigger's line and the next one (a label may end its line)
        later = [m for m in following if m > at + 8]
        if later:
            # a link after the trigger on its own line: that line is enough
            own_line = raw.find(b"<a", at, later[0]) >= 0 or raw.find(b"http", at, later[0]) >= 0
            stop = 0 if own_line else 2
            if len(later) > stop:
                end = min(end, later[stop])
        if end < len(raw):
            lt = raw.rfind(b"<", start, end)
            if lt >= 0 and raw.find(b">", lt, end) < 0:
                end = lt  # do not cut a tag in two
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _mark_before(raw: bytes, floor: int, at: int, limit: int) -> int:
    """The last tag mark that starts in ``[floor, at]`` (or -1)."""
    lt = raw.rfind(b"<", floor, at)
    for _step in range(8):
        if lt < 0:
            return -1
        if _TAG_MARK_RE.match(raw, lt, limit) is not None:
            return lt
        lt = raw.rfind(b"<", floor, lt)
    last = -1
    for found in _TAG_MARK_RE.finditer(raw, floor, limit):
        if found.start() > at:
            break
        last = found.start()
    return last


# --- step 2: visible text and links ---------------------------------------------


def _tokenize(markup: str, base: str | None) -> _Window:
    parts: list[str] = []
    size = 0
    last = "\n"
    links: list[_Link] = []
    current: _Link | None = None
    lowered: str | None = None
    at = 0

    def add(text: str) -> None:
        nonlocal size, last
        if "&" in text:
            text = _unescape(text)
        if "\n" in text and _PARAGRAPH_BREAK.search(text):
            for number, paragraph in enumerate(_PARAGRAPH_BREAK.split(text)):
                if number:
                    brk()
                add(paragraph)
            return
        words = text.split()
        if not words:
            if text and last not in " \n":
                parts.append(" ")
                size += 1
                last = " "
            return
        out = " ".join(words)
        if text[0].isspace() and last not in " \n":
            out = " " + out
        if text[-1].isspace():
            out += " "
        parts.append(out)
        size += len(out)
        last = out[-1]

    def brk() -> None:
        nonlocal size, last
        if last == " ":
            parts[-1] = parts[-1][:-1]
            size -= 1
            last = next((part[-1] for part in reversed(parts) if part), "\n")
        if last != "\n":
            parts.append("\n")
            size += 1
            last = "\n"

    while True:
        match = _TAG.search(markup, at)
        if match is None:
            add(markup[at:])
            break
        if match.start() > at:
            add(markup[at : match.start()])
        at = match.end()
        name = match.group(2)
        if name is None:
            continue  # comment, doctype, processing instruction
        name = name.lower()
        closing = bool(match.group(1))
        if name == "a":
            if current is not None:
                current.end = size
                current = None
            if not closing:
                read = _ANCHORS.get((match.group(3), base))
                if read is None:
                    read = _read_anchor_cached(match.group(3), base)
                if read[0] is not None:
                    current = _Link(size, size, read[0], read[1], read[2])
                    links.append(current)
        elif name in _BLOCK:
            brk()
        elif name == "img":
            if current is not None and size == current.start:
                current.skip = current.skip or _IMAGE_FILE.search(current.href) is not None
        elif name in _SKIP and not closing:
            if lowered is None:
                lowered = markup.lower()
            close = lowered.find(f"</{name}", at)
            at = len(markup) if close < 0 else (markup.find(">", close) + 1 or len(markup))
            brk()
    if current is not None:
        current.end = size
    text = "".join(parts)
    anchors = [link for link in links if link.end > link.start or link.skip]
    # every plain-text URL has a "/" (scheme, path) or starts with "www."
    urls = _PLAIN_URL.finditer(text) if "/" in text or "w." in text or "W." in text else ()
    for found in urls:
        start = found.start()
        if any(link.start <= start < link.end for link in anchors):
            continue
        url = _trim_url(found.group(0))
        if not url.lower().startswith(("http://", "https://")):
            # "www.site.example/path" or "t.me/channel/123": a URL without its scheme
            if "/" not in url or (url.endswith("/") and url.count("/") == 1):
                continue  # a bare site name
            url = "https://" + url
        plain = _Link(start, start + len(url), url, plain=True, home=_is_home(url))
        links.append(plain)
    links.sort(key=lambda link: link.start)
    return _Window(text, links)


def _unescape(text: str) -> str:
    """Decode character references that end with ``;`` (``&amp;``, ``&#038;``, ``&eacute;``).

    Legacy references without ``;`` are left alone: in a URL ``&region=eu`` is a
    parameter, not ``®ion=eu``.

    >>> _unescape("?a=1&#038;b=2&amp;region=eu&copy=1 &eacute;")
    '?a=1&b=2&region=eu&copy=1 é'
    """
    return _REFERENCE.sub(_decode_reference, text) if "&" in text else text


_DECODED: dict[str, str] = {}


def _decode_reference(match: re.Match[str]) -> str:
    reference = match.group(0)
    decoded = _DECODED.get(reference)
    if decoded is None:
        decoded = html.unescape(reference)
        if len(_DECODED) < 4096:
            _DECODED[reference] = decoded
    return decoded


# The same anchors come back in every post of a feed (share buttons, tags, the
# site's home): what an anchor's attributes say is read once.
_ANCHOR_CACHE = 4096
_ANCHORS: dict[tuple[str | None, str | None], tuple[str | None, bool, bool]] = {}


def _read_anchor_cached(attributes: str | None, base: str | None) -> tuple[str | None, bool, bool]:
    read = _ANCHORS.get((attributes, base))
    if read is None:
        read = _read_anchor(attributes or "", base)
        if len(_ANCHORS) >= _ANCHOR_CACHE:
            _ANCHORS.clear()
        _ANCHORS[(attributes, base)] = read
    return read


def _read_anchor(attributes: str, base: str | None) -> tuple[str | None, bool, bool]:
    """``(href, skip, home)`` of an ``<a>`` tag's attributes (``href`` None: not a link).

    >>> _read_anchor(' href="/tag/x/" rel="tag"', "https://b.example/p/")
    ('/tag/x/', True, False)
    >>> _read_anchor(" href='https://a.example/'", None)
    ('https://a.example/', False, True)
    """
    # an unquoted or single-quoted value, else the double-quoted one (maybe empty)
    values = {
        name.lower(): double or single or bare
        for name, double, single, bare in _ATTR.findall(attributes)
    }
    href = values.get("href")
    if href is None:
        return None, False, False
    if "&" in href:
        href = _unescape(href)
    if "\n" in href or "\r" in href or "\t" in href:
        href = _WRAPPED.sub("", href)
    href = href.strip()
    lowered = href.lower()
    rel = values["rel"].lower().split() if "rel" in values else ()
    classes = values["class"].lower().split() if "class" in values else ()
    if (
        not href
        or href.startswith("#")
        or "tag" in rel
        or "category" in rel
        or any(
            c in ("more-link", "tag", "category") or c.startswith(("share", "social"))
            for c in classes
        )
        or _SHARE_SCHEME.match(lowered)
        or _SHARE_HOST.search(lowered)
        or _IMAGE_FILE.search(href)
    ):
        return href, True, False
    if base and not lowered.startswith(("http://", "https://", "javascript:", "data:")):
        href = urljoin(base, href)
    if base and _OWN_SECTION.search(href) and urlsplit(href).netloc == urlsplit(base).netloc:
        return href, True, _is_home(href)
    return href, False, _is_home(href)


def _is_home(url: str) -> bool:
    """A site's home page (no path, no query): it names a site, not an article.

    >>> _is_home("https://www.rt.com/"), _is_home("https://www.rt.com/news/1/")
    (True, False)
    """
    if "#" not in url and url.count("/") > 3:
        return False  # a path after the host
    return _HOME.match(url) is not None


def _trim_url(url: str) -> str:
    while url and url[-1] in _TRAILING:
        last = url[-1]
        if last == ")" and url.count("(") >= url.count(")"):
            break
        if last == "]" and url.count("[") >= url.count("]"):
            break
        url = url[:-1]
    return url


# --- step 3: phrases and the links they govern -----------------------------------


def _credits(window: _Window, phrases: dict[str, dict[Phrase, None]]) -> list[Attribution]:
    text = window.text
    lowered = text.lower() if text.isascii() else text.translate(_FOLD)
    found: dict[tuple[int, int, str], tuple[int, int, Phrase]] = {}
    for trigger, candidates in phrases.items():
        needle = _TEXT_TRIGGERS[trigger]
        at = lowered.find(needle)
        while at >= 0:
            for phrase in candidates:
                if phrase.anchored:
                    match = phrase.regex.match(lowered, at)
                    spans = [match.span()] if match else []
                else:
                    spans = _spans_around(phrase, lowered, at)
                for start, end in spans:
                    if phrase.spaceless or (
                        (start == 0 or not lowered[start - 1].isalnum())
                        and (end == len(lowered) or not lowered[end].isalnum())
                    ):
                        found[(start, end, phrase.source)] = (start, end, phrase)
            at = lowered.find(needle, at + len(needle))
    if not found:
        return []
    # longest first; on a tie the vocabulary's order (first-link, lead, label) decides
    matches = sorted(found.values(), key=lambda m: (m[0] - m[1], m[0], _RANK[m[2]]))
    # a phrase that governs no link does not hide an overlapping one that does
    taken: list[tuple[int, int]] = []
    results: list[tuple[int, Attribution]] = []
    for start, end, phrase in matches:
        if any(start < e and s < end for s, e in taken):
            continue
        governed = _govern(window, lowered, start, end, phrase)
        if governed:
            taken.append((start, end))
        pattern = phrase.pattern
        if phrase.role == "first-link" and governed and governed[0].start >= end:
            pattern = "originally-published"  # "erschien zuerst auf <a>": the article follows
        for link in governed:
            evidence = _evidence(text, start, link)
            results.append((start, Attribution(pattern, link.href, evidence)))
    results.sort(key=lambda found: found[0])
    return [attribution for _start, attribution in results]


def _govern(window: _Window, lowered: str, start: int, end: int, phrase: Phrase) -> list[_Link]:
    """The links a matched phrase credits, by its role (see the module's precedence notes)."""
    text, links = window.text, window.links
    line_start = text.rfind("\n", 0, start) + 1
    if phrase.role == "first-link":
        before = _article_before(text, links, line_start, start)
        if before is not None:
            # the article link stands before the phrase; a link after it is the site
            return [before]
        # nothing before: the verb credits what follows ("Dieser Artikel erschien zuerst auf")
        after_link = _next_link(text, links, end, name_chars=_LEAD_NAME)
        return [after_link] if after_link is not None else []

    inside = next(
        (link for link in links if not link.plain and link.start <= start and end <= link.end),
        None,
    )
    if phrase.role == "label":
        if not _opens_line(text, line_start, start, inside):
            return []
        if _image_credit(lowered, line_start, start):
            return []
    if inside is not None:
        if inside.skip or inside.home:
            return []
        if phrase.role == "label" and text[inside.start : start].strip(_SEP):
            return []
        return [inside]
    ends_in_link = next(
        (link for link in links if start < link.start < end and not (link.skip or link.home)),
        None,
    )
    if ends_in_link is not None:
        return [ends_in_link]  # "Read the whole thing <a>here</a>": the phrase runs into it
    after = text[end : end + 4].lstrip(" \xa0")
    colon = bool(after) and after[0] in _LABEL_COLONS
    name_chars = (_LABEL_NAME if colon else 0) if phrase.role == "label" else _LEAD_NAME
    first = _next_link(text, links, end, name_chars=name_chars)
    if first is None:
        if phrase.role == "lead" and _home_follows(text, links, end):
            # "L'articolo <a>X</a> è stato pubblicato originariamente sul sito <a>HOME</a>":
            # the phrase names the site; the article stands before it, as in Yoast's footer
            before = _article_before(text, links, line_start, start)
            return [before] if before is not None else []
        return []
    governed = [first]
    if phrase.role == "label" or phrase.pattern == "source-label":
        plural = lowered[start:end] in PLURAL_HINTS
        governed += _list_after(text, links, first, plural=plural)
        if not plural and len(governed) >= _THANKS_LIST:
            return []  # "h/t A, B, C and D", "Via A, B, C…": a thanks list, not a source
    return governed


def _article_before(text: str, links: list[_Link], line_start: int, start: int) -> _Link | None:
    """The first article link of the phrase's sentence, before the phrase (or None)."""
    floor = max(line_start, start - 400)
    for link in links:
        if (
            floor <= link.start < start
            and not (link.skip or link.home)
            and _SENTENCE_BREAK.search(text, link.end, start) is None
        ):
            return link
    return None


def _home_follows(text: str, links: list[_Link], end: int) -> bool:
    for link in links:
        if link.start >= end and not link.skip:
            gap = text[end : link.start]
            return link.home and "\n" not in gap and len(gap) <= _LEAD_NAME
    return False


def _opens_line(text: str, line_start: int, start: int, inside: _Link | None) -> bool:
    """A label opens its line, a sentence, a bracket, a dash-led aside or a link's text."""
    before = text[line_start:start].rstrip()
    if not any(char.isalnum() for char in before):
        return True  # only decoration before it: bullets, emoji, quotes, brackets
    if inside is not None and not text[inside.start : start].strip(_SEP):
        return True
    return before[-1] in _OPENERS or before[-1] in _SENTENCE_END


def _image_credit(lowered: str, line_start: int, start: int) -> bool:
    before = lowered[max(line_start, start - 40) : start].strip(_SEP).split()
    return bool(before) and before[-1].strip(_SEP) in IMAGE_WORDS


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _next_link(text: str, links: list[_Link], end: int, name_chars: int) -> _Link | None:
    """The article link that follows a phrase: right after it, or after at most
    ``name_chars`` characters of the same sentence (a site name, a date, "the March
    issue of"); a home page on the way names the site and is passed over.

    >>> link = '<a href="https://a.example/x/">X</a>'
    >>> window = _tokenize('Originally published last week in ' + link, None)
    >>> _next_link(window.text, window.links, 20, name_chars=_LEAD_NAME).href
    'https://a.example/x/'
    >>> window = _tokenize('First appeared in our newsletter. <a href="/s">Sign up</a>', "https://a.example/")
    >>> _next_link(window.text, window.links, 17, name_chars=_LEAD_NAME) is None
    True
    >>> window = _tokenize('Originally published by The Origin Times (New York) on Friday, '
    ...     'March 3, 2019, in its weekend edition. Later ' + link, None)
    >>> _next_link(window.text, window.links, 23, name_chars=_LEAD_NAME) is None
    True
    """
    for link in links:
        if link.start < end or link.skip or link.home:
            continue
        gap = text[end : link.start]
        bare = gap.strip(_SEP)
        if not bare:
            return link if gap.count("\n") <= 1 else None
        if "\n" in gap or len(bare) > name_chars:
            return None
        if len(bare) > _LABEL_NAME and _SENTENCE_BREAK.search(gap) is not None:
            return None  # a long way, and into another sentence
        if _CALL_TO_ACTION.search(text[link.start : link.end].lower()) is not None:
            return None  # "… first appeared in our newsletter. <a>Sign up here</a>"
        return link
    return None


def _list_after(text: str, links: list[_Link], first: _Link, plural: bool) -> list[_Link]:
    more: list[_Link] = []
    previous = first
    line_end = _line_end(text, first.end)
    for link in links:
        if link.start < previous.end or link.skip:
            continue
        if link.start > line_end:
            break
        gap = text[previous.end : link.start].strip(_SEP + ",;&、，")
        if gap and gap.lower() not in _LIST_WORDS and not (plural and len(gap) <= 40):
            break
        if not link.home:
            more.append(link)
        previous = link
    return more


def _evidence(text: str, start: int, link: _Link) -> str:
    first = min(start, link.start)
    last = max(start, link.end)
    line_start = text.rfind("\n", 0, first) + 1
    line_end = _line_end(text, last)
    snippet = " ".join(text[line_start:line_end].split())
    if len(snippet) <= EVIDENCE_CHARS:
        return snippet
    begin = max(line_start, first - 40)
    return _clip(" ".join(text[begin : max(last, begin + EVIDENCE_CHARS)].split()))


def _clip(text: str) -> str:
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1].rstrip() + "…"
