"""Hostile bodies against the extractor's newer rules: linear time, never a stall.

A feed's item is anyone's text, and a body may be megabytes. The review of the
rules for long links, closing links, captions and character references found
inputs that took exponential time (a closing link followed by many comments or
pixel images: 1 s at 22 of them, the tail holds 170), quadratic time (a URL after
thousands of unclosed tags: the whole body read at each; a word with no break:
each start re-scanned) or a second reading of a megabyte. Each case runs at two
sizes, four times apart: both well under the bound, which a quadratic or
exponential cost passes by orders of magnitude.
"""

from __future__ import annotations

import time

import pytest
from conftest import require_native

from tracer import trigger_search
from tracer.extract import extract_attributions
from tracer.models import FeedItem

LINK = "<p>Hi</p><p><a href='http://x.example/a'>http://x.example/a</a></p>"
LABELS = ("Source", "Via", "Quelle", "Fuente", "Fonte", "Original", "Credit", "Origen", "Bron")
BOUND = 1.0  # seconds of CPU for the larger size; linear costs are under 0.1 s

HOSTILE = {  # name -> (body of the smaller size, whether its size may grow)
    "comments-after-closing-link": (LINK + "<!---->" * 150 + "x", False),  # the tail: 1,200 B
    "pixels-after-closing-link": (LINK + "<img width=1 height=1>" * 40 + "x", False),
    "tags-after-an-ellipsis": ("<p>Hi https://x.example/a ... " + "<abcdefgh>" * 20 + "x", False),
    "words-without-breaks-after-labels": (
        "".join(("y" * 1300 + f".{word}:http://x.example/" + "a" * 5000) * 3 for word in LABELS),
        True,
    ),
    "letter-references": ("<p>" + "V&iacute;a &#1048; " * 6_000 + "</p><a href='x'>x</a>", True),
    "class-attributes": ("<p class=" + "class=" * 2000 + ">Source: <a href='x'>x</a></p>", True),
    "hrefs-without-scheme": ("<p>Source: " + "<a href='www.x.example/a'>x</a> " * 5000, True),
    "a-list-of-sources-without-end": (
        "<p>Sources:</p><ul>" + "<li>1. <a href='http://x.example/a'>x</a> (note)</li>" * 3000,
        True,
    ),
    "spaces-before-a-listed-link": (
        "<p>Sources:<br><a href='http://x.example/a'>x</a><br>"
        + " - " * 5000
        + "x <a href='y'>y</a>",
        True,
    ),
    "word-spans-between-labels": (
        "<p>" + ("Source: <span style='mso-x:1'><span style='mso-y:2'>" * 2000) + "</p>" + LINK,
        True,
    ),
    "spaces-after-breaks-under-labels": (
        "<p>Sources: <a href='http://x.example/a/1'>x</a><br>" + " " * 16000 + "</p>",
        True,
    ),
    "labels-in-tag-soup-far-from-a-link": (  # each label once checked 4 KB of tags on
        ("Source" + "<b>" * 14) * 5000 + "<p>" + "end. " * 120 + "</p>" + LINK,
        True,
    ),
    "spaces-opening-a-block-after-a-list": (  # 29 s at 4,000 spaces in 8d43d64
        "<p>Sources:<br><a href='http://x.example/a'>x</a></p><p>" + " " * 3000 + "</p>",
        False,
    ),
    "name-like-blocks-after-a-list": (
        "<h3>Sources</h3><p>A: <a href='http://x.example/a'>x</a></p>"
        + ("<p>" + "word " * 40 + "- </p>") * 400,
        True,
    ),
    "spacer-paragraphs-after-a-list": (
        "<p>Sources:</p><p><a href='http://x.example/a'>x</a></p>" + "<p>&nbsp;<br></p>" * 4000,
        True,
    ),
    "unclosed-tags-after-labels": (
        "<p>" + "Source: <span style='a " * 3000 + "http://x.example/a",
        True,
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_body_is_read_in_linear_time(name: str) -> None:
    body, grows = HOSTILE[name]
    for size in (1, 4) if grows else (1,):
        started = time.process_time()
        extract_attributions(FeedItem(link="https://blog.example/p/", bodies=(body * size,)))
        assert time.process_time() - started < BOUND, (name, size)


def test_a_url_after_thousands_of_unclosed_tags_is_read_in_linear_time() -> None:
    """The closing-link rule read the whole body from its start when no block tag
    stood before the URL: 42 s for 400 KB. (Pure Python's own tag blanking is
    quadratic on this input too, before any rule: the compiled build is tested.)"""
    require_native(trigger_search._FOLD_NATIVE is not None, "the compiled tag blanking")
    body = "<a href='x " * 10_000 + "http://x.example/a"
    for size in (1, 4):
        started = time.process_time()
        extract_attributions(FeedItem(link="https://blog.example/p/", bodies=(body * size,)))
        assert time.process_time() - started < BOUND, size
