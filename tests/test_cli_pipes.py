"""A reader that closes the pipe early (`tracer stats | head -1`) is not a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import run


@pytest.mark.parametrize(
    "command",
    [["stats"], ["sites"], ["feeds", "list"], ["stats", "--json"], ["export", "--format", "csv"],
     ["clean-url", "https://a.example/x?utm_source=1"]],
)  # fmt: skip
def test_a_closed_pipe_ends_a_query_with_exit_0_and_no_message(
    tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "t.db"
    run(db, "feeds", "add", "http://127.0.0.1:9/feed.xml")
    reader, writer = os.pipe()
    os.close(reader)  # the reader went away before tracer wrote anything: EPIPE on the first write
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tracer", "--db", str(db), *command],
            stdout=writer, stderr=subprocess.PIPE, timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""


def test_a_real_failure_still_exits_1(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tracer", "--db", str(tmp_path / "missing" / "x.db"), "stats"],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert b"error" in done.stderr
