"""A write that fails part-way through a poll, for the tests of what a poll keeps."""

from __future__ import annotations

from typing import Any

import pytest

from tracer.exceptions import StorageError
from tracer.store import Store


def fail_nth_feed_write(monkeypatch: pytest.MonkeyPatch, n: int, message: str) -> list[int]:
    """Make the ``n``-th feed a poll writes fail (``StorageError(message)``) after its
    posts and feed row are written, before its edges.

    Returns the list the ids of the feeds are appended to as they are written, in
    order (the failing one included); ``monkeypatch.undo()`` ends the fault.
    """
    applied: list[int] = []
    real_write_edges = Store._write_edges

    def write_edges(store: Store, update: Any, *rest: Any) -> int:
        applied.append(update.feed_id)
        if len(applied) == n:
            raise StorageError(message)
        return real_write_edges(store, update, *rest)

    monkeypatch.setattr(Store, "_write_edges", write_edges)
    return applied
