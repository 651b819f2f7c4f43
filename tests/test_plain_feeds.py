"""tracer.plain_feeds must give exactly parse_feed's result, or None (fall back).

Every case compares with the feedparser path itself, so these tests follow
whatever tracer/feeds.py does; a case marked "handled" must also be answered
by the fast path (not just skipped), or the fast path would be useless.
"""

from __future__ import annotations

import calendar
import re
import sys
import tarfile
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracer import plain_feeds
from tracer.exceptions import ParseError
from tracer.feedparser_dates import feedparser_date as _parse_date
from tracer.feeds import parse_feed
from tracer.models import ParsedFeed
from tracer.plain_feeds import parse_date, parse_plain_feed

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpora" / "feedparser-tests.tar.gz"
SAMPLES = sorted((ROOT / "samples").glob("*.xml"))
URL = "http://feeds.example/blog/feed/"
RSS = "application/rss+xml; charset=UTF-8"
ATOM = "application/atom+xml"


def same(body: bytes, content_type: str | None = RSS, url: str = URL) -> bool:
    """True if the fast path answered and matched parse_feed; False if it declined."""
    fast = parse_plain_feed(body, url, content_type)
    if fast is None:
        return False
    assert fast == reference(body, url, content_type)
    return True


def reference(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    """parse_feed with the fast path off: feedparser's reading, whether or not feeds.py wires it."""
    with plain_feeds.disabled():
        return parse_feed(body, url, content_type)


def rss(
    items: str, channel: str = "<title>Blog</title><link>https://blog.example/</link>"
) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">'
        f"<channel>{channel}{items}</channel></rss>"
    ).encode()


def atom(entries: str, head: str = "<title>A</title>") -> bytes:
    return (f'<feed xmlns="http://www.w3.org/2005/Atom">{head}{entries}</feed>').encode()


# -- our samples and the benchmark's generated feeds --------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
@pytest.mark.parametrize("content_type", [RSS, ATOM, "text/xml; charset=utf-8"])
def test_samples_are_handled_and_identical(path: Path, content_type: str) -> None:
    body = path.read_bytes()
    answered = same(body, content_type, f"http://samples.example/{path.name}")
    # XHTML content is feedparser's to serialize; every other sample is plain RSS/Atom.
    assert answered or b'type="xhtml"' in body


def test_no_content_type_is_identical() -> None:
    body = HANDLED["description and content:encoded both kept"]
    assert same(body, None)


@pytest.mark.parametrize("index", range(4))
def test_generated_benchmark_feeds_are_handled_and_identical(index: int) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))  # absent from an sdist: skip there
    feedgen = pytest.importorskip("feedgen")
    assert same(feedgen.rss_feed(index, seed=7), RSS)
    assert same(feedgen.atom_feed(index, seed=7), ATOM)


# -- constructs the fast path reproduces -------------------------------------------

