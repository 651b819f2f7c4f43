"""tracer.urls: every shortcut gives what the general rule gives, on large generated sets.

canonicalize skips work for the usual URL (a cached authority, a path and query
with nothing to encode, escapes already canonical, a wrapper's target decoded in
C, a query without "amp;"). Each shortcut is checked here against the slower
general form it stands for, and whole URLs against the same URLs with every
cache emptied. The inputs are the benchmark's varied URL set (benchmarks/bench_urls.py)
plus mutations of it: controls, spaces, non-ASCII, stray "%", escaped "&amp;",
tracker names in other cases or percent-encoded.
"""

from __future__ import annotations

import random
import string
import sys
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from tracer import trackers, urls
from tracer.exceptions import InvalidURL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bench_urls import make_url

_ALLOWED = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/?[]"
_JUNK = [
    *"%%#\"<>\\^`{|}  \t\x00\x01\x7f\x85\xa0\u00ad\u200b\u2028\ufeffé€あ😀\ud800",
    "%7e", "%7E", "%2f", "%41", "%zz", "%4", "%c3%a9", "%e2%82", "%25", "%5C",
    "amp;", "&amp;", "&&", "=", "/./", "/../", ";jsessionid=1", "#!", "?", ":80", "@",
    "[", "]", "xn--", "..", "UTM_", "utm%5Fsource=1", "Fbclid=2", "пример", "Café",
]  # fmt: skip
_WRAPPERS = [
    "https://www.google.com/url?q=", "https://l.facebook.com/l.php?u=",
    "https://vk.com/away.php?to=", "https://href.li/?", "https://ok.ru/dk?st.link=",
]  # fmt: skip


def _mutated(rng: random.Random) -> str:
    url = make_url(rng)
    roll = rng.random()
    if roll < 0.35:
        chars = list(url)
        for _ in range(rng.randint(1, 4)):
            chars.insert(rng.randint(0, len(chars)), rng.choice(_JUNK))
        url = "".join(chars)
    elif roll < 0.45 and url.startswith("http"):
        url = rng.choice(_WRAPPERS) + (quote(url, safe="") if rng.random() < 0.8 else url)
    elif roll < 0.5:
        url = url.upper()
    return url


def _url_set(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [_mutated(rng) for _ in range(count)]


def _key_or_error(url: str) -> str | tuple[str, str]:
    try:
        return urls.canonicalize(url)
    except InvalidURL as exc:
        return ("error", exc.reason)


def _text_set(count: int, seed: int, alphabet: list[str]) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(count)]


def test_cached_authorities_give_what_a_cold_start_gives() -> None:
    """A known authority skips the character check of the text before it: same keys, same
    errors as with every cache empty (each URL alone, and after all the others)."""
    inputs = _url_set(6000, 1)
    cold = []
    for url in inputs:
        for table in urls._AUTHORITIES.values():
            table.clear()
        cold.append(_key_or_error(url))
    for url in inputs:  # warm every cache, bad inputs included
        _key_or_error(url)
    assert [_key_or_error(url) for url in inputs] == cold
    assert sum(isinstance(result, str) for result in cold) > 2000  # not mostly errors


def test_keys_are_printable_ascii_without_quotes_or_backslashes() -> None:
    """clean-url writes a key into JSON as it is: it must need no escaping."""
    for url in _url_set(6000, 2):
        key = _key_or_error(url)
        if isinstance(key, str):
            assert key.isascii() and key.isprintable() and " " not in key, key
            assert '"' not in key and "\\" not in key, key
            assert urls.canonicalize(key) == key


def test_plain_bytes_are_the_raw_uri_characters_and_escapes() -> None:
    assert set(urls._PLAIN_BYTES.decode("ascii")) == set(_ALLOWED) | {"%", "#"}
    for char in _ALLOWED:
        assert urls._NEEDS_WORK_RE.search(char) is None
        assert urls._BAD_CHAR_RE.search(char) is None


def test_every_bad_character_is_refused_by_isprintable() -> None:
    """The character check asks str.isprintable() first and the regex only when it fails."""
    every = "".join(map(chr, range(0x110000)))
    found = set(urls._BAD_CHAR_RE.findall(every))
    assert len(found) > 60
    assert all(char == " " or not char.isprintable() for char in found)


def test_escapes_to_fix_are_exactly_those_the_table_changes() -> None:
    for pair, replacement in urls._ESCAPES.items():
        changes = replacement != "%" + pair
        assert (urls._ESCAPE_TO_FIX_RE.match("%" + pair) is not None) == changes, pair
    for text in ("%", "%4", "%G1", "%4g", "x%"):
        assert urls._ESCAPE_TO_FIX_RE.search(text) is not None, text


@pytest.mark.parametrize("seed", [3, 4])
def test_normalize_pct_shortcuts_match_the_general_tokenizer(seed: int) -> None:
    alphabet = [*_ALLOWED, *_JUNK, "%", "%", "%C3%A9", "%3A", "%2F"]
    for text in _text_set(20000, seed, alphabet):
        general = urls._PCT_TOKEN_RE.sub(lambda m: urls._pct_token_text(m[0]), text)
        assert urls._normalize_pct(text) == general, text
        if urls._ENCODE_RE.search(text) is None:
            assert urls._normalize_escapes(text) == general, text


def test_unquote_matches_urllib() -> None:
    alphabet = [*"aZ09-._~%%%\\xé+", "\ud800", "%7e", "%C3", "%A9", "%c3%a9", "%e2%82", "%ff"]
    alphabet += ["%00", "%5C", "%25", "%78", "%ED%A0%80", "%2F", "%3A", "%zz", "%4"]
    for text in _text_set(20000, 5, alphabet):
        assert urls._unquote(text) == unquote(text), text


def _reference_clean_query(query: str, host: str) -> str:
    """The rule as written in the module docstring, through the public is_tracking_param."""
    kept = []
    for piece in query.split("&"):
        while piece[:4].lower() == "amp;":
            piece = piece[4:]
        if piece and not urls.is_tracking_param(piece.partition("=")[0], host):
            kept.append(piece)
    return "&".join(kept)


def test_clean_query_matches_the_rule_for_every_site() -> None:
    rng = random.Random(6)
    names = [*trackers.GLOBAL_NAMES, *(prefix + "x" for prefix in trackers.GLOBAL_PREFIXES)]
    for site, site_names in trackers.SITE_NAMES.items():
        names += [*site_names, site.split(".")[0]]
    names += [prefix + "y" for prefixes in trackers.SITE_PREFIXES.values() for prefix in prefixes]
    names += ["p", "id", "source", "ref", "s", "", "q"]
    hosts = [*trackers.SITE_NAMES, *trackers.SITE_PREFIXES, "example.com", "news.nytimes.com"]
    for _ in range(20000):
        pieces = []
        for _ in range(rng.randint(0, 6)):
            name = rng.choice(names)
            if rng.random() < 0.2:
                name = name.upper()
            if rng.random() < 0.1:
                name = rng.choice(["amp;", "AMP;amp;", "%61mp;"]) + name
            if rng.random() < 0.1:
                name = name.replace("_", "%5F").replace("s", "%73")
            pieces.append(name + rng.choice(["", "=", "=1", "=a;b", "=x=y", "=%3B"]))
        query = "&".join(pieces)
        host = rng.choice(hosts)
        got = urls._clean_query(query, urls._tracker_table(host))
        assert got == _reference_clean_query(query, host), (query, host)
