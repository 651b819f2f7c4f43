"""Plain feeds read with lxml, exactly as feedparser reads them. Pure.

:func:`parse_plain_feed` reads RSS 2.0/0.9x, RSS 1.0 (RDF) and Atom 1.0
documents with lxml and a safe parser (no entity expansion, no DTD, no
network, no huge trees). It rebuilds the small part of feedparser's entry
dictionaries that :mod:`tracer.items` reads, following feedparser's own rules
(URI resolution against the feed URL, the "guid is a link" rule, the
first-title-wins rule, its UTF-8/Latin-1 repair and cp1252 mapping), and
hands them to the same item builder, so the :class:`ParsedFeed` is identical
to the one :func:`tracer.feeds.parse_feed` gets from feedparser.

It returns ``None`` whenever the document is not one it fully understands:
malformed XML, a DOCTYPE, ``xml:base``, an encoding other than UTF-8, an
element it does not know whose name feedparser gives a meaning to, XHTML or
base64 content, repeated fields whose winner depends on feedparser's
bookkeeping... The caller then falls back to feedparser.

>>> doc = (b'<rss version="2.0"><channel><title>T</title><link>https://a.example/</link>'
...        b'<item><title>Post</title><link>/p/1</link></item></channel></rss>')
>>> parsed = parse_plain_feed(doc, "https://a.example/feed", "application/rss+xml")
>>> parsed.title, parsed.site_url, parsed.items[0].link
('T', 'https://a.example/', 'https://a.example/p/1')
>>> parse_plain_feed(b"<rss><channel><item>", "https://a.example/feed", "text/xml") is None
True
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from lxml import etree

from tracer.feedparser_dates import feedparser_date
from tracer.items import MONTH_DAYS, clean_text, is_leap, item_from_entry, without_nul
from tracer.models import FeedItem, ParsedFeed

__all__ = ["disabled", "parse_date", "parse_plain_feed"]

Entry = dict[str, Any]

_PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
    "remove_comments": False,
    "remove_pis": False,
    "strip_cdata": True,
    "recover": False,
}
_PARSERS = threading.local()  # lxml: one parser per thread, else threads take turns


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(**_PARSER_OPTIONS)
    return parser


# Namespaces feedparser files under the empty prefix (it reads their elements
# as plain RSS/Atom elements), and the prefixes it gives to the others we meet.
_PLAIN_NAMESPACES = {
    "",
    "http://backend.userland.com/rss",
    "http://blogs.law.harvard.edu/tech/rss",
    "http://purl.org/rss/1.0/",
    "http://my.netscape.com/rdf/simple/0.9/",
    "http://www.w3.org/2005/atom",
    "http://purl.org/rss/1.0/modules/rss091#",
}
_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://search.yahoo.com/mrss": "media",
    "http://search.yahoo.com/mrss/": "media",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/threading/": "thr",
    "http://wellformedweb.org/commentapi/": "wfw",
}
# feedparser's name of each tag met so far (a tag always gets the same one),
# bounded so that documents full of made-up tags cannot grow it forever
_KEYS: dict[str, str] = {}
_KEYS_MAX = 4096
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_ATOM = "http://www.w3.org/2005/Atom"
_XML = "http://www.w3.org/XML/1998/namespace"

# Elements whose feedparser handlers only touch keys we never read. Leaves
# (no child elements).
_HARMLESS_FEED = {
    "description", "subtitle", "tagline", "language", "lastbuilddate", "pubdate", "updated",
    "published", "generator", "copyright", "rights", "managingeditor", "webmaster", "docs",
    "ttl", "category", "icon", "logo", "cloud", "rating", "dc_creator", "dc_language",
    "dc_rights", "dc_publisher", "sy_updateperiod", "sy_updatefrequency", "sy_updatebase",
}  # fmt: skip
_HARMLESS_ENTRY = {
    "comments", "category", "dc_creator", "dc_subject", "wfw_commentrss",
    "wfw_comment", "slash_comments", "thr_total", "media_thumbnail",
}  # fmt: skip
_PERSON_PARTS = {"name", "email", "uri"}
_IMAGE_PARTS = {"title", "url", "link", "width", "height", "description", "name"}
_TEXT_TYPES = {"text": "text/plain", "plain": "text/plain", "html": "text/html"}
_ENTITY_QUERY = re.compile("&([A-Za-z0-9_]+);")
_XML_DECL_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
# An absolute http(s) URL that urljoin() returns unchanged: no empty query,
# fragment or parameters to drop, no whitespace or controls, no IPv6 brackets.
_PLAIN_ABSOLUTE = re.compile(r"https?://[^/\x00-\x20;\[\]?#][^\x00-\x20;\[\]]*(?<![?#])\Z")
# A URI with a scheme, as urllib.parse.urlsplit finds one (its first ":" ends the
# scheme): urljoin returns such a URI unchanged when its scheme is not the base's.
_OTHER_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?!//)")  # "x://" is fixed up first
_XML_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
}


# C1 control characters feedparser reads as the cp1252 punctuation they stand
# for in mislabelled documents (the five code points cp1252 leaves undefined stay).
_CP1252 = {
    code: bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
# feedparser's URL join: extra slashes after "scheme://" dropped, then urljoin
# (an address urljoin rejects becomes empty).
_URI_FIXER = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")


def _urljoin(base: str, uri: str) -> str:
    """feedparser's ``urls._urljoin``, in our code (it is not a public API).

    >>> _urljoin("https://a.example/feed/", "../p/1"), _urljoin("https://a.example/", "http:///b")
    ('https://a.example/p/1', 'http://b')
    """
    uri = _URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:([+-])(\d{2})(\d{2})|GMT|UTC|UT|Z)"
)
_ISO8601 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|([+-])(\d{2}):(\d{2}))"
)


def parse_date(value: str) -> time.struct_time | None:
    """A feed date as a UTC ``struct_time``: the two usual forms here, the rest by feedparser.

    The fast forms give the same instant as feedparser's own date parser
    (tests/test_plain_feeds.py checks it), much faster.

    >>> time.strftime("%Y-%m-%dT%H:%M:%SZ", parse_date("Sat, 23 Mar 2019 11:02:13 +0100"))
    '2019-03-23T10:02:13Z'
    >>> time.strftime("%Y-%m-%dT%H:%M:%SZ", parse_date("2019-03-23T11:02:13-02:30"))
    '2019-03-23T13:32:13Z'
    """
    plain = _plain_date(value)
    if plain is not None:
        return plain
    rfc = _RFC822.fullmatch(value)
    if rfc:
        day, month, year, hour, minute, second, sign, off_h, off_m = rfc.groups()
        fields = (int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second))
    else:
        iso = _ISO8601.fullmatch(value)
        if not iso:
            return feedparser_date(value)
        year, month_s, day, hour, minute, second, sign, off_h, off_m = iso.groups()
        fields = (int(year), int(month_s), int(day), int(hour), int(minute), int(second))
    try:
        moment = datetime(*fields)
    except ValueError:
        return feedparser_date(value)
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        moment = moment - offset if sign == "+" else moment + offset
    # the fields of time.gmtime(calendar.timegm(moment.timetuple())), without the round trip
    return moment.utctimetuple()


_WEEKDAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}


def _plain_date(value: str) -> time.struct_time | None:
    """:func:`parse_date` of the commonest spellings of its two forms, read by position
    and computed in integers (no regular expression, ``int()`` of text or ``datetime``):
    ``Sat, 23 Mar 2019 11:02:13 +0100`` (or ``GMT``) and ``2019-03-23T11:02:13Z`` (or
    ``-02:30``), years 2 to 9998. None for anything else, which :func:`parse_date` reads
    as before (a date that does not exist, such as 31 Feb, goes that way to feedparser).

    >>> tuple(_plain_date("Sat, 23 Mar 2019 11:02:13 +0100"))
    (2019, 3, 23, 10, 2, 13, 5, 82, 0)
    >>> tuple(_plain_date("2020-01-01T01:00:00+02:30"))
    (2019, 12, 31, 22, 30, 0, 1, 365, 0)
    >>> [_plain_date(v) for v in ("2019-03-23T11:02:13.5Z", "Sat, 31 Feb 2019 10:00:00 GMT")]
    [None, None]
    """
    size = len(value)
    if size in (29, 31) and value[3:5] == ", " and value[:3] in _WEEKDAYS:
        # "Sat, 23 Mar 2019 11:02:13 +0100" / "Sat, 23 Mar 2019 11:02:13 GMT"
        month = _MONTHS.get(value[8:11], 0)
        if not month or value[7] != " " or value[11] != " " or value[16] != " ":
            return None
        if value[19] != ":" or value[22] != ":" or value[25] != " ":
            return None
        year, day, hour = _number(value, 12, 16), _number(value, 5, 7), _number(value, 17, 19)
        minute, second = _number(value, 20, 22), _number(value, 23, 25)
        if size == 29:
            if value[26:] != "GMT":
                return None
            sign, off_h, off_m = "+", 0, 0
        else:
            sign, off_h, off_m = value[26], _number(value, 27, 29), _number(value, 29, 31)
    elif size in (20, 25) and value[10] == "T":
        # "2019-03-23T11:02:13Z" / "2019-03-23T11:02:13-02:30"
        if value[4] != "-" or value[7] != "-" or value[13] != ":" or value[16] != ":":
            return None
        year, month, day = _number(value, 0, 4), _number(value, 5, 7), _number(value, 8, 10)
        hour, minute, second = (
            _number(value, 11, 13),
            _number(value, 14, 16),
            _number(value, 17, 19),
        )
        if size == 20:
            if value[19] != "Z":
                return None
            sign, off_h, off_m = "+", 0, 0
        else:
            if value[22] != ":":
                return None
            sign, off_h, off_m = value[19], _number(value, 20, 22), _number(value, 23, 25)
    else:
        return None
    if (
        (sign != "+" and sign != "-")
        or not 2 <= year <= 9998  # an offset can never leave datetime's years 1 to 9999
        or not 1 <= month <= 12
        or not 1 <= day <= MONTH_DAYS[month - 1] + (month == 2 and is_leap(year))
        or not 0 <= hour <= 23  # -1: not all digits
        or not 0 <= minute <= 59
        or not 0 <= second <= 59
        or off_h < 0
        or off_m < 0
    ):
        return None
    offset = (off_h * 60 + off_m) * 60
    moment = _days(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    moment = moment - offset if sign == "+" else moment + offset
    days, seconds = moment // 86400, moment % 86400
    year, month, day = _civil(days)
    return time.struct_time(
        (
            year,
            month,
            day,
            seconds // 3600,
            seconds // 60 % 60,
            seconds % 60,
            (days + 3) % 7,  # 1 January 1970 was a Thursday (Monday is 0)
            days - _days(year, 1, 1) + 1,
            0,
        )
    )


def _number(value: str, start: int, end: int) -> int:
    """The ASCII digits ``value[start:end]`` as a number; -1 if any is not one."""
    number = 0
    for index in range(start, end):
        digit = ord(value[index]) - 48
        if digit < 0 or digit > 9:
            return -1
        number = number * 10 + digit
    return number


def _days(year: int, month: int, day: int) -> int:
    """Days from 1 January 1970 to this date of the proleptic Gregorian calendar.

    >>> _days(1970, 1, 1), _days(2000, 3, 1), _days(1969, 12, 31)
    (0, 11017, -1)
    """
    year -= month <= 2
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719468


def _civil(days: int) -> tuple[int, int, int]:
    """The date ``days`` after 1 January 1970 (the inverse of :func:`_days`).

    >>> _civil(0), _civil(11017), _civil(-1)
    ((1970, 1, 1), (2000, 3, 1), (1969, 12, 31))
    """
    days += 719468
    era = days // 146097
    of_era = days - era * 146097
    year_of_era = (of_era - of_era // 1460 + of_era // 36524 - of_era // 146096) // 365
    of_year = of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted = (5 * of_year + 2) // 153  # months from March
    day = of_year - (153 * shifted + 2) // 5 + 1
    month = shifted + (3 if shifted < 10 else -9)
    return year_of_era + era * 400 + (month <= 2), month, day


_disabled = False


class _Unsupported(Exception):
    """The document uses something the fast path does not reproduce exactly."""


def parse_plain_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed | None:
    """The :class:`ParsedFeed` of ``body``, or ``None`` to let feedparser read it."""
    if _disabled or not _plain_utf8(body, content_type):
        return None
    try:
        root = etree.fromstring(body, _parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    try:
        return _Reader(url).read(root)
    except _Unsupported:
        return None


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Within the block, :func:`parse_plain_feed` always declines (feedparser reads everything).

    For tests and benchmarks that need the feedparser path as a reference, and
    for telling whether a surprising result comes from the fast path.

    >>> doc = b'<rss version="2.0"><channel><title>T</title></channel></rss>'
    >>> with disabled():
    ...     parse_plain_feed(doc, "https://a.example/feed", "application/rss+xml") is None
    True
    """
    global _disabled
    previous, _disabled = _disabled, True
    try:
        yield
    finally:
        _disabled = previous


