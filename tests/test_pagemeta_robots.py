# ruff: noqa: E501  (tables of cases read better one per line)
"""Unit cases for page metadata (tracer.pagemeta) and robots.txt rules (tracer.robots)."""

from __future__ import annotations

import pytest

from tracer.pagemeta import read_page
from tracer.resolve import article_of
from tracer.robots import parse_robots

ROBOTS = """\ufeff# a comment
User-agent: *
Disallow: /search
Allow: /search/about$
Disallow: /*?print=
Disallow:

User-agent: Tracer   # our own group: only these rules apply to us
Disallow: /drafts/
Allow: /drafts/public/
"""


@pytest.mark.parametrize(
    ("path", "agent", "allowed"),
    [
        ("/search", "other", False),
        ("/search/about", "other", True),
        ("/search/about/more", "other", False),  # $ anchors the allow
        ("/news/1?print=1", "other", False),  # wildcard in the middle
        ("/news/1", "other", True),
        ("/search", "tracer", True),  # our group replaces the * group
        ("/drafts/x", "tracer", False),
        ("/drafts/public/x", "tracer", True),  # the longer rule wins
    ],
)
def test_robots_rules(path: str, agent: str, allowed: bool) -> None:
    rules = parse_robots(ROBOTS.lstrip("\ufeff"), agent)
    assert rules.allows(f"https://site.example{path}") is allowed


def test_robots_tie_goes_to_allow_and_robots_txt_itself_is_always_allowed() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /page\nAllow: /page\nDisallow: /\n", "tracer")
    assert rules.allows("https://a.example/page")
    assert not rules.allows("https://a.example/other")
    assert rules.allows("https://a.example/robots.txt")


def html(head: str, body: str = "", charset: str = "utf-8") -> bytes:
    text = f"<html><head><meta charset='{charset}'>{head}</head><body>{body}</body></html>"
    return text.encode(charset)


def test_title_precedence_and_entities() -> None:
    meta = read_page(html('<meta property="og:title" content="OG &amp; co"><title>T</title>'), "https://a.example/")
    assert meta.title == "OG & co"
    assert read_page(html("<title>\n  Only   the title  &#8211; Site </title>"), "https://a.example/").title == (
        "Only the title – Site"
    )  # fmt: skip


def test_canonical_link_wins_over_og_url_and_is_resolved_against_the_final_url() -> None:
    head = '<meta property="og:url" content="https://a.example/og/"><link rel="canonical" href="../c/">'
    meta = read_page(html(head), "https://a.example/x/y/")
    assert (meta.canonical, meta.canonical_from) == ("https://a.example/x/c/", "link")
    meta = read_page(html('<meta property="og:url" content="/og/">'), "https://a.example/x/")
    assert (meta.canonical, meta.canonical_from) == ("https://a.example/og/", "og:url")


def test_a_page_in_another_charset_is_read() -> None:
    meta = read_page(html("<title>Новости</title>", charset="windows-1251"), "https://a.example/")
    assert meta.title == "Новости"


@pytest.mark.parametrize(
    ("head", "body", "published"),
    [
        ('<meta property="article:published_time" content="2019-03-23T13:00:00+03:00">', "", "2019-03-23T10:00:00Z"),
        ('<meta property="article:published_time" content="2019-03-23">', '<time datetime="2019-03-23T09:00:00Z">', "2019-03-23T09:00:00Z"),
        ("", '<article><p>x</p></article><footer><time datetime="2030-01-01T00:00:00Z"></time></footer>', None),
        ("", '<div itemscope><span itemprop="datePublished" datetime="2019-03-23T10:00:00-02:00">x</span></div>', "2019-03-23T12:00:00Z"),
        ('<meta property="article:modified_time" content="2019-03-23T10:00:00Z">', "", None),
    ],
)  # fmt: skip
def test_published(head: str, body: str, published: str | None) -> None:
    assert read_page(html(head, body), "https://a.example/").published == published


@pytest.mark.parametrize(
    ("final", "canonical", "article"),
    [
        ("https://www.a.example/p?utm_source=x", "https://a.example/p/", "https://a.example/p/"),  # www. folded
        ("https://a.example/p", "https://m.a.example/p", "https://a.example/p"),  # another subdomain
        ("https://a.example/p", "javascript:alert(1)", "https://a.example/p"),
        ("https://a.example/p", None, "https://a.example/p"),
    ],
)  # fmt: skip
def test_identity_rule(final: str, canonical: str | None, article: str) -> None:
    assert article_of("https://bit.ly/x", final, canonical)[0] == article


