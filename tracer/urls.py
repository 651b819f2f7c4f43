"""URL identity: one canonical key per article. Pure functions, no I/O.

This module holds the URL conventions listed below and nothing else; the
tracker names are data in :mod:`tracer.trackers`.
Two spellings of one article get one key; two articles never share one (a
false merge loses an article, a false split only misses a repost: when
unsure, keep).

What :func:`canonicalize` does, in order:

1. Trim surrounding whitespace; reject an empty value, a value longer than
   :data:`MAX_URL_LENGTH`, and raw spaces or control characters inside (and,
   at the end, a key longer than :data:`MAX_KEY_LENGTH`).
2. Require an absolute ``http``/``https`` URL with ``//`` and a host; lower-case
   the scheme and host, encode a Unicode host with IDNA (UTS #46, as browsers
   do), drop one trailing dot of the host, validate IPv4 and IPv6 literals
   (IPv6 is written in its compressed RFC 5952 form), drop the default and an
   empty port, reject a port that is not a number up to 65535. User info is kept.
3. Normalize percent-encoding in the path, query and a kept fragment: hex digits
   upper-cased, unreserved characters decoded, raw non-ASCII and characters not
   allowed in a URI (``"<>\\^`{|}``) encoded as UTF-8, a ``%`` not followed by
   two hex digits written ``%25``. ``+`` and ``%20`` are kept as given.
4. An empty path becomes ``/``; ``.`` and ``..`` segments are resolved (RFC 3986
   5.2.4); everything else in the path is kept as is, except ``;jsessionid=``
   style session ids.
5. The query keeps its order and duplicates; empty pieces go; tracking
   parameters (global names and prefixes, and per-site names for that host and
   its subdomains) are removed, matching the percent-decoded name
   case-insensitively. A name HTML-escaped by a feed (``&amp;utm_source=``) is
   read as the name after ``amp;``.
6. The fragment is dropped unless it is a ``#!`` hash-bang route.
7. Redirect wrappers whose target is in the URL itself (Google ``/url``,
   Facebook ``l.php``, VK ``away.php``, YouTube/LinkedIn/Reddit/Tumblr/Bing News
   redirects, Outlook safe links, AMP caches and the Google AMP viewer) are
   unwrapped and the target cleaned the same way, up to :data:`MAX_WRAPPER_DEPTH`
   wrappers deep. A wrapper without an http(s) target is an error.

Further choices, made to keep articles apart:

* A lone ``%``, raw ``|`` or ``{`` are encoded rather than rejected; a
  ``\\`` in the path becomes ``%5C`` (never read as ``/``).
* ``http:/x`` / ``http:x`` (no ``//``) and ``https:\\\\x`` are errors, not guesses.
* Hosts made only of digits and dots must be valid dotted-quad IPv4.
* Feed proxies (``feedproxy.google.com/~r/...``), shorteners (``bit.ly``,
  ``t.co``) and ``news.google.com/rss/articles/...`` stay as they are: their
  target is not in the URL.

>>> canonicalize("  HTTPS://WWW.RT.com:443/news/1-x/?utm_source=rss&utm_medium=rss#top ")
'https://www.rt.com/news/1-x/'
>>> canonicalize("https://www.google.com/url?q=https%3A%2F%2Fexample.org%2Fa%3Fid%3D5%26fbclid%3Dx")
'https://example.org/a?id=5'
>>> canonicalize("http://münchen.de/%7Euser/a/../b?p=123&&ref=x#!/c")
'http://xn--mnchen-3ya.de/~user/b?p=123&ref=x#!/c'
>>> canonicalize("javascript:alert(1)")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
tracer.exceptions.InvalidURL: invalid URL: 'javascript:alert(1)': scheme 'javascript' is not ...
>>> domain_of("https://www.rt.com/news/1-x/")
'rt.com'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote

from tracer.exceptions import InvalidURL
from tracer.trackers import GLOBAL_NAMES, GLOBAL_PREFIXES, SITE_NAMES, SITE_PREFIXES

__all__ = [
    "MAX_KEY_LENGTH",
    "MAX_URL_LENGTH",
    "MAX_WRAPPER_DEPTH",
    "canonicalize",
    "domain_of",
    "domain_of_prefix",
    "is_tracking_param",
    "url_domain",
]

MAX_URL_LENGTH = 4096
"""Longer inputs are rejected: several kilobytes is beyond what servers accept
(8 KB request lines by default, 2 KB in old browsers and sitemaps)."""

MAX_KEY_LENGTH = 1300
"""Longer keys are rejected (UTF-8 bytes; a key is ASCII unless its user info is
not). Crawls of millions of URLs find none past 1,000 characters, and two keys
(an edge's repost and source) must fit one PostgreSQL B-tree entry (2,704 bytes):
with this one limit both engines store the same posts and edges, where before a
longer key made PostgreSQL refuse a feed's whole write. Checked on the key, not on
the input, because percent-encoding makes a key up to nine times its input."""

MAX_WRAPPER_DEPTH = 5
"""How many redirect wrappers inside each other are unwrapped before giving up."""

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Raw whitespace or control characters inside a URL (after trimming).
_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_BAD_CHAR_RE = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000" + _INVISIBLE + "]"
)
# Characters trimmed around a URL besides what str.strip() removes: C0/C1
# controls, zero-width and bidi marks, a byte order mark.
_EXTRA_TRIM = "".join(
    ch
    for ch in map(
        chr,
        [
            *range(0x21),
            *range(0x7F, 0xA0),
            *range(0x200B, 0x2010),
            *range(0x202A, 0x202F),
            *range(0x2060, 0x2065),
            *range(0x2066, 0x206A),
            0xFEFF,
        ],
    )
    if not ch.isspace()
)
_EXTRA_TRIM_SET = frozenset(_EXTRA_TRIM)
# Characters that may appear raw in a path, query or fragment; anything else
# (including "%") sends the piece through the normalizer.
_NEEDS_WORK_RE = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]]")
# What must be encoded: any character not allowed raw, "%" aside.
_ENCODE_RE = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]%]")
# The bytes of a URL that need no second look: those allowed raw in a URI, "%" and "#".
# A URL of only these (the usual one) has no space, control or non-ASCII character,
# and nothing in its path or query to encode. bytes.translate finds the others in
# a few instructions a byte; a regular expression costs tens a byte.
_PLAIN_BYTES = (
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?[]%#"
)
# Runs of characters to encode, as a split pattern (text without escapes).
_ENCODE_RUNS_RE = re.compile(r"([^A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]%]+)")
# One token of the general normalizer: an escape, a run of characters to encode, a lone "%".
_PCT_TOKEN_RE = re.compile(r"%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]%]+|%")
_HOST_OK_RE = re.compile(r"[a-z0-9\-_.]+")
_ASCII_HOST_RE = re.compile(r"[A-Za-z0-9\-_.]+")
_IPV4ISH_RE = re.compile(r"[0-9.]+")
_SESSION_IN_PATH_RE = re.compile(r";(?:jsessionid|phpsessid|aspsessionid)=[^/;]*", re.IGNORECASE)
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_DEFAULT_PORT = {"http": "80", "https": "443"}
_GOOGLE_HOST_RE = re.compile(r"(?:www\.)?google\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})")
# An escape the normalizer changes: a "%" without two upper-case hex digits after it, or
# the escape of an unreserved character (A-Z %41-%5A, a-z %61-%7A, 0-9 %30-%39, "-._~").
_ESCAPE_TO_FIX_RE = re.compile(r"%(?:(?![0-9A-F]{2})|[46][1-9A-F]|[57][0-9A]|3[0-9]|2[DE]|5F|7E)")
_HEX_DIGITS = "0123456789abcdefABCDEF"
# The two hex digits after a "%" -> what the escape becomes (decoded if unreserved).
_ESCAPES = {
    a + b: chr(int(a + b, 16)) if chr(int(a + b, 16)) in _UNRESERVED else f"%{a}{b}".upper()
    for a in _HEX_DIGITS
    for b in _HEX_DIGITS
}


def _pct_token_text(token: str) -> str:
    """What one token of :data:`_PCT_TOKEN_RE` becomes."""
    if token[0] == "%":
        return _ESCAPES[token[1:]] if len(token) == 3 else "%25"
    return "%" + token.encode("utf-8", "surrogatepass").hex("%").upper()


class _TokenTable(dict[str, str]):
    """:func:`_pct_token_text` of each short token met, computed once (few distinct tokens)."""

    def __missing__(self, token: str) -> str:
        text = _pct_token_text(token)
        if len(token) <= 24 and len(self) < 65536:
            self[token] = text
        return text


_PCT_TOKENS = _TokenTable()


def _pct_token(match: re.Match[str]) -> str:
    return _PCT_TOKENS[match[0]]


def _normalize_pct(text: str) -> str:
    """Normalize percent-encoding in a path, query or fragment (no decoding of reserved).

    >>> _normalize_pct("/%7euser/caf\u00e9%2f%41%zz|")
    '/~user/caf%C3%A9%2FA%25zz%7C'
    >>> _normalize_pct("/a%2fb/%7E%e2%80%99%4"), _normalize_pct("/plain/path?q=1")
    ('/a%2Fb/~%E2%80%99%254', '/plain/path?q=1')
    """
    found = _NEEDS_WORK_RE.search(text)
    if found is None:
        return text
    if "%" not in text:  # only characters to encode (raw Unicode): no callbacks either
        parts = _ENCODE_RUNS_RE.split(text)
        tokens = _PCT_TOKENS
        parts[1::2] = [tokens[run] for run in parts[1::2]]
        return "".join(parts)
    if found[0] == "%" and _ENCODE_RE.search(text, found.start()) is None:
        return _normalize_escapes(text)
    return _PCT_TOKEN_RE.sub(_pct_token, text)


def _normalize_escapes(text: str) -> str:
    """:func:`_normalize_pct` of a text whose only characters not allowed raw are "%".

    Most escapes are already canonical (an encoded target URL in a wrapper has
    dozens): one search finds any other, and those need no callbacks.

    >>> _normalize_escapes("/a%2fb/%7E%e2%80%99%4?q=%3A")
    '/a%2Fb/~%E2%80%99%254?q=%3A'
    """
    if _ESCAPE_TO_FIX_RE.search(text) is None:
        return text
    pieces = text.split("%")
    out = [pieces[0]]
    escapes = _ESCAPES
    for piece in pieces[1:]:
        escape = escapes.get(piece[:2])
        if escape is None:
            out.append("%25")
            out.append(piece)
        else:
            out.append(escape)
            out.append(piece[2:])
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4 for an absolute path.

    >>> _remove_dot_segments("/a/b/../c/./d/.."), _remove_dot_segments("/../a//../b")
    ('/a/c/', '/a/b')
    """
    segments = path.split("/")
    last = len(segments) - 1
    out = [""]
    for index in range(1, last + 1):
        segment = segments[index]
        if segment == "." or segment == "..":
            if segment == ".." and len(out) > 1:
                out.pop()
            if index == last:
                out.append("")
        else:
            out.append(segment)
    return "/".join(out) or "/"


@lru_cache(maxsize=4096)
def _site_rules(host: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Per-site tracker names and prefixes for ``host`` and its parent domains."""
    names: set[str] = set()
    prefixes: list[str] = []
    domain = host
    while True:
        found = SITE_NAMES.get(domain)
        if found:
            names.update(found)
        found_prefixes = SITE_PREFIXES.get(domain)
        if found_prefixes:
            prefixes.extend(found_prefixes)
        dot = domain.find(".")
        if dot < 0:
            break
        domain = domain[dot + 1 :]
    return frozenset(names), tuple(prefixes)


def is_tracking_param(name: str, host: str = "") -> bool:
    """True when a query parameter name only tracks the click (on ``host``, if given).

    >>> is_tracking_param("UTM_Source"), is_tracking_param("id")
    (True, False)
    >>> is_tracking_param("source"), is_tracking_param("source", "user.medium.com")
    (False, True)
    """
    lowered = (unquote(name) if "%" in name else name).lower()
    if lowered in GLOBAL_NAMES or lowered.startswith(GLOBAL_PREFIXES):
        return True
    if host:
        names, prefixes = _site_rules(host)
        return lowered in names or (bool(prefixes) and lowered.startswith(prefixes))
    return False


class _TrackerTable(dict[str, bool]):
    """Whether a raw parameter name is a tracker under one set of site rules, decided once
    per name met (a feed repeats the same few names)."""

    def __init__(self, names: frozenset[str], prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.names = names
        self.prefixes = prefixes

    def __missing__(self, name: str) -> bool:
        lowered = (unquote(name) if "%" in name else name).lower()
        found = (
            lowered in GLOBAL_NAMES
            or lowered.startswith(GLOBAL_PREFIXES)
            or lowered in self.names
            or (bool(self.prefixes) and lowered.startswith(self.prefixes))
        )
        if len(self) < 65536:
            self[name] = found
        return found


# One table per distinct set of site rules; most hosts share the global-only one.
_TRACKER_TABLES: dict[tuple[frozenset[str], tuple[str, ...]], _TrackerTable] = {}


def _tracker_table(host: str) -> _TrackerTable:
    """The tracker table for the query parameters of ``host``."""
    rules = _site_rules(host)
    table = _TRACKER_TABLES.get(rules)
    if table is None:
        table = _TRACKER_TABLES[rules] = _TrackerTable(*rules)
    return table


def _clean_query(query: str, trackers: dict[str, bool]) -> str:
    """``query`` without empty pieces and without the parameters ``trackers`` marks.

    >>> _clean_query("a=1&&utm_source=x&amp;fbclid=y&b", _tracker_table("example.com"))
    'a=1&b'
    """
    kept: list[str] = []
    if ";" not in query:  # no "&amp;" left escaped: one pass, no rewriting of pieces
        pieces = query.split("&")
        for piece in pieces:  # (a loop costs less than a comprehension for a few pieces)
            if piece and not trackers[piece.partition("=")[0]]:
                kept.append(piece)
        return query if len(kept) == len(pieces) else "&".join(kept)
    for piece in query.split("&"):
        while piece[3:4] == ";" and piece[:4].lower() == "amp;":  # "&amp;" left escaped
            piece = piece[4:]
        if piece and not trackers[piece.partition("=")[0]]:
            kept.append(piece)
    return "&".join(kept)


@lru_cache(maxsize=8192)
def _host_key(host: str) -> str:
    """:func:`_clean_host` of one host, cached: a feed's URLs share a few hosts, and IDNA
    encoding is the costliest step of a key."""
    raw = ""  # the error names the input in _clean_host
    if host.startswith("["):
        if not host.endswith("]"):
            raise InvalidURL(raw, f"malformed IPv6 literal {host!r}")
        import ipaddress

        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise InvalidURL(raw, f"malformed IPv6 literal {host!r}") from None
        if address.scope_id:
            raise InvalidURL(raw, f"IPv6 zone id in {host!r} is not allowed in a URL key")
        return f"[{address.compressed}]"
    if "[" in host or "]" in host:
        raise InvalidURL(raw, f"malformed IPv6 literal in host {host!r}")
    if "%" in host:
        host = unquote(host, errors="strict") if _is_pct_utf8(host) else host
    lowered = host.lower()
    if not lowered.isascii():
        lowered = _idna(raw, lowered)
    if lowered.endswith(".") and len(lowered) > 1:
        lowered = lowered[:-1]
    if not lowered:
        raise InvalidURL(raw, f"no host (host {host!r} maps to nothing)")
    if ":" in lowered:
        raise InvalidURL(raw, f"malformed port, or IPv6 literal without brackets, in {host!r}")
    if _HOST_OK_RE.fullmatch(lowered) is None:
        bad = next((c for c in lowered if _HOST_OK_RE.fullmatch(c) is None), "?")
        raise InvalidURL(raw, f"invalid character {bad!r} in host {host!r}")
    if lowered.startswith(".") or lowered.endswith(".") or ".." in lowered:
        raise InvalidURL(raw, f"empty label in host {host!r}")
    if len(lowered) > 253 or any(len(label) > 63 for label in lowered.split(".")):
        raise InvalidURL(raw, f"host {host!r} is too long for DNS")
    if "xn--" in lowered:
        _check_punycode(raw, lowered)
    if _IPV4ISH_RE.fullmatch(lowered):
        parts = lowered.split(".")
        if len(parts) != 4 or not all(p.isdigit() and int(p) <= 255 for p in parts):
            raise InvalidURL(raw, f"malformed IPv4 address {host!r}")
    return lowered


def _check_punycode(raw: str, host: str) -> None:
    """Reject an ``xn--`` label that is not valid Punycode (a syntax check only)."""
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                decoded = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError, IndexError):
                decoded = ""
            if not decoded or decoded.isascii():
                raise InvalidURL(raw, f"invalid punycode label {label!r} in host")


def _is_pct_utf8(host: str) -> bool:
    try:
        unquote(host, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def _idna(raw: str, host: str) -> str:
    try:
        import idna
    except ImportError:  # pragma: no cover - idna ships with httpx
        pass
    else:
        try:
            return idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            pass
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidURL(raw, f"host {host!r} cannot be encoded with IDNA") from None


def _query_value(query: str, name: str) -> str | None:
    """The raw value of the first parameter called ``name`` (exact, lower-case)."""
    for piece in query.split("&"):
        while piece[:4].lower() == "amp;":  # "&amp;" left HTML-escaped by a feed
            piece = piece[4:]
        if piece.startswith(name + "="):
            return piece[len(name) + 1 :]
    return None


# Redirectors whose target is a query parameter: host -> {path or "*": names}.
_FACEBOOK_LINK: dict[str, tuple[str, ...]] = {"/l.php": ("u",), "/flx/warn/": ("u",)}
_YOUTUBE_LINK: dict[str, tuple[str, ...]] = {"/redirect": ("q",)}
_VK_LINK: dict[str, tuple[str, ...]] = {"/away.php": ("to",), "/away": ("to",)}
_PARAM_WRAPPERS: dict[str, dict[str, tuple[str, ...]]] = {
    "facebook.com": _FACEBOOK_LINK,
    "l.messenger.com": {"/l.php": ("u",)},
    "l.instagram.com": {"/": ("u",)},
    "vk.com": _VK_LINK,
    "m.vk.com": _VK_LINK,
    "www.vk.com": _VK_LINK,
    "youtube.com": _YOUTUBE_LINK,
    "www.youtube.com": _YOUTUBE_LINK,
    "m.youtube.com": _YOUTUBE_LINK,
    "t.umblr.com": {"/redirect": ("z",)},
    "out.reddit.com": {"*": ("url",)},
    "www.linkedin.com": {"/redir/redirect": ("url",), "/safety/go": ("url",)},
    "www.bing.com": {"/news/apiclick.aspx": ("url",)},
    "bing.com": {"/news/apiclick.aspx": ("url",)},
    "news.google.com": {"/news/url": ("url",)},
    "duckduckgo.com": {"/l/": ("uddg",)},
    "news.url.google.com": {"/url": ("url", "q")},
    "consent.google.com": {"/m": ("continue",), "/ml": ("continue",)},
    "consent.youtube.com": {"/m": ("continue",), "/ml": ("continue",)},
    "medium.com": {"/r/": ("url",), "/r": ("url",)},
    "t.me": {"/iv": ("url",)},
    "l.threads.net": {"/": ("u",)},
    "slack-redir.net": {"/link": ("url",)},
    "getpocket.com": {"/redirect": ("url",)},
    "steamcommunity.com": {"/linkfilter/": ("url", "u")},
    "exit.sc": {"/": ("url",)},
}


@lru_cache(maxsize=8192)
def _may_wrap(host: str) -> bool:
    """Whether some URL of ``host`` can be a redirect wrapper (most hosts: never)."""
    return (
        host.endswith((".cdn.ampproject.org", ".facebook.com"))
        or host.endswith(".safelinks.protection.outlook.com")
        or host in ("r.search.yahoo.com", "ok.ru", "href.li")
        or host in _PARAM_WRAPPERS
        or _GOOGLE_HOST_RE.fullmatch(host) is not None
    )


def _wrapped_target(host: str, path: str, query: str) -> str | None:
    """The target URL text a redirect wrapper points to, "" if it has none, None if not one."""
    if host.endswith(".cdn.ampproject.org"):
        for prefix in ("/c/", "/v/"):
            if path.startswith(prefix):
                return _amp_target(path[len(prefix) :], query)
        return None
    if _GOOGLE_HOST_RE.fullmatch(host):
        if path == "/url":
            return _param_target(query, "q", "url")
        if path.startswith("/amp/"):
            return _amp_target(path[5:], query)
        return None
    if host.endswith(".facebook.com") and path in ("/l.php", "/flx/warn/"):
        return _param_target(query, "u")
    if host.endswith(".safelinks.protection.outlook.com"):
        return _param_target(query, "url")
    if host == "r.search.yahoo.com" and "/RU=" in path:
        return _unquote(path.split("/RU=", 1)[1].split("/R", 1)[0])
    if host == "ok.ru" and path == "/dk":  # a dispatcher: only st.link makes it a redirect
        return None if _query_value(query, "st.link") is None else _param_target(query, "st.link")
    if host == "href.li" and path == "/":
        return query  # href.li/?https://example.org/a: the whole query is the target
    paths = _PARAM_WRAPPERS.get(host)
    if paths is None:
        return None
    names = paths.get(path) or paths.get("*")
    return None if names is None else _param_target(query, *names)


def _unquote(text: str) -> str:
    """:func:`urllib.parse.unquote` (UTF-8, errors replaced), in C when it can.

    ASCII text with well-formed escapes and no backslash (a wrapper's target,
    dozens of escapes) is decoded by the ``unicode_escape`` codec, each ``%HH``
    spelled ``\\xHH``; anything else goes to urllib.

    >>> _unquote("https%3A%2F%2Fb%C3%BCcher.example%2F%7e"), _unquote("50%+%zz%C3")
    ('https://bücher.example/~', '50%+%zz\ufffd')
    """
    if "%" not in text or "\\" in text:
        return unquote(text)
    try:
        latin = text.replace("%", "\\x").encode("ascii").decode("unicode_escape")
    except UnicodeError:  # non-ASCII text, or a "%" without two hex digits
        return unquote(text)
    return latin.encode("latin-1").decode("utf-8", "replace")


def _param_target(query: str, *names: str) -> str:
    """The decoded target in the first of ``names`` that holds an http(s) URL.

    Failing that, the first of them present (the caller rejects it), or "".
    """
    first: str | None = None
    for name in names:
        value = _query_value(query, name)
        if value is None:
            continue
        target = _unquote(value)
        # A target encoded twice ("https%253A%252F%252F...") decodes once more.
        if target[:7].lower() in ("http%3a", "https%3"):
            target = _unquote(target)
        # A target left half-encoded ("q=https://x.org/a%20b") keeps its spaces encoded.
        if " " in target:
            target = target.replace(" ", "%20")
        if target[:7].lower() == "http://" or target[:8].lower() == "https://":
            return target
        if first is None:
            first = target
    return first or ""


def _amp_target(rest: str, query: str) -> str:
    scheme = "http"
    if rest.startswith("s/"):
        scheme, rest = "https", rest[2:]
    if not rest or rest.startswith("/"):
        return ""
    return f"{scheme}://{rest}" + (f"?{query}" if query else "")


class _Authority(NamedTuple):
    """What a key needs to know about one ``[userinfo@]host[:port]``, decided once."""

    host: str
    netloc: str  # as written in the key
    may_wrap: bool  # some URL of the host can be a redirect wrapper (:func:`_may_wrap`)
    trackers: _TrackerTable  # the tracking parameters of the host


# Scheme -> authority as written -> its _Authority (a feed's URLs share a few; emptied when full).
_AUTHORITIES: dict[str, dict[str, _Authority]] = {"http": {}, "https": {}}
_AUTHORITIES_MAX = 8192


def _authority(scheme: str, authority: str) -> _Authority:
    """``[userinfo@]host[:port]`` → its :class:`_Authority`, kept in :data:`_AUTHORITIES`.

    Errors are raised without the input (``InvalidURL("", reason)``); the caller names it.
    """
    known = _AUTHORITIES[scheme]
    if len(known) >= _AUTHORITIES_MAX:
        known.clear()
    known[authority] = found = _new_authority(scheme, authority)
    return found


def _new_authority(scheme: str, authority: str) -> _Authority:
    userinfo = ""
    at = authority.rfind("@")
    if at >= 0:
        userinfo, authority = authority[:at], authority[at + 1 :]
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise InvalidURL("", f"malformed IPv6 literal {authority!r}")
        host, port_part = authority[: close + 1], authority[close + 1 :]
        if port_part and not port_part.startswith(":"):
            raise InvalidURL("", f"unexpected {port_part!r} after the IPv6 literal")
        port = port_part[1:]
        has_port = bool(port_part)
    else:
        colon = authority.rfind(":")
        has_port = colon >= 0
        host, port = (authority[:colon], authority[colon + 1 :]) if has_port else (authority, "")
    if not host:
        raise InvalidURL("", "no host")
    if _ASCII_HOST_RE.fullmatch(host) is not None and _IPV4ISH_RE.fullmatch(host) is None:
        host = host.lower()
        if host.endswith("."):
            host = host[:-1]
        if not host or host.startswith(".") or host.endswith(".") or ".." in host:
            raise InvalidURL("", f"empty label in host {authority!r}")
        if len(host) > 63 and (len(host) > 253 or any(len(x) > 63 for x in host.split("."))):
            raise InvalidURL("", f"host {host!r} is too long for DNS")
        if "xn--" in host:
            _check_punycode("", host)
    else:
        host = _host_key(host)
    netloc = host
    if has_port and port:
        if not port.isdigit() or not port.isascii():
            raise InvalidURL("", f"bad port {port!r}")
        number = int(port)
        if number > 65535:
            raise InvalidURL("", f"port {port} is out of range")
        port = str(number)
        if port != _DEFAULT_PORT[scheme]:
            netloc = f"{host}:{port}"
    if userinfo:
        netloc = f"{_normalize_pct(userinfo)}@{netloc}"
    return _Authority(host, netloc, _may_wrap(host), _tracker_table(host))


def _check_chars(raw: str, text: str, whole: str = "") -> None:
    """Raise when ``text`` (part of ``whole``, if given) holds raw whitespace or control
    characters, naming the first in ``whole``.

    Every character that _BAD_CHAR_RE finds, space aside, is one that
    str.isprintable() refuses, and that test is the cheaper.
    """
    if " " not in text and text.isprintable():
        return
    bad = _BAD_CHAR_RE.search(whole or text)
    if bad is not None:
        what = "space" if bad.group() == " " else f"control or whitespace character {bad.group()!r}"
        raise InvalidURL(raw, f"raw {what} inside the URL")


def _canonical(raw: str, text: str, depth: int) -> str:
    # The scheme. Then no raw space or control character: checked over the whole
    # text before anything else can fail, except that an authority already in
    # _AUTHORITIES passed that check once, so only the text after it is looked at.
    if text.startswith("https://"):
        scheme, rest, checked = "https", text[8:], False
    elif text.startswith("http://"):
        scheme, rest, checked = "http", text[7:], False
    else:
        match = _SCHEME_RE.match(text)
        if match is None:
            raise InvalidURL(raw, "not an absolute URL (no scheme such as https://)")
        scheme = match.group(1).lower()
        if scheme != "http" and scheme != "https":
            if "." in scheme:
                raise InvalidURL(raw, "not an absolute URL (no scheme such as https://)")
            raise InvalidURL(raw, f"scheme {scheme!r} is not http or https")
        _check_chars(raw, text)
        rest = text[match.end() :]
        if not rest.startswith("//"):
            raise InvalidURL(raw, f"expected '//' after '{scheme}:'")
        rest, checked = rest[2:], True

    # The authority ends at the first "/", "?" or "#".
    end = rest.find("/")
    if end < 0:
        end = len(rest)
    authority = rest[:end]
    if "?" in authority or "#" in authority:
        end = min(i for i in (end, rest.find("?"), rest.find("#")) if i >= 0)
        authority = rest[:end]
    after = rest[end:]
    # after: path, query, fragment; plain: nothing in it but what a URI allows raw, "%", "#"
    plain = not after.encode("utf-8", "surrogatepass").translate(None, _PLAIN_BYTES)
    known = _AUTHORITIES[scheme].get(authority)
    if known is None:
        if not checked:
            _check_chars(raw, text)
        if "\\" in authority:
            raise InvalidURL(raw, "backslash in the host part")
        try:
            known = _authority(scheme, authority)
        except InvalidURL as exc:  # raised without the input: name the input here
            raise InvalidURL(raw, exc.reason) from None
    elif not plain and not checked:
        _check_chars(raw, after, text)
    host, netloc, may_wrap, trackers = known

    # The path and the query are normalized together: no escape spans the "?",
    # and none becomes a "?".
    fragment = ""
    hash_at = after.find("#")
    if hash_at >= 0:
        fragment = after[hash_at + 1 :]
        after = after[:hash_at]
    path = after
    if plain:  # nothing to encode: at most escapes to fix
        if "%" in path:
            path = _normalize_escapes(path)
    elif path:
        path = _normalize_pct(path)
    query = ""
    question = path.find("?")
    if question >= 0:
        query = path[question + 1 :]
        path = path[:question]
    if path:
        if ";" in path:
            path = _SESSION_IN_PATH_RE.sub("", path)
        if "/." in path:
            path = _remove_dot_segments(path)
    else:
        path = "/"

    # Redirect wrappers: the target is cleaned like any URL.
    target = _wrapped_target(host, path, query) if may_wrap else None
    if target is not None:
        if depth >= MAX_WRAPPER_DEPTH:
            raise InvalidURL(raw, f"more than {MAX_WRAPPER_DEPTH} redirect wrappers nested")
        lowered = target[:8].lower()
        if not (lowered.startswith("http://") or lowered.startswith("https://")):
            shown = target[:60]
            if not target:
                raise InvalidURL(raw, "redirect wrapper without a target URL")
            raise InvalidURL(raw, f"redirect wrapper target {shown!r} is not an http(s) URL")
        return _canonical(raw, target.strip(), depth + 1)

    if query:
        query = _clean_query(query, trackers)

    url = f"{scheme}://{netloc}{path}"
    if query:
        url = f"{url}?{query}"
    if fragment.startswith("!") and len(fragment) > 1:
        url = f"{url}#{_normalize_pct(fragment)}"
    return url


def canonicalize(raw: str) -> str:
    """Return the canonical key of ``raw`` or raise :class:`InvalidURL` saying what is wrong.

    Pure, deterministic and idempotent: ``canonicalize(canonicalize(u)) == canonicalize(u)``.

    >>> canonicalize("http://Example.COM:80")
    'http://example.com/'
    >>> canonicalize("https://example.com/?p=123&utm_campaign=x&print")
    'https://example.com/?p=123&print'
    """
    text = raw.strip()
    if text and (text[0] in _EXTRA_TRIM_SET or text[-1] in _EXTRA_TRIM_SET):
        previous = ""
        while text != previous:
            previous, text = text, text.strip().strip(_EXTRA_TRIM)
    if not text:
        raise InvalidURL(raw, "empty")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidURL(raw, f"longer than {MAX_URL_LENGTH} characters ({len(text)})")
    key = _canonical(raw, text, 0)
    size = len(key) if key.isascii() else len(key.encode())
    if size > MAX_KEY_LENGTH:
        raise InvalidURL(raw, f"its key would be longer than {MAX_KEY_LENGTH} bytes ({size})")
    return key


def domain_of(url: str) -> str:
    """The grouping domain of a URL: its host lower-cased, with ``www.`` folded.

    Only a leading ``www.`` is folded into the bare host; every other subdomain
    is kept as it is (``m.``, ``amp.``, ``news.``, ``www2.``): whether they are
    the same site is site knowledge, and blog hosts such as ``*.medium.com`` or
    ``*.blogspot.com`` are different authors. The port and user info are not part
    of the domain. A value without a host gives ``""``.

    >>> domain_of("http://WWW.Example.org:8080/a")
    'example.org'
    >>> domain_of("https://m.example.org/a"), domain_of("https://user@[::1]:8080/")
    ('m.example.org', '[::1]')
    """
    start = url.find("://")
    if start < 0:
        return ""
    rest = url[start + 3 :]
    for stop in "/?#":
        cut = rest.find(stop)
        if cut >= 0:
            rest = rest[:cut]
    rest = rest[rest.rfind("@") + 1 :]
    if rest.startswith("["):
        host = rest[: rest.find("]") + 1] if "]" in rest else rest
    else:
        host = rest.split(":", 1)[0]
    host = host.strip().lower()
    return host[4:] if host.startswith("www.") and len(host) > 4 else host


@lru_cache(maxsize=65536)
def domain_of_prefix(prefix: str) -> str:
    """:func:`domain_of` of a URL's ``scheme://authority`` start (cached: few distinct ones).

    >>> domain_of_prefix("https://user@WWW.rt.com:8443"), domain_of_prefix("https://de.rt.com")
    ('rt.com', 'de.rt.com')
    """
    return domain_of(prefix + "/")


def url_domain(url: str) -> str:
    """:func:`domain_of` of a canonical URL, cached per ``scheme://authority``.

    >>> url_domain("https://www.rt.com/news/1/"), url_domain("https://de.rt.com")
    ('rt.com', 'de.rt.com')
    """
    cut = url.find("/", url.find("://") + 3)
    return domain_of_prefix(url if cut < 0 else url[:cut])
