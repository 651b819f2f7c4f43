"""Outlets: named groups of domains (an outlet's language editions and mirrors).

A pattern is either a grouping domain as :func:`tracer.urls.domain_of` gives it
(``rt.com``; ``www.rt.com`` is written ``rt.com``) or ``*.`` and a domain
(``*.rt.com``), which matches every subdomain at any depth (``de.rt.com``,
``a.b.rt.com``) but **not** ``rt.com`` itself, as in DNS and TLS wildcards:
an outlet on ``rt.com`` and all its editions lists both ``rt.com`` and
``*.rt.com``. A domain belongs to at most one outlet: a pattern that overlaps
another outlet's is refused (:class:`OutletError`), so matching never has to
choose.

The pattern logic is pure (:func:`normalize_pattern`, :func:`overlaps`,
:class:`OutletIndex`); the functions taking a :class:`~tracer.store.Store`
read and write the ``outlets`` and ``outlet_domains`` tables of migration 0007,
each change in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tracer.exceptions import InvalidURL, TracerError
from tracer.store import Store
from tracer.timeutil import format_time, utcnow
from tracer.urls import canonicalize, domain_of

__all__ = [
    "Outlet",
    "OutletError",
    "OutletIndex",
    "add_outlet",
    "list_outlets",
    "load_index",
    "normalize_pattern",
    "overlaps",
    "read_outlets",
    "remove_outlet",
    "replace_outlets",
]

_NOT_HOST = re.compile(r"[\s/?#@:\\]")


class OutletError(TracerError):
    """An outlet command that cannot be done (bad pattern, conflict, unknown name)."""


@dataclass(frozen=True)
class Outlet:
    """An outlet as stored: its name, its patterns (sorted), notes and source."""

    name: str
    domains: tuple[str, ...]
    notes: str | None = None
    source: str | None = None


def normalize_pattern(text: str) -> str:
    """A user's domain or ``*.domain`` → the stored pattern, or :class:`OutletError`.

    Host names are lower-cased and IDNA-encoded as URLs are; a leading ``www.``
    is folded as :func:`~tracer.urls.domain_of` does (for a plain domain only).
    A URL is accepted and stands for its domain.

    >>> normalize_pattern("WWW.RT.com"), normalize_pattern("*.RT.com.")
    ('rt.com', '*.rt.com')
    >>> normalize_pattern("https://de.rt.com/russland/"), normalize_pattern("münchen.de")
    ('de.rt.com', 'xn--mnchen-3ya.de')
    >>> normalize_pattern("*.com")
    Traceback (most recent call last):
    ...
    tracer.outlets.OutletError: '*.com' is too broad: a pattern needs at least two labels after '*.'
    """
    raw = text.strip()
    if "://" in raw:
        try:
            return domain_of(canonicalize(raw))
        except InvalidURL as exc:
            raise OutletError(f"{text!r} is not a domain: {exc.reason}") from None
    wildcard = raw.startswith("*.")
    host = raw[2:] if wildcard else raw
    if not host or _NOT_HOST.search(host) or "*" in host:
        raise OutletError(f"{text!r} is not a domain or a '*.domain' pattern")
    try:
        url = canonicalize(f"http://{host}/")
    except InvalidURL as exc:
        raise OutletError(f"{text!r} is not a domain: {exc.reason}") from None
    host = url[len("http://") : -1]
    if wildcard:
        if "." not in host:
            raise OutletError(
                f"{text!r} is too broad: a pattern needs at least two labels after '*.'"
            )
        return "*." + host
    return domain_of(url)


def overlaps(a: str, b: str) -> bool:
    """Whether two patterns can match one domain.

    >>> overlaps("de.rt.com", "*.rt.com"), overlaps("rt.com", "*.rt.com")
    (True, False)
    >>> overlaps("*.rt.com", "*.de.rt.com"), overlaps("*.rt.com", "*.art.com")
    (True, False)
    """
    a_wild, b_wild = a.startswith("*."), b.startswith("*.")
    a_base, b_base = a.removeprefix("*."), b.removeprefix("*.")
    if not a_wild and not b_wild:
        return a == b
    if a_wild and b_wild:
        return a_base == b_base or a_base.endswith("." + b_base) or b_base.endswith("." + a_base)
    domain, base = (a, b_base) if b_wild else (b, a_base)
    return domain.endswith("." + base)


@dataclass
class OutletIndex:
    """Patterns → outlet names, for :meth:`outlet_of` lookups (O(labels) each).

    >>> index = OutletIndex({"rt.com": "RT", "*.rt.com": "RT", "dw.com": "DW"})
    >>> index.outlet_of("rt.com"), index.outlet_of("de.rt.com"), index.outlet_of("art.com")
    ('RT', 'RT', None)
    >>> index.group_of("art.com"), index.group_of("francais.rt.com")
    ('art.com', 'RT')
    """

    patterns: Mapping[str, str] = field(default_factory=dict)

    def outlet_of(self, domain: str) -> str | None:
        """The outlet ``domain`` belongs to, or None."""
        found = self.patterns.get(domain)
        if found is not None:
            return found
        labels = domain.split(".")
        for start in range(1, len(labels) - 1):
            found = self.patterns.get("*." + ".".join(labels[start:]))
            if found is not None:
                return found
        return None

    def group_of(self, domain: str) -> str:
        """The outlet's name, or the domain itself when it is in no outlet."""
        return self.outlet_of(domain) or domain

    def __bool__(self) -> bool:
        return bool(self.patterns)