HANDLED = {
    "relative links and guid resolved against the feed URL": rss(
        "<item><title>T</title><link>/2019/post/</link><guid>p-1</guid></item>"
    ),
    "permalink guid stands in for a missing link": rss(
        "<item><title>T</title><guid>https://blog.example/p/2</guid></item>"
    ),
    "guid before link": rss(
        "<item><guid>https://blog.example/g</guid><link>https://blog.example/l</link></item>"
    ),
    "guid that is not a permalink": rss(
        '<item><guid isPermaLink="false">42</guid><title>T</title></item>'
    ),
    "query string entities in a link": rss(
        "<item><link>https://blog.example/?p=1&amp;amp;utm=x&amp;b;=2</link></item>"
    ),
    "RSS source url and feedburner origLink": rss(
        '<item><link>http://feeds.example/~r/x/1</link><source url="https://orig.example/rss">'
        "Orig</source><feedburner:origLink>https://blog.example/real/</feedburner:origLink>"
        "</item>"
    ),
    "RSS source without url": rss(
        "<item><link>https://b.example/1</link><source>S</source></item>"
    ),
    "description and content:encoded both kept": rss(
        "<item><link>https://b.example/1</link><description>&lt;p&gt;short&lt;/p&gt;"
        "</description><content:encoded><![CDATA[<p>long Source Article from "
        '<a href="https://src.example/a">x</a></p>]]></content:encoded></item>'
    ),
    "content:encoded before description": rss(
        "<item><content:encoded>full</content:encoded><description>sum</description></item>"
    ),
    "enclosure, comments, categories, creator": rss(
        '<item><link>https://b.example/1</link><enclosure url="https://b.example/a.mp3" '
        'length="1" type="audio/mpeg"/><comments>https://b.example/1#c</comments>'
        "<category>x</category><dc:creator>me</dc:creator></item>"
    ),
    "dates: RFC 822 with zone, dc:date": rss(
        "<item><link>https://b.example/1</link><pubDate>Sat, 23 Mar 2019 11:02:13 +0300"
        "</pubDate></item><item><link>https://b.example/2</link>"
        "<dc:date>2019-03-23T11:02:13-05:00</dc:date></item>"
        "<item><link>https://b.example/3</link><pubDate>23 March 2019</pubDate></item>"
    ),
    "mojibake repaired and cp1252 controls mapped like feedparser": rss(
        "<item><title>caf\u00c3\u00a9 \u0093quoted\u0094</title>"
        "<link>https://b.example/1</link></item>"
    ),
    "whitespace in titles collapsed": rss("<item><title>  a \n\t b  </title></item>"),
    "atom:link self beside the RSS link": rss(
        "<item><link>https://b.example/1</link></item>",
        '<atom:link href="https://blog.example/feed/" rel="self" type="application/rss+xml"/>'
        "<link>https://blog.example/</link><title>B</title><image><title>img</title>"
        "<url>https://blog.example/i.png</url><link>https://blog.example/</link></image>",
    ),
    "atom entries: text and html bodies, via links": atom(
        '<entry><title type="html">&lt;b&gt;T&lt;/b&gt;</title>'
        '<link href="https://a.example/1"/><link rel="via" href="https://src.example/x"/>'
        "<id>tag:a.example,2019:1</id><updated>2019-03-23T10:00:00Z</updated>"
        '<summary>plain &lt;text&gt;</summary><content type="html">&lt;p&gt;x&lt;/p&gt;</content>'
        "</entry>",
        '<title>A</title><link href="https://a.example/"/><id>tag:a.example,2019:feed</id>',
    ),
    "atom feed without alternate link: its id stands in": atom(
        "<entry><id>https://a.example/p/1</id></entry>",
        "<title>A</title><id>https://a.example/</id>",
    ),
    "atom source": atom(
        '<entry><link href="https://a.example/1"/><source><id>tag:o.example,2019:f</id>'
        '<title>Orig</title><link href="https://o.example/post"/>'
        "<author><name>o</name></author></source><title>after source</title></entry>"
    ),
    "atom relative link": atom('<entry><link href="p/1"/><title>t</title></entry>'),
    "rss 1.0": (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b'<channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link>'
        b"<description>d</description><items><rdf:Seq>"
        b'<rdf:li rdf:resource="https://r.example/1"/></rdf:Seq></items></channel>'
        b'<item rdf:about="https://r.example/1"><title>One</title>'
        b"<link>https://r.example/1</link><dc:date>2019-03-23T10:00:00Z</dc:date></item>"
        b"</rdf:RDF>"
    ),
    "rss 1.0, image before the channel (feedparser then drops the channel title)": (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><image rdf:about="https://r.example/i.png">'
        b"<title>Img</title><url>https://r.example/i.png</url><link>https://r.example/</link>"
        b"</image><channel><title>R</title><link>https://r.example/</link></channel>"
        b'<item rdf:about="https://r.example/1"><title>One</title></item></rdf:RDF>'
    ),
    "empty channel": rss(""),
}


@pytest.mark.parametrize("body", HANDLED.values(), ids=list(HANDLED))
def test_handled_constructs_are_identical(body: bytes) -> None:
    content_type = ATOM if body.lstrip().startswith(b"<feed") else RSS
    assert same(body, content_type)


# -- documents the fast path must leave to feedparser -------------------------------

DECLINED = {
    "malformed XML": rss("<item><title>T</title><link>x</item>"),
    "truncated": rss("<item><title>T</title></item>")[:-20],
    "undefined HTML entity": rss("<item><title>caf&eacute;</title></item>"),
    "DOCTYPE": b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd">'
    + rss("<item><title>T</title></item>")[39:],
    "xml:base": atom('<entry xml:base="https://other.example/"><link href="p"/></entry>'),
    "latin-1 document": rss("<item><title>caf\xe9</title></item>")
    .replace(b"UTF-8", b"ISO-8859-1")
    .decode()
    .encode("latin-1"),
    "xhtml content": atom(
        '<entry><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<p>x</p></div></content></entry>"
    ),
    "base64 content": atom('<entry><content type="image/png">aGk=</content></entry>'),
    "markup inside an RSS description": rss("<item><description><p>x</p></description></item>"),
    "unknown namespace": rss('<item><x:title xmlns:x="http://x.example/">T</x:title></item>'),
    "element feedparser maps onto our fields": rss(
        "<item><dc:title>T</dc:title><link>https://b.example/1</link></item>"
    ),
    "two titles": rss("<item><title>a</title><title>b</title></item>"),
    "two descriptions": rss(
        "<item><description>a</description><description>b</description></item>"
    ),
    "html page": b"<html><head><title>x</title></head><body></body></html>",
    "atom 0.3": b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>x</title></feed>',
    "leading whitespace": b"\n  " + rss("<item><title>T</title></item>"),
}


@pytest.mark.parametrize("body", DECLINED.values(), ids=list(DECLINED))
def test_declines_what_it_does_not_fully_understand(body: bytes) -> None:
    assert parse_plain_feed(body, URL, RSS) is None


