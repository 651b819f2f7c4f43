"""Outlet pages for the resolve and discovery tests: our own text, in the shapes real sites use.

Each helper returns the HTML of one article page; :func:`feed_citing` writes an
RSS feed whose items cite given URLs with a "Source Article from" credit line.
"""

from __future__ import annotations

import json
from email.utils import format_datetime

from tracer.timeutil import parse_time


def page(
    title: str = "An article",
    *,
    head: str = "",
    body: str = "",
    lang: str | None = "en",
) -> bytes:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head><meta charset='utf-8'>"
        f"<title>{title} | Outlet</title>{head}</head>"
        f"<body><header><nav><a href='/'>Home</a></nav></header>"
        f"<article><h1>{title}</h1>{body}<p>Text of the article, written for the tests.</p>"
        f"</article><aside><time datetime='2030-01-01T00:00:00Z'>sidebar</time></aside>"
        f"</body></html>"
    ).encode()


def meta_time(value: str) -> str:
    return f'<meta property="article:published_time" content="{value}">'


def json_ld(value: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Outlet"},
            {"@type": "NewsArticle", "headline": "x", "datePublished": value},
        ],
    }
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def canonical(url: str) -> str:
    return f'<link rel="canonical" href="{url}">'


def og(prop: str, value: str) -> str:
    return f'<meta property="og:{prop}" content="{value}">'


def feed_citing(site: str, items: list[tuple[str, str, str]]) -> bytes:
    """RSS of ``(post name, cited URL, published ISO UTC)`` items, posts at ``site/NAME/``."""
    entries = []
    for name, cited, published in items:
        path = f"/{name}/"
        when = format_datetime(parse_time(published))
        entries.append(
            f"<item><title>Repost {path}</title><link>{site}{path}</link>"
            f"<guid>{site}{path}</guid><pubDate>{when}</pubDate>"
            f"<description><![CDATA[<p>Copied text.</p><br />Source Article from "
            f'<a href="{cited}">{cited}</a>]]></description></item>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Reposter</title><link>{site}/</link>{''.join(entries)}</channel></rss>"
    ).encode()