# -- store access ---------------------------------------------------------


def load_index(store: Store) -> OutletIndex:
    """Every stored pattern with its outlet's name."""
    rows = store.execute(
        "SELECT d.pattern, o.name FROM outlet_domains AS d JOIN outlets AS o ON o.id = d.outlet_id"
    )
    return OutletIndex(dict(rows))


def list_outlets(store: Store) -> list[dict[str, Any]]:
    """Every outlet by name: ``{"name", "domains", "notes", "source", "known_domains"}``.

    ``known_domains``: the domains in the database (either end of an edge)
    that the outlet's patterns match, to check what a pattern covers.
    """
    conn = store.engine
    outlets = read_outlets(store)
    index = load_index(store)
    known: dict[str, list[str]] = {o.name: [] for o in outlets}
    for (name,) in conn.execute("SELECT name FROM domains ORDER BY name"):
        outlet = index.outlet_of(name)
        if outlet is not None:
            known[outlet].append(name)
    return [
        {
            "name": o.name,
            "domains": list(o.domains),
            "notes": o.notes,
            "source": o.source,
            "known_domains": known[o.name],
        }
        for o in outlets
    ]


def read_outlets(store: Store) -> list[Outlet]:
    """Every stored outlet, by name, with its patterns sorted."""
    rows = store.execute(
        "SELECT o.name, o.notes, o.source, d.pattern FROM outlets AS o"
        " LEFT JOIN outlet_domains AS d ON d.outlet_id = o.id ORDER BY o.name, d.pattern"
    )
    found: dict[str, tuple[str | None, str | None, list[str]]] = {}
    for name, notes, source, pattern in rows:
        patterns = found.setdefault(name, (notes, source, []))[2]
        if pattern is not None:
            patterns.append(pattern)
    return [
        Outlet(name, tuple(patterns), notes, source)
        for name, (notes, source, patterns) in found.items()
    ]


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean or any(ord(ch) < 32 for ch in clean):
        raise OutletError(f"invalid outlet name {name!r}: empty or with control characters")
    return clean


def _conflicts(patterns: Iterable[str], others: Mapping[str, str]) -> list[str]:
    """Messages for every pattern that overlaps one of ``others`` (pattern → outlet)."""
    problems = []
    for pattern in patterns:
        for other, outlet in sorted(others.items()):
            if overlaps(pattern, other):
                problems.append(f"{pattern} overlaps {other} of outlet {outlet!r}")
    return problems


def add_outlet(
    store: Store,
    name: str,
    domains: Iterable[str],
    *,
    notes: str | None = None,
    source: str | None = None,
) -> Outlet:
    """Create outlet ``name`` or add ``domains`` to it; notes/source replace when given.

    Raises :class:`OutletError`, storing nothing, when a domain is invalid or
    overlaps a domain of another outlet.
    """
    name = _check_name(name)
    patterns = sorted({normalize_pattern(d) for d in domains})
    if not patterns:
        raise OutletError(f"outlet {name!r}: give at least one domain")
    index = load_index(store)
    others = {p: o for p, o in index.patterns.items() if o != name}
    problems = _conflicts(patterns, others)
    if problems:
        raise OutletError("a domain belongs to at most one outlet: " + "; ".join(problems))
    now = format_time(utcnow())
    with store.transaction():
        conn = store.engine
        conn.execute(
            "INSERT INTO outlets (name, notes, source, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET notes = coalesce(excluded.notes, outlets.notes),"
            " source = coalesce(excluded.source, outlets.source)",
            [name, notes, source, now],
        )
        (outlet_id,) = conn.execute("SELECT id FROM outlets WHERE name = ?", [name]).fetchone()
        conn.executemany(
            "INSERT OR IGNORE INTO outlet_domains (pattern, outlet_id) VALUES (?, ?)",
            [(p, outlet_id) for p in patterns],
        )
    return next(o for o in read_outlets(store) if o.name == name)