@pytest.mark.parametrize(
    "content_type",
    ["text/html", "text/plain", "text/xml", "application/xml; charset=iso-8859-1"],
)
def test_declines_content_types_feedparser_treats_specially(content_type: str | None) -> None:
    assert parse_plain_feed(rss("<item><title>T</title></item>"), URL, content_type) is None


def test_entity_expansion_is_never_attempted() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<rss><channel><title>&lol2;</title></channel></rss>"
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&x;</title></channel></rss>"
    )
    assert parse_plain_feed(bomb, URL, RSS) is None
    assert parse_plain_feed(external, URL, RSS) is None
    with pytest.raises(ParseError):
        parse_feed(bomb, URL, RSS)


# -- dates -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
    offset=st.integers(min_value=-14 * 60, max_value=14 * 60),
    style=st.sampled_from(["rfc822", "iso", "iso-frac", "rfc822-gmt"]),
)
def test_parse_date_agrees_with_feedparser(moment: datetime, offset: int, style: str) -> None:
    aware = moment.replace(microsecond=moment.microsecond if style == "iso-frac" else 0)
    aware = aware.replace(tzinfo=timezone(timedelta(minutes=offset)))
    if style == "rfc822":
        text = format_datetime(aware)
    elif style == "rfc822-gmt":
        text = format_datetime(aware.astimezone(UTC).replace(tzinfo=None)) + " GMT"
    else:
        text = aware.isoformat().replace("+00:00", "Z")
    ours, theirs = parse_date(text), _parse_date(text)
    assert theirs is not None
    assert ours is not None and calendar.timegm(ours) == calendar.timegm(theirs), text


@pytest.mark.parametrize(
    "text",
    ["Sat, 31 Feb 2019 10:00:00 GMT", "2019-13-01T00:00:00Z", "yesterday", "", "Sat, 23 Mar 19"],
)
def test_parse_date_odd_values_follow_feedparser(text: str) -> None:
    ours, theirs = parse_date(text), _parse_date(text)
    assert (ours and calendar.timegm(ours)) == (theirs and calendar.timegm(theirs))


# -- feedparser's own test corpus --------------------------------------------------

_HEADER = re.compile(rb"Header:\s*Content-type:\s*(.*?)\s*$", re.IGNORECASE | re.MULTILINE)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpora is not available")
def test_feedparser_corpus_identical_wherever_fast_path_answers() -> None:
    answered = 0
    with tarfile.open(CORPUS) as archive:
        for member in archive.getmembers():
            if not (member.isfile() and member.name.endswith(".xml")):
                continue
            handle = archive.extractfile(member)
            assert handle is not None
            body = handle.read()
            declared = _HEADER.search(body[:2048])
            content_type = declared.group(1).decode() if declared else "application/xml"
            url = f"http://corpus.example/{member.name}"
            fast = parse_plain_feed(body, url, content_type)
            if fast is None:
                continue
            answered += 1
            assert fast == reference(body, url, content_type), member.name
    assert answered > 500  # the fast path must cover the common, well-formed cases


# -- feedparser internals: what we copied must still match, what we call must still exist


def test_feedparser_date_parser_is_where_tracer_calls_it() -> None:
    import feedparser
    import feedparser.datetimes

    assert callable(getattr(feedparser.datetimes, "_parse_date", None)), (
        f"feedparser {feedparser.__version__} moved datetimes._parse_date, which"
        " tracer/feedparser_dates.py calls: pin feedparser below this version in"
        " pyproject.toml, or follow the move"
    )


def test_our_cp1252_table_is_feedparsers() -> None:
    from feedparser.html import _cp1252

    assert {chr(code): char for code, char in _cp1252.items()} == {
        chr(code): char for code, char in plain_feeds._CP1252.items()
    }


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["http://a.example/feed/", "https://b.example/x/y?z=1"]),
    st.one_of(
        st.text(alphabet="ab/:.?#%[]@ -", max_size=25),
        st.sampled_from(["http:///x", "//c.example/p", "https://[::1", "../../q", "HTTP://////d"]),
    ),
)
def test_our_urljoin_is_feedparsers(base: str, uri: str) -> None:
    from feedparser.urls import _urljoin

    assert plain_feeds._urljoin(base, uri) == _urljoin(base, uri)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(
        ["http://a.example/feed/", "https://b.example/x/y?z=1", "HTTP://C.example/", "tag:d,2019:"]
    ),
    st.one_of(
        st.text(alphabet="abtgurn:/.?#%[]@ \t-+", max_size=25),
        st.sampled_from(
            ["tag:a.example,2019:post-1", "urn:uuid:1234", "TAG:x", "ftp:///f", "mailto:x@y",
             "http:x", "Http:/y", "h\tttp:z", "t\tag:q", "tag://x/", "tag:", "1tag:x"]
        ),
    ),
)
def test_resolve_is_feedparsers_join(base: str, uri: str) -> None:
    """The reader's shortcuts (absolute http URLs, other schemes) join as urljoin does."""
    assert plain_feeds._Reader(base).resolve(uri) == plain_feeds._urljoin(base, uri)
