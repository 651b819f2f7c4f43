"""Export the edge graph for other tools. Streams rows; holds no graph in memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from tracer.store import Store

__all__ = ["EDGE_FIELDS", "export", "iter_edges"]

EDGE_FIELDS = (
    "repost_url",
    "source_url",
    "kind",
    "pattern",
    "evidence",
    "raw_source_url",
    "first_seen",
    "last_seen",
)


def iter_edges(store: Store) -> Iterator[dict[str, object]]:
    sql = f"SELECT {', '.join(EDGE_FIELDS)} FROM edges ORDER BY id"
    yield from store.db.query(sql)


def export(store: Store, out: TextIO, fmt: str = "jsonl") -> int:
    """Write the graph to ``out``; return the number of edges written."""
    if fmt != "jsonl":
        raise ValueError(f"unknown export format {fmt!r}")
    count = 0
    for edge in iter_edges(store):
        out.write(json.dumps(edge, ensure_ascii=False) + "\n")
        count += 1
    return count