def test_a_long_json_ld_list_is_walked_in_linear_time() -> None:
    """The walk took items off the front of a Python list: quadratic, ~7 s of CPU for a
    hostile page of 200,000 small items (800 kB, under the 2 MiB cap); now ~0.2 s."""
    import time

    items = ",".join(['[{"x": 1}]'] * 200_000)
    body = (
        '<html><head><script type="application/ld+json">'
        f'[{items}, {{"datePublished": "2019-03-23T10:00:00Z"}}]</script></head></html>'
    ).encode()
    started = time.process_time()
    meta = read_page(body, "https://a.example/")
    spent = time.process_time() - started
    assert meta.published == "2019-03-23T10:00:00Z"
    assert spent < 2.0, f"{spent:.2f} s of CPU"


def test_a_robots_txt_with_many_wildcards_is_matched_at_once() -> None:
    """Each ``*`` was a regex ``.*``: 30 of them and a ``$`` against a 40-letter path
    backtrack for hours, holding ``tracer resolve`` (a CPU-bound regex ignores the
    per-page deadline). Run in a child process so the old behaviour fails, not hangs."""
    import subprocess
    import sys

    code = (
        "from tracer.robots import parse_robots\n"
        "rules = parse_robots('User-agent: *\\nDisallow: /' + '*a' * 30 + '*b$\\n', 'tracer')\n"
        "print(rules.allows('https://x.example/' + 'a' * 40),"
        " rules.allows('https://x.example/' + 'a' * 40 + 'b'))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
        )
    except subprocess.TimeoutExpired:
        pytest.fail("robots.txt matching ran for 30 s")
    assert done.stdout.split() == ["True", "False"]


def _regex_allows(rules: list[tuple[bool, str]], path: str) -> bool:
    """The reference: each pattern as a regex (``*`` → ``.*``, ``$`` → end), longest wins."""
    import re

    best: tuple[int, bool] | None = None
    for allow, pattern in rules:
        anchored = pattern.endswith("$")
        body = pattern[:-1] if anchored else pattern
        regex = ".*".join(re.escape(p) for p in body.split("*")) + ("$" if anchored else "")
        if re.match(regex, path) and (best is None or (len(pattern), allow) > best):
            best = (len(pattern), allow)
    return True if best is None else best[1]


def test_robots_wildcards_match_as_regexes_would() -> None:
    """The matcher agrees with the regex reading on 20,000 random patterns and paths."""
    import random

    rng = random.Random(9309)
    for _ in range(20_000):
        pattern = "/" + "".join(rng.choice("ab/*") for _ in range(rng.randint(0, 6)))
        pattern += "$" if rng.random() < 0.4 else ""
        path = "/" + "".join(rng.choice("ab/") for _ in range(rng.randint(0, 8)))
        allow = rng.random() < 0.5
        text = f"User-agent: *\n{'Allow' if allow else 'Disallow'}: {pattern}\nDisallow: /zz\n"
        rules = parse_robots(text, "tracer")
        got = rules.allows(f"https://site.example{path}")
        assert got == _regex_allows(list(rules.rules), path), (pattern, path)


@pytest.mark.parametrize("charset", ["utf8mb4", "x-no-such-charset"])
def test_a_header_charset_lxml_does_not_know_reads_utf8_bytes_as_utf8(charset: str) -> None:
    """A Content-Type naming a charset lxml lacks (MySQL's ``utf8mb4``, sent by PHP sites)
    is read as a header naming none: a page of valid UTF-8 bytes is UTF-8, not Latin-1
    ('CafÃ©'), as when there is no header at all."""
    body = "<html><head><title>Café Привет</title></head></html>".encode()
    meta = read_page(body, "https://a.example/", f"text/html; charset={charset}")
    assert meta.title == "Café Привет" == read_page(body, "https://a.example/", "text/html").title
    latin = "<html><head><title>Café</title></head></html>".encode("latin-1")
    assert read_page(latin, "https://a.example/", f"text/html; charset={charset}").title == "Café"
