"""Credit lines in the shapes real feeds give them, beyond the words: what stands
around the link (marks, punctuation, pixels, a blog's own footer) and how the words
are written (character references, apostrophes, narrow spaces).

Each case failed before this table was written (found by probing the extractor with
the shapes of WordPress, CKEditor, Medium, Telegram bridges and right-to-left blogs):
a missed credit, or a source whose address kept a character that is not part of it.
Our own text and hosts; the edges are compared as :func:`tracer.posts.post_and_edges`
stores them (canonical keys, the post's own addresses left out).
"""

# ruff: noqa: E501 (a table: one case a line)

from __future__ import annotations

import pytest

from tracer.models import FeedItem
from tracer.posts import post_and_edges

POST = "https://blog.example/2026/11/a-post/"
A = "https://news.origin.example/world/2026/11/story-123/"
HOME = "https://news.origin.example/"
FILLER = "<p>" + "The minister spoke at length about the plan on Friday. " * 15 + "</p>\n"
OWN_FOOTER = (
    f"<p>The post <a href='{POST}'>A post</a> appeared first on "
    "<a href='https://blog.example/'>The Blog</a>.</p>"
)

CASES: list[tuple[str, str, list[str]]] = [
    # --- what follows a URL that closes a post ---------------------------------------
    ("bare-url-after-br", f"Text of the news.<br><br>{A}", [A]),
    ("bare-url-after-blank-line", f"Text of the news.\n\n{A}", [A]),
    ("bare-url-cut-short", f"<p>Text.</p>\n<p>{A[:34]}…</p>", []),
    ("bare-url-cut-short-dots", f"<p>Text.</p>\n<p>{A[:34]}...", []),
    ("bare-url-then-an-ellipsis", f"<p>Text.</p><p>{A} …</p>", [A]),
    ("label-url-cut-short", f"<p>Text.</p><p>Source: {A[:40]}…</p>", []),
    ("label-url-cut-short-reference", f"<p>Text.</p><p>Source: {A[:40]}&hellip;</p>", []),
    ("url-inside-prose", f"Text of the news, see {A}", []),
    (
        "tracking-pixel-after-link",
        f"<p>Text.</p><p><a href='{A}'>{A}</a></p>"
        "<img src='https://stats.example/_/stat?event=view' width='1' height='1' alt=''>",
        [A],
    ),
    ("comment-after-link", f"<p>Text.</p><p><a href='{A}'>{A}</a></p><!-- cached -->", [A]),
    ("photo-after-link", f"<p>Text.</p><p><a href='{A}'>{A}</a></p><img src='p.jpg' width='600'>", []),
    # --- a blog's own footer does not end the search ------------------------------------
    ("own-footer-credit-in-middle", FILLER + f"<p>Source: <a href='{A}'>Origin</a></p>" + FILLER * 2 + OWN_FOOTER, [A]),
    # --- what a URL in text keeps after it ----------------------------------------------
    ("arabic-comma", f"<p>Text.</p><p>المصدر: {A}،</p>", [A]),
    ("devanagari-danda", f"<p>Text.</p><p>स्रोत: {A}।</p>", [A]),
    ("german-quotes", f"<p>Text.</p><p>Quelle: „{A}“</p>", [A]),
    ("emoji-pointer", f"<p>Text.</p><p>Источник: {A}\U0001f448\ufe0f</p>", [A]),
    ("markdown-link", f"Text.\n\nSource: [{A}]({A})", [A]),
    # --- invisible marks --------------------------------------------------------------
    ("href-without-scheme", "<p>Text.</p><p>Source: <a href='www.origin.example/news/1'>Origin</a></p>", ["https://www.origin.example/news/1"]),
    ("rlm-before-href", f"<p>Text.</p><p>Source: <a href='\u200f{A}'>Origin</a></p>", [A]),
    ("lrm-reference-in-href", f"<p>Text.</p><p>Source: <a href='&#8206;{A}'>Origin</a></p>", [A]),
    ("zero-width-space-in-url", f"<p>Text.</p><p>Source: {A[:38]}&#8203;{A[38:]}</p>", [A]),
    ("soft-hyphen-in-url", f"<p>Text.</p><p>Source: {A[:38]}&shy;{A[38:]}</p>", [A]),
    ("rtl-marks-around-closing-url", f"<p>نص الخبر.</p><p>\u200f{A}\u200f</p>", [A]),
    # --- how the words are written ------------------------------------------------------
    ("ukrainian-masculine", f"<p>Text.</p><p>Запис <a href='{A}'>X</a> спершу з'явився на <a href='{HOME}'>S</a>.</p>", [A]),
    ("ukrainian-typographic-apostrophe", f"<p>Text.</p><p>Запис <a href='{A}'>X</a> спершу з’явився на <a href='{HOME}'>S</a>.</p>", [A]),
    ("ukrainian-modifier-apostrophe", f"<p>Text.</p><p>Публікація <a href='{A}'>X</a> вперше зʼявилася на <a href='{HOME}'>S</a>.</p>", [A]),
    ("hebrew-full-article", f"<p>Text.</p><p>לכתבה המלאה: <a href='{A}'>X</a></p>", [A]),
    ("hebrew-the-source", f"<p>Text.</p><p>המקור: <a href='{A}'>X</a></p>", [A]),
    ("french-narrow-space", f"<p>Texte.</p><p>Source\u202f: <a href='{A}'>X</a></p>", [A]),
    ("french-narrow-space-reference", f"<p>Texte.</p><p>Source&#8239;: <a href='{A}'>X</a></p>", [A]),
    ("spanish-named-references", f"<p>Texto.</p><p>V&iacute;a: <a href='{A}'>Origen</a></p>", [A]),
    ("french-named-references", f"<p>T.</p><p>Cet article a &eacute;t&eacute; publi&eacute; initialement sur <a href='{A}'>O</a></p>", [A]),
    ("russian-numeric-references", f"<p>T.</p><p>&#1048;&#1089;&#1090;&#1086;&#1095;&#1085;&#1080;&#1082;: <a href='{A}'>O</a></p>", [A]),
    ("arabic-hex-references", f"<p>T.</p><p>&#x627;&#x644;&#x645;&#x635;&#x62F;&#x631;: <a href='{A}'>O</a></p>", [A]),
    ("link-first-click-here", f"<p>Text.</p><p><a href='{A}'>Click here</a> to read the full article.</p>", [A]),
    ("link-first-spanish", f"<p>Texto.</p><p><a href='{A}'>Haz clic aquí</a> para leer la nota completa.</p>", [A]),
    ("link-first-own-post", f"<p>Text.</p><p><a href='{POST}'>Click here</a> to read the full article.</p>", []),
    ("arabic-stretched-label", f"<p>نص.</p><p>المصـــدر: <a href='{A}'>O</a></p>", [A]),
    ("arabic-stretched-label-bold", f"<p>نص.</p><p><strong>المـصـدر</strong>: <a href='{A}'>O</a></p>", [A]),
    ("arabic-stretched-label-plain-url", "<p>نص.</p><p>المصـدر: https://news.origin.example/world/مـقال</p>", ["https://news.origin.example/world/%D9%85%D9%80%D9%82%D8%A7%D9%84"]),
    ("arabic-stretched-prose-no-credit", f"<p>قالت المصـــادر إن <a href='{A}'>الاجتماع</a> انتهى دون اتفاق في العاصمة.</p><p>نص آخر.</p>", []),
    ("arabic-source-of-the-news", f"<p>نص.</p><p>مصدر الخبر: <a href='{A}'>O</a></p>", [A]),
    ("persian-news-source", f"<p>متن.</p><p>منبع خبر: <a href='{A}'>O</a></p>", [A]),
    ("persian-quoting", f"<p>متن خبر به نقل از <a href='{A}'>خبرگزاری</a></p>", [A]),
    ("telegram-forwarded-from", "<p>Forwarded From <b><a href='https://t.me/otherchannel/1234'>Other</a></b></p><p>Message.</p>", ["https://t.me/otherchannel/1234"]),
    ("japanese-original-here", f"<p>本文。</p><p>元記事はこちら：<a href='{A}'>O</a></p>", [A]),
    ("chinese-full-width-bar", f"<p>正文。</p><p>来源｜<a href='{A}'>O</a></p>", [A]),
    # --- an anchor whose address a template left empty (or '#', a script's): the URL shown
    ("empty-href-url-shown", f"<p>Text.</p><p>Source Article from <a href='' target='_blank'>{A}</a></p>", [A]),
    ("hash-href-url-shown", f"<p>Text.</p><p>Source: <a href=\"#\" onclick=\"window.open(this.textContent)\">{A}</a></p>", [A]),
    ("empty-href-name-shown", "<p>Text.</p><p>Source: <a href=''>The Origin Times</a></p>", []),
    # --- links that look like credits and are not ----------------------------------------
    ("wordpress-caption", "<div class='wp-caption aligncenter'><img src='p.jpg'><p class='wp-caption-text'>Source: <a href='https://photos.example/p/1'>Photos</a></p></div><p>Text.</p>", []),
    ("caption-then-credit", f"<div class='wp-caption'><img src='p.jpg'><p class='wp-caption-text'>Source: <a href='https://photos.example/p/1'>Photos</a></p></div><p>Text.</p><p>Source: <a href='{A}'>Origin</a></p>", [A]),
    ("caption-span", "<p><img src='p.jpg'><span class='image-caption'>Source: <a href='https://photos.example/p/1'>P</a></span></p><p>Text.</p>", []),
    ("not-a-caption-class", f"<div class='entry has-caption'><p>Text.</p><p>Source: <a href='{A}'>Origin</a></p></div>", [A]),
    ("telegram-inline-bot", "<p>A message.</p><p>via <b><a href='https://t.me/somebot'>@somebot</a></b></p>", []),
    ("references-but-no-credit", f"<p>It&#8217;s V&iacute;a Augusta&nbsp;&mdash; <a href='{A}'>a street</a> in town.</p><p>More text.</p>", []),
]  # fmt: skip


