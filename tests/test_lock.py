"""The poll lock: one holder per database (per shard), released by the kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracer.exceptions import PollLocked
from tracer.lock import poll_lock


def test_second_holder_of_the_same_lock_is_refused(db_path: Path) -> None:
    with (
        poll_lock(db_path),
        pytest.raises(PollLocked, match="another poll is running"),
        poll_lock(db_path),
    ):
        pass
    with poll_lock(db_path):  # released on exit
        pass


def test_disjoint_shards_run_side_by_side_but_not_twice(db_path: Path) -> None:
    with poll_lock(db_path, (0, 2)) as first, poll_lock(db_path, (1, 2)) as second:
        assert first != second
        with pytest.raises(PollLocked), poll_lock(db_path, (1, 2)):
            pass
