"""URL identity: one canonical key per article. Pure functions, no I/O.

This module contains no business logic beyond the conventions of
``URLS.md``: trim, lower-case scheme and host, drop default ports and the
fragment, strip tracking parameters, keep everything else.

>>> canonicalize("  HTTPS://WWW.RT.com:443/news/1-x/?utm_source=rss&utm_medium=rss#top ")
'https://www.rt.com/news/1-x/'
>>> domain_of("https://www.rt.com/news/1-x/")
'rt.com'
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from tracer.exceptions import InvalidURL

__all__ = ["canonicalize", "domain_of", "is_tracking_param"]

MAX_URL_LENGTH = 4096

_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid"})


def is_tracking_param(name: str) -> bool:
    """True when a query parameter name only tracks the click.

    >>> is_tracking_param("UTM_Source"), is_tracking_param("id")
    (True, False)
    """
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def canonicalize(raw: str) -> str:
    """Return the canonical key of ``raw`` or raise :class:`InvalidURL`."""
    text = raw.strip()
    if not text:
        raise InvalidURL(raw, "empty")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidURL(raw, f"longer than {MAX_URL_LENGTH} characters")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidURL(raw, f"scheme {scheme or '(none)'!r} is not http or https")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidURL(raw, "no host")
    port = parts.port
    netloc = host if port in (None, 80 if scheme == "http" else 443) else f"{host}:{port}"
    pieces = [p for p in parts.query.split("&") if p]
    kept = [p for p in pieces if not is_tracking_param(p.split("=", 1)[0])]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def domain_of(url: str) -> str:
    """The grouping domain of a canonical URL: host without ``www.``.

    >>> domain_of("http://WWW.Example.org:8080/a")
    'example.org'
    """
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