def _plain_utf8(body: bytes, content_type: str | None) -> bool:
    """True when feedparser would decode ``body`` as UTF-8 with no complaint."""
    if not body.startswith(b"<"):
        return False  # BOM, leading whitespace, not XML at all
    head = body[:1024]
    if b"<!DOCTYPE" in head.upper() or b"xml:base" in body or b"<!ENTITY" in body:
        return False
    declared = _XML_DECL_ENCODING.match(head)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    if content_type is not None:
        mime, _, params = content_type.partition(";")
        if mime.strip().lower() not in _XML_TYPES:
            return False
        charset = None
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset":
                charset = value.strip().strip("\"'").lower()
        if charset not in (None, "utf-8", "utf8"):
            return False
        if charset is None and mime.strip().lower() == "text/xml":
            return False  # RFC 3023: us-ascii; feedparser's own rules apply
    if body.isascii():
        return True  # ASCII is UTF-8 (and checking it costs no decoded copy)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _fix_text(value: str) -> str:
    """feedparser's repair of every text value of a UTF-8 document (see its ``pop``)."""
    if not value.isascii():
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            value = value.encode("iso-8859-1").decode("utf-8")
        value = value.translate(_CP1252)
    return value


def _leaf_text(element: etree._Element) -> str:
    if len(element):
        raise _Unsupported("element with children")
    return element.text or ""


