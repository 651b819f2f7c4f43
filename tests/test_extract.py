"""Table tests: body snippet → the declared (pattern, URL) pairs, per family and variant."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracer.extract import _FULL_WIDTH, _may_be_wide, extract_attributions, extract_from_html
from tracer.models import FeedItem
from tracer.posts import post_and_edges
from tracer.trigger_search import has_schemeless_url
from tracer.vocabulary import PHRASES, Phrase

POST = "https://blog.example/2019/03/23/a-post/"
A = "https://origin.example/news/123-story/"
B = "https://other.example/2019/03/22/second-story/"
FILLER = "<p>" + "Lorem ipsum dolor sit amet, the minister said on Friday. " * 12 + "</p>\n"
LONG = FILLER * 12  # pushes the body past the size that is scanned whole

CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    # --- Source Article from (WP RSS Poster) --------------------------------------
    (
        "saf-br-url",
        f'<p>Text.</p><br />Source Article from <a href="{A}">{A}</a>',
        [("source-article-from", A)],
    ),
    (
        "saf-title",
        f'<p>Text.</p>\nSource Article from <a href="{A}" title="t">A story</a>',
        [("source-article-from", A)],
    ),
    (
        "saf-plain",
        f"<p>Text.</p>\nSource Article from {A}?utm_source=rss&amp;utm_medium=rss\n",
        [("source-article-from", A + "?utm_source=rss&utm_medium=rss")],
    ),
    (
        "saf-wp-entity",
        f'<br/>Source Article from <a href="{A}?utm_source=rss&#038;utm_medium=rss">x</a>',
        [("source-article-from", A + "?utm_source=rss&utm_medium=rss")],
    ),
    (
        "saf-strong",
        f'<p><strong>Source Article from</strong> <a href="{A}">origin</a></p>',
        [("source-article-from", A)],
    ),
    ("saf-plain-dot", f"<p>Source Article from {A}.</p>", [("source-article-from", A)]),
    (
        "saf-long-body",
        LONG + f'<br />Source Article from <a href="{A}">{A}</a>' + FILLER,
        [("source-article-from", A)],
    ),
    (
        "saf-single-quotes",
        f"<br />Source article from <a href='{A}'>x</a>",
        [("source-article-from", A)],
    ),
    # --- appeared first on (Yoast) -------------------------------------------------
    (
        "yoast",
        f'<p>The post <a href="{A}">A story</a> appeared first on '
        '<a href="https://origin.example">Origin</a>.</p>',
        [("appeared-first-on", A)],
    ),
    (
        "yoast-rel",
        '<p>The post <a rel="nofollow" href="/news/123-story/">A story</a> appeared first '
        'on <a rel="nofollow" href="/">Origin</a>.</p>',
        [("appeared-first-on", "https://blog.example/news/123-story/")],
    ),
    (
        "yoast-de",
        f'<p>Der Beitrag <a href="{A}">X</a> erschien zuerst auf <a href="https://o.example/">O</a>.</p>',
        [("appeared-first-on", A)],
    ),
    (
        "yoast-fr",
        f'<p>L’article <a href="{A}">X</a> est apparu en premier sur <a href="https://o.example/">O</a>.</p>',
        [("appeared-first-on", A)],
    ),
    (
        "yoast-es",
        f'<p>La entrada <a href="{A}">X</a> se publicó primero en <a href="https://o.example/">O</a>.</p>',
        [("appeared-first-on", A)],
    ),
    (
        "yoast-it",
        f'<p>L\'articolo <a href="{A}">X</a> sembra essere il primo su <a href="https://o.example/">O</a>.</p>',
        [("appeared-first-on", A)],
    ),
    (
        "yoast-ru",
        f'<p>Сообщение <a href="{A}">X</a> впервые появилось на <a href="https://o.example/">O</a>.</p>',
        [("appeared-first-on", A)],
    ),
    (
        "yoast-long",
        LONG + f'<p>The post <a href="{A}">A story with a long title that goes on and on '
        'and on for a while</a> appeared first on <a href="https://origin.example/">Origin</a>.</p>',
        [("appeared-first-on", A)],
    ),
    # --- originally published ---------------------------------------------------------
    (
        "orig-at",
        f'<p>Originally published at <a href="{A}">origin.example</a></p>',
        [("originally-published", A)],
    ),
    (
        "orig-em",
        f'<p><em>This article was originally published on <a href="{A}">Origin</a>.</em></p>',
        [("originally-published", A)],
    ),
    (
        "orig-top",
        f'<p><i>This story first appeared in <a href="{A}">Origin</a>.</i></p>' + LONG,
        [("originally-published", A)],
    ),
    (
        "orig-by-name",
        f'<p>Originally published by The Origin on March 3: <a href="{A}">link</a></p>',
        [("originally-published", A)],
    ),
    (
        "orig-date-only",
        '<p>Originally published on March 3, 2019.</p><p><a href="https://x.example/a/">x</a></p>',
        [],
    ),
    (
        "republished",
        f'<p>Republished from <a href="{A}">The Origin</a> under a CC licence.</p>',
        [("originally-published", A)],
    ),
    (
        "reprinted",
        f'<p>Reprinted with permission from <a href="{A}">The Origin</a>.</p>',
        [("originally-published", A)],
    ),
    (
        "read-original",
        f"<p>This article was originally published by The Conversation. Read the "
        f'<a href="{A}">original article</a>.</p>',
        [("originally-published", A)],
    ),
    (
        "de-ursprunglich",
        f'<p>Ursprünglich veröffentlicht auf <a href="{A}">Origin</a></p>',
        [("originally-published", A)],
    ),
    ("zh-zhuanzai", f'<p>本文转载自<a href="{A}">某网站</a></p>', [("originally-published", A)]),
    # --- labels: Source / Via / Read more at / Go to Source / other languages ---------
    ("source-colon", f'<p>Source: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    (
        "source-strong",
        f'<p><strong>Source:</strong> <a href="{A}">Origin</a></p>',
        [("source-label", A)],
    ),
    (
        "source-b-div",
        f'<div class="src"><b>Source</b>: <a href="{A}">{A}</a></div>',
        [("source-label", A)],
    ),
    ("source-span-br", f"<p>Text.<br><span>Source:</span> {A}</p>", [("source-label", A)]),
    (
        "source-next-paragraph",
        f'<p><strong>Source:</strong></p>\n<p><a href="{A}">{A}</a></p>',
        [("source-label", A)],
    ),
    ("source-name-only", '<p>Source: Reuters</p><p><a href="https://x.example/a/">x</a></p>', []),
    ("source-home-only", '<p>Source: <a href="https://www.reuters.com/">Reuters</a></p>', []),
    ("sources-say", '<p>Sources say <a href="https://x.example/a/">the deal</a> is off.</p>', []),
    (
        "source-mid-sentence",
        '<p>The open source <a href="https://x.example/a/">tool</a> is free.</p>',
        [],
    ),
    (
        "sources-plural",
        f'<p>Sources: <a href="{A}">A</a>, <a href="{B}">B</a></p>',
        [("source-label", A), ("source-label", B)],
    ),
    ("via", f'<p>Via <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("via-paren", f'<p>Great story (via <a href="{A}">Origin</a>)</p>', [("source-label", A)]),
    (
        "via-mid-sentence",
        '<p>The data was released via <a href="https://x.example/a/">its site</a>.</p>',
        [],
    ),
    ("read-more-at", f'<p>Read more at <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("read-more-at-sign", f'<p>Read More @ <a href="{A}">Origin</a></p>', [("source-label", A)]),
    (
        "read-more-colon-ignored",
        '<p>READ MORE: <a href="https://x.example/a/">Other story</a></p>',
        [],
    ),
    (
        "go-to-source",
        f'<p><a href="{A}" target="_blank">Go to Source</a></p>',
        [("source-label", A)],
    ),
    ("source-link-anchor", f'<p><a href="{A}">Source link</a></p>', [("source-label", A)]),
    ("anchor-source", f'<p><a href="{A}">Source</a></p>', [("source-label", A)]),
    ("credit", f'<p>Credit: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("photo-credit", '<p>Photo credit: <a href="https://flickr.example/p/1">Jane</a></p>', []),
    ("image-source", '<p>Image source: <a href="https://x.example/p/1">X</a></p>', []),
    (
        "figcaption",
        '<figure><img src="a.jpg"><figcaption>Source: <a href="https://x.example/p/1">X</a>'
        "</figcaption></figure>",
        [],
    ),
    ("quelle", f'<p>Quelle: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("bildquelle", '<p>Bildquelle: <a href="https://x.example/p/1">X</a></p>', []),
    ("fuente", f'<p>Fuente: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("fonte", f'<p><strong>Fonte:</strong> <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("istochnik", f'<p>Источник: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("istochnik-caps", f'<p>ИСТОЧНИК: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("dzherelo", f'<p>Джерело: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("zrodlo", f'<p>Źródło: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("bron", f'<p>Bron: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("kaynak", f'<p>Kaynak: <a href="{A}">Origin</a></p>', [("source-label", A)]),
    ("laiyuan", f'<p>来源：<a href="{A}">某网站</a></p>', [("source-label", A)]),
    ("laiyuan-plain", f"<p>文章来源：{A}</p>", [("source-label", A)]),
    ("shutten", f'<p>出典：<a href="{A}">サイト</a></p>', [("source-label", A)]),
    ("wonmun", f'<p>원문: <a href="{A}">사이트</a></p>', [("source-label", A)]),
    ("masdar", f'<p>المصدر: <a href="{A}">موقع</a></p>', [("source-label", A)]),
    ("makor", f'<p>מקור: <a href="{A}">אתר</a></p>', [("source-label", A)]),
    (
        "telegram-schemeless",
        "<p>Источник: t.me/rian_ru/123456</p>",
        [("source-label", "https://t.me/rian_ru/123456")],
    ),
    (
        "www-schemeless",
        "<p>Source: www.origin.example/news/123-story/.</p>",
        [("source-label", A.replace("https://", "https://www."))],
    ),
    ("bare-domain-is-a-name", "<p>Source: rt.com</p>", []),
    ("via-es", f'<p>Vía: <a href="{A}">Origen</a></p>', [("source-label", A)]),
    (
        "source-fr-space-colon",
        f'<p>Source&nbsp;: <a href="{A}">Origine</a></p>',
        [("source-label", A)],
    ),
    (
        "conversation",
        '<p>This article is republished from <a href="https://theconversation.example/">The '
        "Conversation</a> under a Creative Commons license. Read the "
        f'<a href="{A}">original article</a>.</p>',
        [("originally-published", A)],
    ),
    (
        "zerohedge-byline",
        f'<p>Authored by Tom Jones via <a href="{A}">The Origin blog</a>,</p>',
        [("source-label", A)],
    ),
    (
        "global-research",
        f'<p>The original source of this article is <a href="{A}">Origin</a></p>',
        [("source-label", A)],
    ),
    ("hn-article-url", f'<p>Article URL: <a href="{A}">{A}</a></p>', [("source-label", A)]),
    ("po-materialam", f'<p>По материалам: <a href="{A}">РИА</a></p>', [("source-label", A)]),
    (
        "translated-from",
        f'<p><em>Translated from <a href="{A}">the German original</a>.</em></p>',
        [("source-label", A)],
    ),
    ("perevod", f'<p>Перевод статьи <a href="{A}">Origin</a></p>', [("source-label", A)]),
    (
        "original-report-in-prose",
        '<p>According to the original report by <a href="https://x.example/r/1">Reuters</a>.</p>',
        [],
    ),
    (
        "original-article-label",
        f'<p>Original article: <a href="{A}">Origin</a></p>',
        [("source-label", A)],
    ),
    ("zum-originalartikel", f'<p><a href="{A}">Zum Originalartikel</a></p>', [("source-label", A)]),
    (
        "legacy-entity-names-in-query",
        f'<p>Source: <a href="{A}?id=5&region=eu&copy=1">x</a></p>',
        [("source-label", A + "?id=5&region=eu&copy=1")],
    ),
    (
        "href-with-newline",
        f'<p>Source: <a href="{A[:20]}\n{A[20:]}">x</a></p>',
        [("source-label", A)],
    ),
    ("nbsp-before-colon", f'<p>Source\u00a0: <a href="{A}">x</a></p>', [("source-label", A)]),
    ("markdown", f"<p>Source: [Origin]({A})</p>", [("source-label", A)]),
    ("markdown-rendered", f'<p>Source: <a href="{A}">Origin</a>.</p>', [("source-label", A)]),
    # --- Read Full Article at ---------------------------------------------------------
    (
        "rt-footer",
        f'<p>Text.</p><br/><a href="{A}">Read Full Article at RT.com</a>',
        [("read-full-article", A)],
    ),
    (
        "rt-footer-after",
        f'<p>Read Full Article at <a href="{A}">RT.com</a></p>',
        [("read-full-article", A)],
    ),
    # --- distractors -----------------------------------------------------------------
    ("also-on", '<p><a href="https://www.rt.com/news/1-x/">Also on rt.com Something</a></p>', []),
    ("see-also", '<p>See also <a href="https://x.example/a/">this</a>.</p>', []),
    (
        "share",
        '<p>Source: <a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a></p>',
        [],
    ),
    (
        "related",
        '<h3>Related Posts</h3><ul><li><a href="https://blog.example/p/1/">One</a></li></ul>',
        [],
    ),
    ("no-links", "<p>Nothing to see here, just text about sources and the first reports.</p>", []),
    (
        "image-link",
        '<p>Source: <a href="https://x.example/big.jpg"><img src="https://x.example/s.jpg"></a></p>',
        [],
    ),
]


@pytest.mark.parametrize("body,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_body_snippet(body: str, expected: list[tuple[str, str]]) -> None:
    found = extract_from_html(body, POST)
    assert [(a.pattern, a.raw_url) for a in found] == expected


@pytest.mark.parametrize("body,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_evidence_is_short_visible_text(body: str, expected: list[tuple[str, str]]) -> None:
    for attribution in extract_from_html(body, POST):
        assert 0 < len(attribution.evidence) <= 200
        assert "<" not in attribution.evidence.replace("<source>", "")


def test_evidence_stays_in_its_block() -> None:
    body = FILLER + f'<p>Source: <a href="{A}">Origin</a></p>' + FILLER
    [attribution] = extract_from_html(body, POST)
    assert attribution.evidence == "Source: Origin"


def test_evidence_stops_at_the_next_block() -> None:
    body = (
        f'<br />Source Article from <a href="{A}">A title</a>\n'
        "<h3>Related Posts</h3><ul><li>x</li></ul>"
    )
    [attribution] = extract_from_html(body, POST)
    assert attribution.evidence == "Source Article from A title"


def test_metadata_declarations() -> None:
    item = FeedItem(
        link=POST,
        source_feed_url="https://origin.example/feed/",
        via_urls=("https://via.example/x/",),
    )
    assert [(a.pattern, a.raw_url) for a in extract_attributions(item)] == [
        ("rss-source", "https://origin.example/feed/"),
        ("atom-via", "https://via.example/x/"),
    ]
    atom = FeedItem(link=POST, source_entry_url=A, source_title="Origin")
    assert [(a.pattern, a.raw_url) for a in extract_attributions(atom)] == [("atom-source", A)]


def test_invalid_source_is_a_warning_not_an_edge() -> None:
    for href in ("javascript:alert(1)", "data:text/html,hi"):
        item = FeedItem(link=POST, bodies=(f'<p>Source: <a href="{href}">x</a></p>',))
        post, edges = post_and_edges(item)
        assert post is not None and edges == []
        assert post.warning and "source-label" in post.warning


def test_self_reference_is_not_an_edge() -> None:
    body = f'<p>The post <a href="{POST}?utm_source=rss">Me</a> appeared first on <a href="https://blog.example/">B</a>.</p>'
    post, edges = post_and_edges(FeedItem(link=POST, bodies=(body,)))
    assert post is not None and edges == []


def test_origlink_is_identity_and_base() -> None:
    item = FeedItem(
        link="http://feedproxy.google.com/~r/blog/~3/abc/",
        origlink=POST,
        bodies=('<p>Source: <a href="/news/1-x/">x</a></p>',),
    )
    post, edges = post_and_edges(item)
    assert post is not None and post.url == POST
    assert [e.source_url for e in edges] == ["https://blog.example/news/1-x/"]


def test_two_sources_two_edges() -> None:
    body = f'<p>Source: <a href="{A}">A</a></p><br />Source Article from <a href="{B}">B</a>'
    _post, edges = post_and_edges(FeedItem(link=POST, bodies=(body,)))
    assert sorted(e.source_url for e in edges) == sorted([A, B])


def test_broken_markup_never_crashes() -> None:
    for body in (
        "<p>Source: <a href=",
        "Source: <a href='x",
        "<<<>>>",
        "Source:",
        "&#xZZ; source: &",
        "\x00",
    ):
        extract_from_html(body, POST)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Source:",
                "Source Article from",
                "via",
                "The post",
                "appeared first on",
                "Источник：",
                "来源：",
                "<a href='https://x.example/a/'>",
                '<a href="javascript:x">',
                "</a>",
                "<p>",
                "</p>",
                "<br>",
                "&amp;",
                "&#038;",
                "https://y.example/b/?a=1&amp;b=2).",
                "<strong>",
                "</strong>",
                "<",
                ">",
                "\n",
                " ",
                "text",
            ]
        ),
        max_size=40,
    )
)
def test_any_markup_gives_wellformed_attributions(pieces: list[str]) -> None:
    for attribution in extract_from_html("".join(pieces), POST):
        assert attribution.pattern
        assert attribution.raw_url.strip()
        assert len(attribution.evidence) <= 200


def _a_spelling(phrase_source: str) -> str:
    from tracer.vocabulary import _GAP, _spellings

    spelling = min(_spellings(phrase_source), key=len)
    return spelling.replace(_GAP, " x ").strip()


@pytest.mark.parametrize("phrase", PHRASES, ids=[f"{p.role}:{p.source[:40]}" for p in PHRASES])
@pytest.mark.parametrize("case", [str, str.capitalize, str.upper])
def test_every_vocabulary_phrase_finds_its_link(phrase: Phrase, case: Callable[[str], str]) -> None:
    said = case(_a_spelling(phrase.source))
    if phrase.role == "first-link":
        body = f'<p>x <a href="{A}">A title</a> {said} <a href="https://o.example/">O</a>.</p>'
    elif phrase.role == "label":
        body = f'<p>Text.</p><p>{said}: <a href="{A}">Origin</a></p>'
    else:
        body = f'<p>Text.</p><p>{said} <a href="{A}">Origin</a></p>'
    assert A in [a.raw_url for a in extract_from_html(body, POST)], body


# Paths of the fast search (tracer.extract step 1): trigger words inside tags, blank lines
# around a credit, more hits of one word than are followed, spaceless scripts next to
# curly quotes, a credit that only the middle scan of a long body reaches.
FAST_PATH_CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "words-inside-tags",
        f'<p class="source" data-via="x"><a href="{B}?utm_source=rss&amp;utm_medium=story" '
        f'title="Source">news</a></p><p>Source: <a href="{A}">Origin</a></p>',
        [("source-label", A)],
    ),
    (
        "label-and-link-across-blank-lines",
        f'<p>Text.</p>\n\n<p>Source:</p>\n\n<p><a href="{A}">Origin</a></p>\n\n\n<p>More.</p>',
        [("source-label", A)],
    ),
    (
        "blank-line-runs",
        f'<p>Text.</p>\n  \n<br>\n\nSource Article from <a href="{A}">{A}</a>\n\n\n\n',
        [("source-article-from", A)],
    ),
    (
        "many-hits-of-one-word",
        "".join(
            f'<p>The source of item {i} is <a href="https://x.example/{i}/">here</a>.</p>'
            for i in range(14)
        )
        + f'<p>Source: <a href="{A}">Origin</a></p>',
        [("source-label", A)],
    ),
    (
        "cjk-after-curly-quotes",
        f'<p>“引号”的文本…</p><p>来源：<a href="{A}">原文</a></p>',
        [("source-label", A)],
    ),
    (
        "credit-in-the-middle-of-a-long-body",
        LONG + f'<p>Originally published at <a href="{A}">Origin</a></p>' + LONG,
        [("originally-published", A)],
    ),
]


@pytest.mark.parametrize(
    ("body", "expected"),
    [(body, expected) for _id, body, expected in FAST_PATH_CASES],
    ids=[case[0] for case in FAST_PATH_CASES],
)
def test_fast_search_paths(body: str, expected: list[tuple[str, str]]) -> None:
    assert [(a.pattern, a.raw_url) for a in extract_from_html(body, POST)] == expected


def test_the_listed_trigger_words_are_those_of_the_phrases() -> None:
    """``tracer/vocabulary_triggers.py`` saves the import from working out every phrase's
    trigger words; it must say what they are today."""
    from tracer.vocabulary import TRIGGERS_FILE, phrase_triggers, triggers_file_text

    assert TRIGGERS_FILE.read_text(encoding="utf-8") == triggers_file_text(), (
        "the credit phrases changed: run `python -m tracer.vocabulary`"
    )
    assert all(phrase.triggers == phrase_triggers(phrase.source) for phrase in PHRASES)


_SCHEMELESS_REGEX = re.compile(rb"[a-zA-Z0-9]\.[a-zA-Z]{2,24}/[^\s/<]")


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [b"t", b"Z", b"9", b".", b"me", b"EXAMPLE", b"/", b"c", b" ", b"<", b"@", b"_", b"\xc3"]
        ),
        max_size=30,
    ).map(b"".join),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_schemeless_url_is_the_regex(raw: bytes, lo: int, hi: int) -> None:
    """has_schemeless_url (a search from the dot) answers as the plain regex search."""
    expected = _SCHEMELESS_REGEX.search(raw, lo, hi) is not None
    assert has_schemeless_url(raw, lo, hi) is expected


def test_wide_letters_found_by_their_bytes() -> None:
    """Every character the extraction reads as ASCII first (full-width letters and digits,
    "İ") is seen by the byte test that lets a body skip the character class, in any text."""
    wide = [chr(code) for code in range(0x110000) if _FULL_WIDTH.match(chr(code))]
    assert len(wide) == 63
    for char in wide:
        assert _may_be_wide(f"Источник{char}来源".encode())
    assert not _may_be_wide("Источник: «来源» — é".encode())
