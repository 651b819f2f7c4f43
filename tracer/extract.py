"""Item → declared attributions. Pure: no network, no database.

A repost declares its source with a *credit phrase* ("Source Article from")
followed by the link (or plain-text URL) that the phrase governs. Every other
link in the body is ignored.

>>> from tracer.models import FeedItem
>>> body = ('<p>Text <a href="https://www.rt.com/news/1/">Also on rt.com</a></p>'
...         '<br />Source Article from <a href="https://www.rt.com/news/2/?utm_source=rss&#038;utm_medium=rss">'
...         'https://www.rt.com/news/2/</a>')
>>> [(a.pattern, a.raw_url) for a in extract_attributions(FeedItem(bodies=(body,)))]
[('source-article-from', 'https://www.rt.com/news/2/?utm_source=rss&utm_medium=rss')]
"""

from __future__ import annotations

import re

import lxml.html

from tracer.models import Attribution, FeedItem

__all__ = ["extract_attributions"]

_CANDIDATE = re.compile(r"source\s+article\s+from", re.IGNORECASE)
_PLAIN_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def extract_attributions(item: FeedItem) -> list[Attribution]:
    """The declared sources of ``item``, first found first, without duplicates."""
    found: list[Attribution] = []
    seen: set[str] = set()
    for body in item.bodies:
        if not _CANDIDATE.search(body):
            continue  # cheap string search before any DOM work
        for attribution in _from_body(body):
            if attribution.raw_url not in seen:
                seen.add(attribution.raw_url)
                found.append(attribution)
    return found


def _from_body(html: str) -> list[Attribution]:
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return []
    tokens = _linearize(root)
    text = "".join(t for t, _ in tokens)
    results = []
    for match in _CANDIDATE.finditer(text):
        url = _link_after(tokens, match.end())
        if url:
            evidence = " ".join(text[match.start() : match.start() + 200].split())[:200]
            results.append(Attribution("source-article-from", url, evidence))
    return results


def _linearize(root: lxml.html.HtmlElement) -> list[tuple[str, str | None]]:
    """The visible text of ``root`` as (text, href-or-None) runs in reading order."""
    runs: list[tuple[str, str | None]] = []

    def walk(element: lxml.html.HtmlElement, href: str | None) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "a" and element.get("href"):
            href = element.get("href")
        if tag in ("br", "p", "div", "li"):
            runs.append(("\n", None))
        if element.text:
            runs.append((element.text, href))
        for child in element:
            walk(child, href)
            if child.tail:
                runs.append((child.tail, href))

    walk(root, None)
    return runs


def _link_after(tokens: list[tuple[str, str | None]], offset: int) -> str | None:
    position = 0
    window = ""
    for text, href in tokens:
        end = position + len(text)
        if end > offset:
            if href:
                return href.strip()
            window += text[max(0, offset - position) :]
            stripped = window.strip()
            if stripped:
                plain = _PLAIN_URL.match(stripped)
                if plain:
                    return plain.group(0).rstrip(_TRAILING_PUNCTUATION)
                return None
        position = end
    return None
