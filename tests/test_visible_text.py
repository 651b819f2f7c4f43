"""The visible text of an item is part of the fingerprint format: its fast paths must give
exactly what the plain formulation (regexes, then ``html.unescape``) gives.

Checked on every item of the sample feeds, the generated copy worlds and
benchmark feeds, feedparser's corpus (when ``../shared/corpora/`` is here), and
generated markup mixing entities, tags, scripts, comments and the non-ASCII
letters that case-insensitive matching pairs with ASCII ones.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_corpus import CORPUS, corpus_documents

from tracer.exceptions import FeedError
from tracer.feeds import parse_feed
from tracer.fingerprint import _DROP, _TAG, fingerprint_item, strip_tags, unescape, visible_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def reference_visible_text(html_text: str) -> str:
    """Tags, scripts, styles and comments removed, then entities decoded: as first defined."""
    if "<" in html_text:
        html_text = _TAG.sub(" ", _DROP.sub(" ", html_text))
    return html.unescape(html_text) if "&" in html_text else html_text


def _check(texts: list[str]) -> None:
    for text in texts:
        assert visible_text(text) == reference_visible_text(text), text[:200]
        assert unescape(text) == html.unescape(text), text[:200]


def _item_texts(body: bytes, content_type: str = "text/xml") -> list[str]:
    try:
        parsed = parse_feed(body, "https://example.org/feed", content_type, None)
    except FeedError:
        return []
    return [t for item in parsed.items for t in (item.title or "", *item.bodies)]


def test_sample_feeds_and_generated_worlds_have_the_same_visible_text() -> None:
    import copyworld
    import feedgen

    texts: list[str] = []
    for path in sorted((ROOT / "samples").glob("*.xml")):
        texts += _item_texts(path.read_bytes())
    for seed in (7, 8):
        for body in copyworld.build(seed).feeds.values():
            texts += _item_texts(body)
    for feed in feedgen.make_feeds(4):
        texts += _item_texts(feed.body, feed.content_type)
    assert len(texts) > 600
    assert sum("&" in t for t in texts) > 100  # entities are common: the fast path is tested
    _check(texts)


@pytest.mark.skipif(not CORPUS.exists(), reason=f"{CORPUS} is not here")
def test_feedparser_corpus_has_the_same_visible_text(tmp_path: Path) -> None:
    texts: list[str] = []
    for body, _headers in corpus_documents(tmp_path).values():
        texts += _item_texts(body)
    assert len(texts) > 1000
    _check(texts)


_MARKUP = st.sampled_from(
    [
        "&amp;", "&amp;lt;", "&#038;", "&#38;", "&#8217;", "&#8217", "&hellip;", "&hellip",
        "&nbsp;", "&eacute;", "&#x27;", "&#0;", "&#128;", "&", "&;", "&amp", "AT&T", "&#;",
        "<p>", "</p>", "<b class='x'>", "<SCRIPT>x()</SCRIPT>", "<script>", "</script >",
        "<Style>p{}</style>", "<noscript>n</noscript>", "<!-- c -->", "<!--", "-->",
        "<ſcript>s</script>", "<scrıpt>i</scrıpt>", "<", ">", "<br/>", "word", "Ünïcode",
        "’", " ", "\n", "\u00a0",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_MARKUP, max_size=40))
def test_any_markup_has_the_same_visible_text(pieces: list[str]) -> None:
    _check(["".join(pieces), " ".join(pieces)])


def test_titles_are_decoded_as_before() -> None:
    body = "<p>" + " ".join(f"word{i}" for i in range(80)) + "</p>"
    for title in ("Caf&eacute; &amp; co", "R&D&#8217;s", "plain", ""):
        assert fingerprint_item(title, (body,)) == fingerprint_item(
            html.unescape(title), (body,)
        )


def _regexes(text: str) -> str:
    return _TAG.sub(" ", _DROP.sub(" ", text))


_MARKUP = st.sampled_from(
    [
        "<p>", "</p>", "<!-- c -->", "<!--", "-->", "<!-->", "<", ">", "<script>", "</script>",
        "</script >", "</SCRIPT\n>", "<SCRIPT x>", "<scripts>", "<style>", "</style>", "<Style>",
        "</STYLE>", "<noscript>", "</noscript>", "<ſcript>", "</ſcript>", "<scrİpt>", "</scrİpt>",
        "<scrıpt>", "</sty", "<nosc", "word", "外", "😀", "\n", " ", "&amp;",
    ]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(_MARKUP, max_size=40), st.booleans())
def test_the_linear_tag_stripper_gives_what_the_regexes_give(
    pieces: list[str], spaced: bool
) -> None:
    text = (" " if spaced else "").join(pieces)
    assert strip_tags(text) == _regexes(text), text


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("<>!-/sciptylnoSCRIPTſıİ \n"), max_size=120))
def test_the_linear_tag_stripper_on_dense_markup(text: str) -> None:
    assert strip_tags(text) == _regexes(text), text


@pytest.mark.parametrize(
    "hostile",
    [
        "<!--" * 20_000 + "<script>",  # the regexes: 6.4 s (a body that makes the C step aside)
        "<script" * 10_000,  # 3.2 s
        "<script>" + "<" * 40_000,  # 1.0 s
        "<style>" * 10_000 + "</script>" + "<noscript" * 10_000,
        ("<!--" * 5_000 + "<SCRIPT ") * 4 + "</script>",
    ],
)
def test_hostile_markup_is_stripped_in_linear_time(hostile: str) -> None:
    """Each opening without its end, and each "<" without a ">" after it, cost the
    regexes a scan to the end of the text; a 10 MB body of them stalled a worker."""
    import time

    for text in (hostile, hostile * 4):
        started = time.process_time()
        visible_text(text)
        assert time.process_time() - started < 0.5, text[:40]
    assert strip_tags(hostile[:3000]) == _regexes(hostile[:3000])
