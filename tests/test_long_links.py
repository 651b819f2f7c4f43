"""Credit lines whose link is long: found whole, never cut, in every family.

Outlets writing in Arabic, Russian or Chinese put the headline in the address,
and a blog's ``href`` carries it percent-encoded: 6 bytes a letter, so an
80-letter Arabic slug is a 460-byte URL. A credit's window kept 450 bytes
after its trigger: such an ``href`` was dropped (no edge) and such a URL in
text was cut (an edge to an address that does not exist). Our own headlines
and hosts below, in the shape those feeds take.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tracer.extract import extract_attributions
from tracer.models import FeedItem

ARABIC = "https://arabic.outlet.example/middle_east/1012345-" + quote(
    "وزراء-الخارجية-يبحثون-في-اجتماع-طارئ-خطة-جديدة-لإعادة-فتح-المعابر-أمام-القوافل-الإنسانية"
)
RUSSIAN = (
    "https://ru.outlet.example/world/20261130/"
    + quote(
        "министры-обсудили-на-экстренной-встрече-новый-план-открытия-пограничных-переходов-для-колонн"
    )
    + "-1234567890.html"
)
TOKEN = "https://news.aggregator.example/articles/" + "CBMi" + "q" * 1200 + "?oc=5"
FILLER = "<p>" + "The minister spoke at length about the plan on Friday. " * 40 + "</p>\n"


def body_for(family: str, url: str) -> str:
    return {
        "saf-anchor": f"<p>Text.</p><p>Source Article from <a href='{url}'>{url}</a></p>",
        "saf-named": f'<p>Text.</p><p>Source Article from <a href="{url}">the outlet</a></p>',
        "saf-text": f"<p>Text.</p>\nSource Article from {url}\n",
        "saf-text-last": f"Text. Source Article from {url}",
        "first-on": f"<p>The post <a href='{url}'>A title</a> appeared first on "
        f"<a href='https://outlet.example/'>Outlet</a>.</p>",
        "originally": f"<p>Originally published at <a href='{url}'>{url}</a>.</p>",
        "read-more": f"<p>Read more: {url}</p>",
        # no phrase: a closing paragraph with only the link (excerpt feeds, planets)
        "closing-anchor": f"<p>Text.</p><p><a href='{url}'>{url}</a></p>",
        "closing-url": f"<p>Text.</p>\n<p>{url}</p>\n",
    }[family]


EXPECTED = {
    "saf-anchor": "source-article-from",
    "saf-named": "source-article-from",
    "saf-text": "source-article-from",
    "saf-text-last": "source-article-from",
    "first-on": "appeared-first-on",
    "originally": "originally-published",
    "read-more": "link-only",
    "closing-anchor": "link-only",
    "closing-url": "link-only",
}


@pytest.mark.parametrize("filler", [False, True], ids=["short-body", "long-body"])
@pytest.mark.parametrize("url", [ARABIC, RUSSIAN, TOKEN], ids=["arabic", "russian", "token"])
@pytest.mark.parametrize("family", list(EXPECTED))
def test_a_long_link_is_found_whole(family: str, url: str, filler: bool) -> None:
    assert len(url) > 450  # longer than a window kept after its trigger (1,200 bytes: the
    # tail where a closing link is looked for, and the token is longer than that)
    body = (FILLER * 3 if filler else "") + body_for(family, url)
    found = extract_attributions(FeedItem(link="https://blog.example/a/", bodies=(body,)))
    assert [(a.pattern, a.raw_url) for a in found] == [(EXPECTED[family], url)]


def test_a_link_longer_than_any_url_is_left_out_not_cut() -> None:
    """Past 4,096 bytes (what :func:`tracer.urls.canonicalize` accepts) a link in text
    is no URL: no attribution, rather than the first bytes of it."""
    endless = "https://outlet.example/" + "a" * 5000 + " and then more words here"
    body = f"<p>Source Article from {endless}</p>"
    found = extract_attributions(FeedItem(link="https://blog.example/a/", bodies=(body,)))
    assert [(a.pattern, len(a.raw_url)) for a in found] == []


def test_a_body_cut_inside_a_long_link_gives_no_half_address() -> None:
    """A summary cut inside the ``href`` (then more text and tags): the tag never
    closes, so the link is left out rather than read as the address's first bytes."""
    cut = ARABIC[:300]
    body = f"<p>Source Article from <a href='{cut} and the story goes on.</p><p>More.</p>"
    found = extract_attributions(FeedItem(link="https://blog.example/a/", bodies=(body,)))
    assert [a.raw_url for a in found] == []