@pytest.mark.parametrize(("body", "sources"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_credit_shape(body: str, sources: list[str]) -> None:
    _post, edges = post_and_edges(FeedItem(link=POST, bodies=(body,)))
    assert [edge.source_url for edge in edges] == sources


def test_the_summary_is_read_when_the_content_names_only_the_post_itself() -> None:
    """Yoast's footer in the content (the post's own address), the credit in the
    summary: the summary was never read, since the content had "found" something."""
    content = f"<p>Text of the news.</p>{OWN_FOOTER}"
    summary = f"<p>Short.</p><p>Source: <a href='{A}'>Origin</a></p>"
    _post, edges = post_and_edges(FeedItem(link=POST, bodies=(content, summary)))
    assert [edge.source_url for edge in edges] == [A]


@pytest.mark.parametrize(
    ("title", "shown", "sources"),
    [
        ("Putin's speech in Geneva", "Putin’s speech in Geneva", [A]),
        ("Putin’s speech in Geneva", "Putin's speech in Geneva", [A]),
        ('The "new" deal', "The “new” deal", [A]),
        ("Talks - day two", "Talks – day two", [A]),
        ("Talks — day two", "Talks - day two", [A]),
        ("Wait... talks -- day two", "Wait… talks – day two", [A]),
        ("Putin's speech in Geneva", "Putin’s speech in Geneva, in full", []),
    ],
)
def test_a_closing_link_is_the_title_whatever_its_quotes_and_dashes(
    title: str, shown: str, sources: list[str]
) -> None:
    """WordPress curls the quotes and dashes of a post's text but a feed's title may
    keep them straight, or the other way round (another CMS, a translation tool)."""
    body = f"<p>Text of the news.</p><p><a href='{A}'>{shown}</a></p>"
    _post, edges = post_and_edges(FeedItem(link=POST, title=title, bodies=(body,)))
    assert [edge.source_url for edge in edges] == sources