class _Reader:
    """Walks one document, keeping the few pieces of feedparser's state that matter."""

    def __init__(self, url: str) -> None:
        self.base = url
        self.title_depth = -1
        try:  # as urljoin reads it (None: let urljoin itself decide)
            self.base_scheme: str | None = urllib.parse.urlsplit(url).scheme
        except ValueError:
            self.base_scheme = None

    # -- names ---------------------------------------------------------------

    @staticmethod
    def key(element: etree._Element) -> str | None:
        """feedparser's name for ``element`` (``title``, ``dc_creator``), None to skip it."""
        tag = element.tag
        known = _KEYS.get(tag)
        if known is not None:
            # Only element names are cached. A tag without "{uri}" has no prefix: lxml
            # refuses an undeclared prefix and an empty namespace (``xmlns:p=""``).
            return known
        if not isinstance(tag, str):
            return None  # comment or processing instruction: feedparser's SAX never sees them
        if tag[0] == "{":
            uri, _, local = tag[1:].partition("}")
        else:
            uri, local = "", tag
        uri = uri.lower()
        if "backend.userland.com/rss" in uri:
            uri = "http://backend.userland.com/rss"
        local = local.lower()
        if uri in _PLAIN_NAMESPACES:
            if element.prefix and uri == "":
                raise _Unsupported("prefixed element without a namespace")
            name = local
        else:
            prefix = _PREFIXES.get(uri)
            if prefix is None:
                raise _Unsupported(f"namespace {uri}")
            name = f"{prefix}_{local}"
        if len(_KEYS) < _KEYS_MAX:
            _KEYS[tag] = name
        return name

    @staticmethod
    def attrs(element: etree._Element) -> dict[str, str]:
        """Attributes as feedparser sees them: names lower-cased, ``rel``/``type`` too."""
        result: dict[str, str] = {}
        for name, value in element.items():
            if name[0] == "{":
                uri, _, local = name[1:].partition("}")
                if uri.lower() == _RDF:
                    name = "rdf:" + local
                elif uri == _XML and local == "lang":
                    name = "xml:lang"
                else:
                    raise _Unsupported(f"attribute {name}")
            name = name.lower()
            if name in ("rel", "type"):
                value = value.lower()
            result[name] = value
        return result

    def resolve(self, uri: str) -> str:
        """feedparser's join of ``uri`` to the feed URL, skipped for a URL it would not change."""
        if _PLAIN_ABSOLUTE.match(uri) and uri.isascii() and "?#" not in uri:
            return uri
        other = _OTHER_SCHEME.match(uri)
        if other and self.base_scheme is not None and other[1].lower() != self.base_scheme:
            return uri  # e.g. an Atom id "tag:…" or "urn:…": urljoin keeps it as it is
        return _urljoin(self.base, uri)

    def text(self, element: etree._Element, resolve: bool = False) -> str:
        """A text element's value after feedparser's ``pop``."""
        if len(element):
            raise _Unsupported("element with children")
        value = (element.text or "").strip()
        if resolve and value:
            value = self.resolve(value)
        return value if value.isascii() else _fix_text(value)

    # -- documents -----------------------------------------------------------

    def read(self, root: etree._Element) -> ParsedFeed:
        name = self.key(root)
        feed: Entry = {}
        entries: list[Entry] = []
        if name == "rss" and root.tag == "rss":
            channels = [child for child in root if self.key(child) is not None]
            if len(channels) != 1 or self.key(channels[0]) != "channel":
                raise _Unsupported("rss without exactly one channel")
            self.channel(channels[0], feed, entries, depth=2)
        elif name == "rdf_rdf" and root.tag == f"{{{_RDF}}}RDF":
            for child in root:
                key = self.key(child)
                if key == "channel":
                    self.channel(child, feed, entries, depth=2)
                elif key == "item":
                    entries.append(self.entry(child, depth=2))
                elif key in ("image", "textinput"):
                    self.title_depth = -1  # image and textinput titles go elsewhere
                    self.image(child, depth=2)
                elif key is not None:
                    raise _Unsupported(f"RDF child {key}")
        elif name == "feed" and root.tag == f"{{{_ATOM}}}feed":
            self.channel(root, feed, entries, depth=1)
        else:
            raise _Unsupported("unknown root element")
        items: tuple[FeedItem, ...] = tuple(item_from_entry(entry) for entry in entries)
        return ParsedFeed(
            title=clean_text(feed.get("title")),
            site_url=without_nul(str(feed.get("link") or "")) or None,
            items=items,
            warning=None,
        )

    def channel(
        self, element: etree._Element, feed: Entry, entries: list[Entry], depth: int
    ) -> None:
        """A channel or Atom feed: feed-level fields and its entries."""
        seen: set[str] = set()
        for child in element:
            key = self.key(child)
            if key is None:
                continue
            child_depth = depth + 1
            if key in ("item", "entry"):
                entries.append(self.entry(child, child_depth))
            elif key == "title":
                self.once(seen, key)
                self.check_text_type(child)
                self.title(child, feed, child_depth)
            elif key == "link":
                self.once(seen, "link-" + self.attrs(child).get("rel", "alternate"))
                self.link(child, feed, in_entry=False)
            elif key == "id":
                self.once(seen, key)
                self.guid(child, feed)
            elif key == "image":
                self.title_depth = -1
                self.image(child, child_depth)
            elif key in ("author", "contributor"):
                self.person(child)
            elif key in ("items", "textinput") and self.key(element) == "channel":
                self.rdf_leafish(child)
            elif key in _HARMLESS_FEED:
                _leaf_text(child)
            else:
                raise _Unsupported(f"feed element {key}")

    def entry(self, element: etree._Element, depth: int) -> Entry:
        entry: Entry = {}
        self.title_depth = -1
        about = self.attrs(element).get("rdf:about")
        if about:
            entry["id"] = about
        seen: set[str] = set()
        child_depth = depth + 1
        key_of, known = self.key, _KEYS.get
        for child in element:
            key = known(child.tag) or key_of(child)  # a known tag's name without the call
            if key is None:
                continue
            if key in _HARMLESS_ENTRY:  # first: most children of an item (no other branch's)
                if len(child):
                    raise _Unsupported("element with children")
            elif key == "title":
                self.once(seen, key)
                self.check_text_type(child)
                self.title(child, entry, child_depth)
            elif key == "link":
                self.link(child, entry, in_entry=True)
            elif key in ("guid", "id"):
                self.once(seen, "id")
                self.guid(child, entry)
            elif key in ("description", "summary"):
                self.once(seen, "summary")
                default = "text/html" if key == "description" else "text/plain"
                content_type = self.body_type(child, default, rss=key == "description")
                value = self.text(child)
                entry["summary"] = value
                entry["summary_detail"] = {"type": content_type, "value": value}
            elif key in ("content_encoded", "content"):
                self.once(seen, "content")
                if key == "content" and "src" in self.attrs(child):
                    raise _Unsupported("content with src")
                default = "text/html" if key == "content_encoded" else "text/plain"
                content_type = self.body_type(child, default, rss=key == "content_encoded")
                value = self.text(child)
                entry.setdefault("content", []).append({"type": content_type, "value": value})
                entry.setdefault("summary", value)
            elif key in ("pubdate", "published", "issued"):
                self.once(seen, "published")
                entry["published_parsed"] = parse_date(self.text(child))
            elif key in ("updated", "modified", "dc_date"):
                self.once(seen, "updated")
                entry["updated_parsed"] = parse_date(self.text(child))
            elif key == "source":
                self.once(seen, key)
                entry["source"] = self.source(child, child_depth)
            elif key == "feedburner_origlink":
                self.once(seen, key)
                entry[key] = self.text(child)
            elif key in ("author", "contributor"):
                self.person(child)
            elif key == "enclosure":
                self.enclosure(child, entry)
            else:
                raise _Unsupported(f"entry element {key}")
        return entry

    # -- fields --------------------------------------------------------------

    @staticmethod
    def once(seen: set[str], key: str) -> None:
        if key in seen:
            raise _Unsupported(f"repeated {key}")
        seen.add(key)

    def check_text_type(self, element: etree._Element) -> None:
        attrs = self.attrs(element)
        declared = attrs.get("type")
        if declared is not None and _TEXT_TYPES.get(declared, declared) not in (
            "text/plain",
            "text/html",
        ):
            raise _Unsupported(f"title of type {declared}")
        if "mode" in attrs:
            raise _Unsupported("mode attribute")

    def body_type(self, element: etree._Element, default: str, rss: bool) -> str:
        attrs = self.attrs(element)
        if rss:
            if attrs:
                raise _Unsupported("attributes on an RSS body")
            return default
        if "mode" in attrs:
            raise _Unsupported("mode attribute")
        declared = attrs.get("type", default)
        content_type = _TEXT_TYPES.get(declared, declared)
        if content_type not in ("text/plain", "text/html"):
            raise _Unsupported(f"body of type {declared}")
        return content_type

    def title(self, element: etree._Element, context: Entry, depth: int) -> None:
        value = self.text(element)
        if -1 < self.title_depth <= depth:
            return  # feedparser keeps the first title of a context
        context["title"] = value
        if value:
            self.title_depth = depth

    def link(self, element: etree._Element, context: Entry, in_entry: bool) -> None:
        attrs = self.attrs(element)
        attrs.setdefault("rel", "alternate")
        if attrs["rel"] == "self":
            attrs.setdefault("type", "application/atom+xml")
        else:
            attrs.setdefault("type", "text/html")
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if href is not None and not href:
            raise _Unsupported("link with an empty address")
        for name in ("url", "uri", "href"):
            attrs.pop(name, None)
        attrs.pop("xml:lang", None)
        links: list[dict[str, str]] = context.setdefault("links", [])
        if href:
            _leaf_text(element)
            attrs["href"] = self.resolve(href)
            links.append(attrs)
            if attrs["rel"] == "alternate" and attrs["type"] in (
                "text/html",
                "application/xhtml+xml",
            ):
                context["link"] = attrs["href"]
            return
        if len(attrs) != 2:
            raise _Unsupported("link with odd attributes")
        links.append(attrs)
        value = self.text(element, resolve=True)
        if "&" not in value:
            pass  # nothing for either substitution to change (most links)
        elif in_entry:
            value = _ENTITY_QUERY.sub(r"&\g<1>", value.replace("&amp;", "&"))
        else:
            value = _ENTITY_QUERY.sub(r"&\g<1>", value)
        context["link"] = value
        if value or not in_entry:
            links[-1]["href"] = value

    @staticmethod
    def enclosure(element: etree._Element, context: Entry) -> None:
        _leaf_text(element)
        attrs = _Reader.attrs(element)
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if href:
            for name in ("url", "uri"):
                attrs.pop(name, None)
            attrs["href"] = href
        attrs["rel"] = "enclosure"
        context.setdefault("links", []).append(attrs)

    def guid(self, element: etree._Element, context: Entry) -> None:
        attrs = self.attrs(element)
        permalink = attrs.get("ispermalink", "true")
        if permalink not in ("true", "false") or len(attrs) > ("ispermalink" in attrs):
            raise _Unsupported("guid with odd attributes")
        is_link = permalink == "true"
        value = self.text(element, resolve=is_link)
        context["id"] = value
        if is_link:
            context.setdefault("link", value)

    def source(self, element: etree._Element, depth: int) -> Entry:
        data: Entry = {}
        attrs = self.attrs(element)
        if "url" in attrs:
            data["href"] = attrs["url"]
        self.title_depth = -1
        if len(element) == 0:
            value = _fix_text((element.text or "").strip())
            if value:
                data["title"] = value
            return data
        if (element.text or "").strip() or "url" in attrs:
            raise _Unsupported("mixed source")
        seen: set[str] = set()
        for child in element:
            key = self.key(child)
            if key is None:
                continue
            if key == "title":
                self.once(seen, key)
                self.check_text_type(child)
                self.title(child, data, depth + 1)
            elif key == "link":
                self.link(child, data, in_entry=False)
            elif key == "id":
                self.once(seen, key)
                self.guid(child, data)
            elif key in ("updated", "subtitle", "rights", "icon", "logo", "generator", "category"):
                _leaf_text(child)
            elif key in ("author", "contributor"):
                self.person(child, in_source=True)
            else:
                raise _Unsupported(f"source element {key}")
            if (child.tail or "").strip():
                raise _Unsupported("text in source")
        return data

    def person(self, element: etree._Element, in_source: bool = False) -> None:
        if len(element) == 0:
            return
        if (element.text or "").strip():
            raise _Unsupported("mixed author")
        for child in element:
            key = self.key(child)
            if key is not None and key not in _PERSON_PARTS:
                raise _Unsupported(f"author element {key}")
            if in_source and key == "uri":
                raise _Unsupported(
                    "author uri in source (feedparser files it as the source's href)"
                )
            _leaf_text(child)

    def image(self, element: etree._Element, depth: int) -> None:
        for child in element:
            key = self.key(child)
            if key is not None and key not in _IMAGE_PARTS:
                raise _Unsupported(f"image element {key}")
            _leaf_text(child)
            if key == "title" and (child.text or "").strip():
                self.title_depth = depth + 1

    def rdf_leafish(self, element: etree._Element) -> None:
        """RSS 1.0 ``items`` (an rdf:Seq of rdf:li) and ``textinput`` references."""
        for node in element.iter():
            if node is element:
                continue
            key = self.key(node)
            if key is not None and key not in ("rdf_seq", "rdf_li"):
                raise _Unsupported(f"{key} inside {element.tag}")
