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


@pytest.mark.parametrize(
    "command",
    [["feeds", "add", b"https://a.example/caf\xe9"], ["outlets", "add", b"Caf\xe9", b"rt.com"]],
)
def test_an_argument_in_another_encoding_is_a_usage_error_not_a_traceback(
    tmp_path: Path, command: list[bytes | str]
) -> None:
    """A Latin-1 byte on the command line (a non-UTF-8 terminal, ``xargs`` over an old
    file) reaches Python as a surrogate escape, which SQLite refuses: it crashed."""
    db = tmp_path / "x.db"
    done = subprocess.run(
        [sys.executable, "-m", "tracer", "--db", str(db), *command],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(b"error: an argument is not UTF-8 text"), done.stderr
    assert b"\\xe9" in done.stderr and done.stderr.count(b"\n") == 1, done.stderr