def remove_outlet(store: Store, name: str, domains: Iterable[str] = ()) -> int:
    """Remove outlet ``name`` (or only the given domains of it); return patterns removed.

    Refused while a watch follows the outlet and the whole outlet would go.
    """
    row = store.execute("SELECT id FROM outlets WHERE name = ?", [name]).fetchone()
    if row is None:
        raise OutletError(f"unknown outlet {name!r} (see 'tracer outlets list')")
    outlet_id = row[0]
    wanted = [normalize_pattern(d) for d in domains]
    with store.transaction():
        conn = store.engine
        if wanted:
            current = {
                p
                for (p,) in conn.execute(
                    "SELECT pattern FROM outlet_domains WHERE outlet_id = ?", [outlet_id]
                )
            }
            missing = [p for p in wanted if p not in current]
            if missing:
                raise OutletError(f"outlet {name!r} has no domain {', '.join(missing)}")
            if current <= set(wanted):
                raise OutletError(
                    f"that would leave outlet {name!r} without domains:"
                    f" use 'tracer outlets remove {name}' to remove it"
                )
            conn.executemany("DELETE FROM outlet_domains WHERE pattern = ?", [(p,) for p in wanted])
            return len(wanted)
        watched = conn.execute(
            "SELECT id FROM watches WHERE kind = 'outlet' AND target = ? ORDER BY id", [name]
        ).fetchall()
        if watched:
            ids = ", ".join(str(w) for (w,) in watched)
            raise OutletError(
                f"outlet {name!r} is followed by watch {ids}: 'tracer watch remove' it first"
            )
        (count,) = conn.execute(
            "SELECT count(*) FROM outlet_domains WHERE outlet_id = ?", [outlet_id]
        ).fetchone()
        conn.execute("DELETE FROM outlets WHERE id = ?", [outlet_id])
    return int(count)


def replace_outlets(store: Store, outlets: Iterable[Outlet]) -> tuple[int, int]:
    """Import: each given outlet gets exactly these domains, notes and source.

    Outlets not named are left alone. All or nothing: a conflict (between two
    given outlets, or with one left alone) stores nothing. Returns (created,
    updated).
    """
    given: dict[str, Outlet] = {}
    for outlet in outlets:
        name = _check_name(outlet.name)
        if name in given:
            raise OutletError(f"outlet {name!r} appears twice")
        patterns = tuple(sorted({normalize_pattern(d) for d in outlet.domains}))
        if not patterns:
            raise OutletError(f"outlet {name!r}: no domains")
        given[name] = Outlet(name, patterns, outlet.notes or None, outlet.source or None)
    index = load_index(store)
    final = {p: o for p, o in index.patterns.items() if o not in given}
    problems = []
    for outlet in given.values():
        problems += _conflicts(outlet.domains, final)
        final.update(dict.fromkeys(outlet.domains, outlet.name))
    if problems:
        raise OutletError("a domain belongs to at most one outlet: " + "; ".join(problems))
    now = format_time(utcnow())
    created = 0
    with store.transaction():
        conn = store.engine
        for outlet in given.values():
            row = conn.execute("SELECT id FROM outlets WHERE name = ?", [outlet.name]).fetchone()
            if row is None:
                created += 1
                conn.execute(
                    "INSERT INTO outlets (name, notes, source, added_at) VALUES (?, ?, ?, ?)",
                    [outlet.name, outlet.notes, outlet.source, now],
                )
            else:
                outlet_id = row[0]
                conn.execute(
                    "UPDATE outlets SET notes = ?, source = ? WHERE id = ?",
                    [outlet.notes, outlet.source, outlet_id],
                )
                conn.execute("DELETE FROM outlet_domains WHERE outlet_id = ?", [outlet_id])
        for outlet in given.values():
            conn.executemany(
                "INSERT INTO outlet_domains (pattern, outlet_id)"
                " SELECT ?, id FROM outlets WHERE name = ?",
                [(p, outlet.name) for p in outlet.domains],
            )
    return created, len(given) - created
