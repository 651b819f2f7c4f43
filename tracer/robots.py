"""robots.txt, as RFC 9309 reads it: groups by user agent, longest match wins.

:func:`parse_robots` and :meth:`Rules.allows` are pure. ``urllib.robotparser``
is not used because it applies the *first* matching rule, so ``Allow: /``
before ``Disallow: /private/`` would let a crawler into ``/private/``; the RFC
(and every large crawler) takes the longest matching path, ``Allow`` winning
a tie, with ``*`` wildcards and a ``$`` end anchor.

Which group applies: the one naming our product token (``tracer``), else the
``*`` group; no group at all allows everything. How a missing robots.txt is
read is :func:`rules_for_status`'s job: 4xx (404, 410, even 401/403) allows
everything, 5xx or no answer disallows everything for now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

__all__ = ["ALLOW_ALL", "DISALLOW_ALL", "Rules", "parse_robots", "robots_path", "rules_for_status"]

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB


@dataclass(frozen=True, slots=True)
class Rules:
    """The rules of one group: ``(allow, pattern)`` pairs; ``everything`` overrides them."""

    rules: tuple[tuple[bool, str], ...] = ()
    everything: bool | None = None  # True: allow all; False: disallow all
    unavailable: str | None = None  # why robots.txt could not be read (everything is False)
    _compiled: list[tuple[bool, int, tuple[str, ...], bool]] = field(
        default_factory=list, compare=False, repr=False
    )

    def allows(self, url: str) -> bool:
        """Whether ``url`` may be fetched under these rules.

        >>> rules = parse_robots("User-agent: *\\nAllow: /\\nDisallow: /private/\\n", "tracer")
        >>> rules.allows("http://a.example/private/x"), rules.allows("http://a.example/news/")
        (False, True)
        >>> rules = parse_robots("User-agent: *\\nDisallow: /*.pdf$\\nDisallow: /tmp\\n", "tracer")
        >>> [rules.allows(f"http://a.example{p}") for p in ("/a.pdf", "/a.pdf?x", "/tmpx", "/")]
        [False, True, False, True]
        """
        if self.everything is not None:
            return self.everything
        path = robots_path(url)
        if path == "/robots.txt":
            return True
        if not self._compiled:
            for allow, pattern in self.rules:
                self._compiled.append((allow, len(pattern), *_pattern_pieces(pattern)))
        best: tuple[int, bool] | None = None
        for allow, length, pieces, anchored in self._compiled:
            if _matches(pieces, anchored, path) and (best is None or (length, allow) > best):
                best = (length, allow)
        return True if best is None else best[1]


ALLOW_ALL = Rules(everything=True)
DISALLOW_ALL = Rules(everything=False)


def rules_for_status(status: int | None) -> Rules | None:
    """The rules implied by a robots.txt answer that has no usable body (None: parse it).

    >>> rules_for_status(404) is ALLOW_ALL, rules_for_status(503) is DISALLOW_ALL
    (True, True)
    >>> rules_for_status(None) is DISALLOW_ALL, rules_for_status(200) is None
    (True, True)
    """
    if status is None or status >= 500:
        return DISALLOW_ALL
    if 400 <= status < 500:
        return ALLOW_ALL
    return None


def robots_path(url: str) -> str:
    """The path and query that rules match against, percent-decoding unreserved characters.

    >>> robots_path("https://a.example/a%7Eb/c?q=1#f"), robots_path("https://a.example")
    ('/a~b/c?q=1', '/')
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _normalize(path)


def _normalize(path: str) -> str:
    # decode %XX except reserved characters, so "/a%7Eb" and "/a~b" match the same rule
    return re.sub(
        r"%([0-9A-Fa-f]{2})",
        lambda m: m.group(0).upper() if unquote(m.group(0)) in "/?#%*$;=&" else unquote(m.group(0)),
        path,
    )


def _pattern_pieces(pattern: str) -> tuple[tuple[str, ...], bool]:
    """A rule's path split at its ``*`` wildcards, and whether ``$`` ends it."""
    anchored = pattern.endswith("$")
    body = _normalize(pattern[:-1] if anchored else pattern)
    return tuple(body.split("*")), anchored


def _matches(pieces: tuple[str, ...], anchored: bool, path: str) -> bool:
    """Whether ``path`` matches a rule (``pieces`` between its ``*``), as the regex
    ``piece.*piece…`` (``$``-ended when ``anchored``) matching at the start would, without
    its backtracking: each piece is found leftmost after the one before (a later match
    never leaves more room), the last one ends the path when anchored. Linear in the path.

    >>> pieces, anchored = _pattern_pieces("/*.pdf$")
    >>> [_matches(pieces, anchored, p) for p in ("/a.pdf", "/a.pdf?x", "/a.pdf.pdf", "/.pd")]
    [True, False, True, False]
    """
    first, rest = pieces[0], pieces[1:]
    if not path.startswith(first):
        return False
    if not rest:
        return not anchored or path == first
    at = len(first)
    for piece in rest[:-1]:
        found = path.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    last = rest[-1]
    if anchored:
        return path.endswith(last) and len(path) - len(last) >= at
    return path.find(last, at) >= 0


def parse_robots(text: str, agent: str) -> Rules:
    """The rules of the group for ``agent`` (a product token like ``tracer``), else of ``*``.

    >>> text = "User-agent: Other\\nDisallow: /\\n\\nUser-agent: *\\nDisallow: /admin\\n"
    >>> parse_robots(text, "tracer").rules
    ((False, '/admin'),)
    >>> parse_robots("User-agent: tracer\\nUser-agent: x\\nDisallow: /\\n", "tracer").rules
    ((False, '/'),)
    >>> parse_robots("Disallow: /orphan\\n", "tracer").rules, parse_robots("", "x").rules
    ((), ())
    """
    agent = agent.lower()
    groups: dict[str, list[tuple[bool, str]]] = {}
    current: list[str] = []
    in_rules = False
    for raw_line in text[:MAX_ROBOTS_BYTES].splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key in ("user-agent", "useragent"):
            if in_rules:  # a user-agent line after rules starts a new group
                current, in_rules = [], False
            current.append(value.lower())
            for name in current:
                groups.setdefault(name, [])
        elif key in ("allow", "disallow"):
            in_rules = True
            if not current:
                continue  # a rule outside any group is ignored
            if key == "disallow" and not value:
                continue  # "Disallow:" (empty) allows everything
            if not value.startswith(("/", "*")):
                value = "/" + value
            for name in current:
                groups[name].append((key == "allow", value))
    chosen = None
    for name, rules in groups.items():
        if name != "*" and name == agent:
            chosen = rules
            break
    if chosen is None:
        chosen = groups.get("*", [])
    return Rules(tuple(chosen))
