"""HTML page → what it says about itself: canonical URL, title, publication time, site, language.

Pure: bytes in, :class:`PageMeta` out; :mod:`tracer.resolve` fetches the page.
The document is parsed by lxml's HTML parser with network access and entity
resolution off (the parser never fetches anything).

Precedence (first that gives a usable value wins):

- **title**: ``<meta property="og:title">``, else ``<title>``;
- **published**: ``<meta property="article:published_time">`` (also as
  ``name=``), then JSON-LD ``datePublished`` (``@graph`` and lists walked,
  the first object that has one), then an element with
  ``itemprop="datePublished"`` (its ``content`` or ``datetime``), then the
  first ``<time datetime>`` (only inside ``<article>`` when the page has one,
  so a sidebar's or a comment's date is never taken for the article's);
  a value must carry a time of day: a bare date is not precise to the
  second and is skipped (never invented). Offsets are honoured and the result
  is UTC (``2019-03-23T10:00:00Z``); a time without an offset is read as UTC;
- **canonical**: ``<link rel="canonical">``, else ``<meta property="og:url">``,
  resolved against the final URL (whether it is *trusted* is
  :func:`tracer.resolve` 's rule: only on the same site);
- **site_name**: ``og:site_name``; **language**: ``<html lang>``, else
  ``og:locale``, else ``<meta http-equiv="content-language">``;
- **refresh**: a ``<meta http-equiv="refresh">`` to another URL within 5 s
  (wrappers and interstitials redirect that way); :mod:`tracer.resolve`
  follows it like a redirect.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

__all__ = [
    "PageMeta",
    "html_encoding",
    "is_html",
    "meta_refresh",
    "parse_html",
    "parse_page_time",
    "read_page",
]

_DATE_ONLY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
_SPACES = re.compile(r"\s+")
_ZONE_NAME = re.compile(r"\[[A-Za-z0-9_+/-]+\]$")
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,64})"')
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_DECLARES_CHARSET = re.compile(rb"<meta[^>]*charset|<\?xml[^>]*encoding", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class PageMeta:
    canonical: str | None = None  # absolute, as declared (not canonicalized)
    canonical_from: str | None = None  # "link" | "og:url"
    title: str | None = None
    published: str | None = None  # ISO 8601 UTC
    published_from: str | None = None  # "article:published_time" | "json-ld" | "itemprop" | "time"
    site_name: str | None = None
    language: str | None = None
    refresh: str | None = None  # <meta http-equiv="refresh"> to another URL within 5 s


def is_html(content_type: str | None, body: bytes) -> bool:
    """Whether a response is an HTML page (by its type, or by sniffing when it gives none).

    >>> is_html("text/html; charset=utf-8", b""), is_html("application/xhtml+xml", b"")
    (True, True)
    >>> is_html("application/pdf", b"%PDF-1.4"), is_html(None, b"  <!DOCTYPE html><html>")
    (False, True)
    """
    if content_type:
        kind = content_type.split(";", 1)[0].strip().lower()
        if kind:
            return kind in ("text/html", "application/xhtml+xml")
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<head" in head


def parse_page_time(value: str | None) -> str | None:
    """A stated date-time → ISO 8601 UTC text, or None if it is not a full date-time.

    >>> parse_page_time("2019-03-23T13:00:00+03:00")
    '2019-03-23T10:00:00Z'
    >>> parse_page_time("2019-03-23T10:00:00.123Z"), parse_page_time("2019-03-23 05:00:00-0500")
    ('2019-03-23T10:00:00Z', '2019-03-23T10:00:00Z')
    >>> parse_page_time("Sat, 23 Mar 2019 12:00:00 +0200")
    '2019-03-23T10:00:00Z'
    >>> parse_page_time("2019-03-23T13:00:00+03:00[Europe/Moscow]")
    '2019-03-23T10:00:00Z'
    >>> parse_page_time("2019-03-23T10:00:00")  # no offset: read as UTC
    '2019-03-23T10:00:00Z'
    >>> parse_page_time("2019-03-23"), parse_page_time("yesterday"), parse_page_time("")
    (None, None, None)
    """
    if not value:
        return None
    text = _ZONE_NAME.sub("", value.strip())  # "…+03:00[Europe/Moscow]": the offset is enough
    if not text or _DATE_ONLY.match(text):
        return None
    moment: datetime | None = None
    iso = text.replace("z", "Z")
    if iso.endswith("Z"):
        iso = iso[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if moment is None or not 1900 <= moment.year <= 2200:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def html_encoding(body: bytes, content_type: str | None = None) -> str | None:
    """The encoding to parse an HTML page with; ``None``: lxml's own reading.

    In the order of the HTML standard: a byte order mark (lxml reads it), the
    charset of the ``Content-Type`` header, a ``<meta charset>`` (or an XML
    declaration) in the first 1,024 bytes (lxml reads it); a page declaring
    nothing is UTF-8 when its bytes are valid UTF-8 (lxml alone reads it as
    Latin-1), else lxml's reading.

    >>> html_encoding(b"<title>x</title>", 'text/html; charset="Windows-1251"')
    'Windows-1251'
    >>> html_encoding("<title>Café</title>".encode(), "text/html")
    'utf-8'
    >>> html_encoding("<meta charset=koi8-r><title>Café</title>".encode()) is None
    True
    >>> html_encoding("<title>Café</title>".encode("latin-1")) is None
    True
    """
    if body.startswith(_BOMS):
        return None
    declared = _HEADER_CHARSET.search(content_type or "")
    if declared:
        return declared.group(1)
    if _DECLARES_CHARSET.search(body, 0, 1024):
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def parse_html(body: bytes, content_type: str | None = None, *, remove_pis: bool = False) -> Any:
    """The page's root element, or ``None`` when lxml makes nothing of it.

    lxml's HTML parser with network access off, in :func:`html_encoding`'s
    encoding; a header's charset lxml does not know (``utf8mb4``, as MySQL names
    UTF-8) is read as if the header named none (UTF-8 when the bytes are, else
    lxml's own reading).
    """
    encoding = html_encoding(body, content_type)
    try:
        return _parsed(body, encoding, remove_pis)
    except LookupError:  # only a header's charset can be one lxml lacks: as if unnamed
        unnamed = html_encoding(body)
        return _parsed(body, unnamed if unnamed != encoding else None, remove_pis)


def _parsed(body: bytes, encoding: str | None, remove_pis: bool) -> Any:
    """lxml's HTML parse of ``body`` in ``encoding`` (``None``: lxml's own reading), or
    ``None`` when it makes nothing of it; ``LookupError``: an encoding lxml lacks."""
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(
        no_network=True,
        remove_comments=True,
        remove_pis=remove_pis,
        recover=True,
        encoding=encoding,
    )
    try:
        return lxml_html.document_fromstring(body, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def read_page(body: bytes, final_url: str, content_type: str | None = None) -> PageMeta:
    """What an HTML page says about itself (see the module docstring for precedence).

    ``content_type`` (the response's header) may name the page's charset: see
    :func:`html_encoding`.

    >>> html = b'''<html lang="de"><head><title> Page  title </title>
    ... <link rel="canonical" href="/news/1-x/">
    ... <meta property="og:site_name" content="Example News">
    ... <script type="application/ld+json">{"@graph": [{"@type": "WebSite"},
    ...   {"@type": "NewsArticle", "datePublished": "2019-03-23T13:00:00+03:00"}]}</script>
    ... </head><body><time datetime="2019-03-24T00:00:00Z">later</time></body></html>'''
    >>> meta = read_page(html, "https://www.example.com/news/1-x/?utm_source=rss")
    >>> meta.canonical, meta.title, meta.published, meta.published_from
    ('https://www.example.com/news/1-x/', 'Page title', '2019-03-23T10:00:00Z', 'json-ld')
    >>> meta.site_name, meta.language
    ('Example News', 'de')
    >>> read_page(b"<p>no head at all</p>", "https://a.example/").published is None
    True
    """
    root = parse_html(body, content_type, remove_pis=True)
    if root is None:
        return PageMeta()
    metas = _meta_values(root)
    canonical, canonical_from = _canonical(root, metas, final_url)
    title = _clean(metas.get("og:title")) or _clean(_text_of(root.find(".//title")))
    published, published_from = _published(root, metas)
    language = (
        _clean(root.get("lang"))
        or _clean(root.get("{http://www.w3.org/XML/1998/namespace}lang"))
        or _clean(metas.get("og:locale"))
        or _clean(metas.get("content-language"))
    )
    return PageMeta(
        canonical=canonical,
        canonical_from=canonical_from,
        title=title,
        published=published,
        published_from=published_from,
        site_name=_clean(metas.get("og:site_name")),
        language=language,
        refresh=meta_refresh(metas.get("refresh"), final_url),
    )


def meta_refresh(content: str | None, base_url: str) -> str | None:
    """The target of a ``<meta http-equiv="refresh">`` that acts as a redirect (≤ 5 s, elsewhere).

    >>> meta_refresh("0; URL='https://a.example/story/'", "https://t.example/x")
    'https://a.example/story/'
    >>> meta_refresh("0;url=/b", "https://t.example/x"), meta_refresh("1; https://a.example/", "https://t.example/")
    ('https://t.example/b', 'https://a.example/')
    >>> meta_refresh("300", "https://a.example/"), meta_refresh("600; url=/x", "https://a.example/")
    (None, None)
    >>> meta_refresh("0; url=https://a.example/", "https://a.example/")  # itself: a reload
    """
    if not content:
        return None
    delay, _, rest = content.partition(";")
    try:
        if float(delay.strip() or "0") > 5:
            return None
    except ValueError:
        return None
    target = rest.strip()
    if target[:4].lower() == "url=":
        target = target[4:].strip()
    target = target.strip("'\" ")
    if not target:
        return None
    absolute = _absolute(base_url, target)
    if not absolute or absolute == base_url or not absolute.startswith(("http://", "https://")):
        return None
    return absolute


def _meta_values(root: Any) -> dict[str, str]:
    """``<meta>`` values by lower-cased ``property`` / ``name`` / ``http-equiv``; first wins."""
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "http-equiv", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            if key and key not in values:
                values[key] = content
    return values


def _canonical(root: Any, metas: dict[str, str], final_url: str) -> tuple[str | None, str | None]:
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rels and href:
            return _absolute(final_url, href), "link"
    og_url = (metas.get("og:url") or "").strip()
    if og_url:
        return _absolute(final_url, og_url), "og:url"
    return None, None


def _absolute(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def _published(root: Any, metas: dict[str, str]) -> tuple[str | None, str | None]:
    for key in ("article:published_time", "og:article:published_time"):
        value = parse_page_time(metas.get(key))
        if value:
            return value, "article:published_time"
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        for found in _json_ld_dates(script.text or ""):
            value = parse_page_time(found)
            if value:
                return value, "json-ld"
    for element in root.iterfind(".//*[@itemprop]"):
        if "datepublished" in (element.get("itemprop") or "").lower().split():
            value = parse_page_time(element.get("content") or element.get("datetime"))
            if value:
                return value, "itemprop"
    article = root.find(".//article")
    for element in (article if article is not None else root).iter("time"):
        value = parse_page_time(element.get("datetime"))
        if value:
            return value, "time"
    return None, None


def _json_ld_dates(text: str) -> Iterator[str]:
    """Every ``datePublished`` string of a JSON-LD block, in document order.

    >>> list(_json_ld_dates('[{"a": 1}, {"@graph": [{"datePublished": "2019-01-01T00:00:00Z"}]}]'))
    ['2019-01-01T00:00:00Z']
    >>> list(_json_ld_dates("{not json"))
    []
    >>> list(_json_ld_dates('{"@type": "NewsArticle", "datePublished": "2019-01-01T00:00:00Z",}'))
    ['2019-01-01T00:00:00Z']
    """
    try:
        data = json.loads(text.strip().removeprefix("<!--").removesuffix("-->"), strict=False)
    except (ValueError, RecursionError):  # sloppy JSON (trailing commas, comments), or
        yield from _LD_DATE.findall(text)  # nested too deep to decode: find the key itself
        return
    stack: deque[Any] = deque([data])  # document order: a node's children go first
    while stack:
        node = stack.popleft()
        if isinstance(node, list):
            stack.extendleft(reversed(node))
        elif isinstance(node, dict):
            value = node.get("datePublished")
            if isinstance(value, str):
                yield value
            elif isinstance(value, list) and value and isinstance(value[0], str):
                yield value[0]
            stack.extendleft(
                reversed(
                    [v for k, v in node.items() if isinstance(v, dict | list) and k != "@context"]
                )
            )


def _text_of(element: Any) -> str | None:
    return None if element is None else element.text_content()


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    text = _SPACES.sub(" ", value).strip()
    return text[:500] or None
