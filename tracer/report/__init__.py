"""``tracer report``: one self-contained HTML page of the provenance network.

- :mod:`tracer.report.scope`: which edges and posts the report covers
  (``--since``, ``--declared-only``), as a temporary filtered copy when needed;
- :mod:`tracer.report.data`: the numbers, from the functions behind ``stats``,
  ``origins``, ``reposts``, ``export --level domain`` and ``feeds list``;
- :mod:`tracer.report.layout`: a small force layout for the network;
- :mod:`tracer.report.charts`: inline SVG charts (pure);
- :mod:`tracer.report.page`: the HTML page, with inline CSS (``report.css``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tracer.report.data import ReportData, gather
from tracer.report.page import render
from tracer.report.scope import Scope, scoped_store
from tracer.store import Store
from tracer.timeutil import utcnow

__all__ = ["Scope", "build_report", "write_report"]


def build_report(
    store: Store, *, top: int, scope: Scope, now: datetime | None = None, database: str = ""
) -> tuple[str, ReportData]:
    """The report's HTML and the numbers it shows, as of ``now`` (default: the clock)."""
    when = now or utcnow()
    with scoped_store(store, scope) as scoped:
        data = gather(scoped, top=top, scope=scope, now=when, database=database)
    return render(data), data


def write_report(store: Store, out: Path, *, top: int, scope: Scope) -> ReportData:
    """Write the report to ``out`` (via a temporary file beside it, then renamed)."""
    from tracer.files import write_atomically

    text, data = build_report(store, top=top, scope=scope, database=_name(store))
    write_atomically(out, text.encode("utf-8"))
    return data


def _name(store: Store) -> str:
    """The file's name, or a PostgreSQL database's name (never its host, user or password).

    >>> from types import SimpleNamespace as S
    >>> _name(S(path=None, engine=S(target="postgresql://u:***@db.example:5432/news?sslmode=require")))
    'news'
    """
    if store.path is not None:
        return store.path.name
    from urllib.parse import urlsplit

    return urlsplit(store.engine.target).path.lstrip("/")
